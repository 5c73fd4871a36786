package io.kubelab.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.SchedulerExtender;
import io.kubelab.scheduler.algorithm.Victims;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.extender.v1.ExtenderArgs;
import io.kubelab.scheduler.extender.v1.ExtenderBindingArgs;
import io.kubelab.scheduler.extender.v1.ExtenderBindingResult;
import io.kubelab.scheduler.extender.v1.ExtenderFilterResult;
import io.kubelab.scheduler.extender.v1.ExtenderPreemptionArgs;
import io.kubelab.scheduler.extender.v1.ExtenderPreemptionResult;
import io.kubelab.scheduler.extender.v1.HostPriority;
import io.kubelab.scheduler.extender.v1.HostPriorityList;
import io.kubelab.scheduler.extender.v1.MetaPod;
import io.kubelab.scheduler.extender.v1.MetaVictims;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One HTTP extender against a real server on the loopback interface, call by call. */
@Timeout(60)
class HttpExtenderTest {

  static final Node N1 = Fixtures.node("n1").allocatable("4", "8Gi").build();
  static final Node N2 = Fixtures.node("n2").allocatable("4", "8Gi").build();
  static final Node N3 = Fixtures.node("n3").allocatable("4", "8Gi").build();
  static final List<Node> NODES = List.of(N1, N2, N3);

  static final Pod VICTIM_A = Fixtures.pod("victim-a").uid("uid-a").nodeName("n1").build();
  static final Pod VICTIM_B = Fixtures.pod("victim-b").uid("uid-b").nodeName("n1").build();
  static final Pod VICTIM_C = Fixtures.pod("victim-c").uid("uid-c").nodeName("n2").build();
  static final Snapshot SNAPSHOT = Snapshot.of(List.of(VICTIM_A, VICTIM_B, VICTIM_C), NODES);

  static final Pod POD = Fixtures.pod("web").uid("uid-web").build();

  static String prefix(ExtenderServer s) {
    return "\"urlPrefix\":\"" + s.urlPrefix() + "\"";
  }

  static List<String> names(List<Node> nodes) {
    return nodes.stream().map(n -> n.getMetadata().getName()).toList();
  }

  static NodeList nodeList(List<Node> nodes) {
    NodeList l = new NodeList();
    l.setItems(new ArrayList<>(nodes));
    return l;
  }

  @Test
  void filterSendsFullNodesAndTakesTheNodesItKeeps() {
    BlockingQueue<ExtenderArgs> seen = new LinkedBlockingQueue<>();
    try (ExtenderServer s =
            ExtenderServer.builder()
                .prefix("/scheduler")
                .filter(
                    "filter",
                    a -> {
                      seen.add(a);
                      return new ExtenderFilterResult(
                          nodeList(List.of(N1, N3)), null, Map.of("n2", "no GPU"), "");
                    })
                .start();
        HttpExtender e = Configs.http(prefix(s) + ",\"filterVerb\":\"filter\"")) {
      SchedulerExtender.FilterResult r = e.filter(POD, NODES, SNAPSHOT);

      assertThat(names(r.nodes())).containsExactly("n1", "n3");
      assertThat(r.failedNodes()).containsExactly(Map.entry("n2", "no GPU"));
      ExtenderArgs sent = seen.poll();
      assertThat(sent.pod().getMetadata().getName()).isEqualTo("web");
      assertThat(names(sent.nodes().getItems())).containsExactly("n1", "n2", "n3");
      assertThat(sent.nodeNames()).isNull();
    }
  }

  @Test
  void aNodeCacheCapableExtenderIsSentNamesAndAnswersWithNames() {
    BlockingQueue<ExtenderArgs> seen = new LinkedBlockingQueue<>();
    try (ExtenderServer s =
            ExtenderServer.builder()
                .filter(
                    "filter",
                    a -> {
                      seen.add(a);
                      return new ExtenderFilterResult(null, List.of("n3", "n1"), null, "");
                    })
                .start();
        HttpExtender e =
            Configs.http(prefix(s) + ",\"filterVerb\":\"filter\",\"nodeCacheCapable\":true")) {
      SchedulerExtender.FilterResult r = e.filter(POD, NODES, SNAPSHOT);

      assertThat(r.nodes()).containsExactly(N3, N1);
      assertThat(r.failedNodes()).isEmpty();
      ExtenderArgs sent = seen.poll();
      assertThat(sent.nodes()).isNull();
      assertThat(sent.nodeNames()).containsExactly("n1", "n2", "n3");
    }
  }

  @Test
  void theRequestIsAJsonPostWithGoFieldNames() throws Exception {
    BlockingQueue<String> bodies = new LinkedBlockingQueue<>();
    BlockingQueue<String> heads = new LinkedBlockingQueue<>();
    HttpServer raw =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    raw.createContext(
        "/",
        x -> {
          heads.add(
              x.getRequestMethod()
                  + " "
                  + x.getRequestURI()
                  + " "
                  + x.getProtocol()
                  + " "
                  + x.getRequestHeaders().getFirst("Content-Type")
                  + " upgrade="
                  + x.getRequestHeaders().getFirst("Upgrade"));
          bodies.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          byte[] answer = "{\"nodenames\":[\"n2\"]}".getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(200, answer.length);
          try (OutputStream out = x.getResponseBody()) {
            out.write(answer);
          }
        });
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "raw-extender"));
    raw.setExecutor(pool);
    raw.start();
    try (HttpExtender e =
        Configs.http(
            "\"urlPrefix\":\"http://127.0.0.1:"
                + raw.getAddress().getPort()
                + "/a/b//\",\"filterVerb\":\"filter\",\"nodeCacheCapable\":true")) {
      assertThat(names(e.filter(POD, NODES, SNAPSHOT).nodes())).containsExactly("n2");
      // Go's transport speaks HTTP/1.1 to an http:// URL and never offers an h2c upgrade.
      assertThat(heads.poll()).isEqualTo("POST /a/b/filter HTTP/1.1 application/json upgrade=null");
      String body = bodies.poll();
      assertThat(body).startsWith("{\"Pod\":{\"metadata\":{");
      assertThat(body).endsWith(",\"Nodes\":null,\"NodeNames\":[\"n1\",\"n2\",\"n3\"]}");
      assertThat(body).doesNotContain("\"apiVersion\"", "\"kind\"");
    } finally {
      raw.stop(0);
      pool.shutdownNow();
      assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void withoutAFilterVerbEveryNodePasses() {
    try (HttpExtender e =
        Configs.http(
            "\"urlPrefix\":\"http://127.0.0.1:1\",\"prioritizeVerb\":\"p\",\"weight\":1")) {
      SchedulerExtender.FilterResult r = e.filter(POD, NODES, SNAPSHOT);
      assertThat(r.nodes()).isEqualTo(NODES);
      assertThat(r.failedNodes()).isEmpty();
    }
  }

  @Test
  void anErrorInTheAnswerIsTheCallsError() {
    try (ExtenderServer s =
            ExtenderServer.builder()
                .filter(
                    "filter", a -> new ExtenderFilterResult(null, null, null, "cache not synced"))
                .start();
        HttpExtender e = Configs.http(prefix(s) + ",\"filterVerb\":\"filter\"")) {
      assertThatThrownBy(() -> e.filter(POD, NODES, SNAPSHOT))
          .isInstanceOf(ExtenderException.class)
          .hasMessage("cache not synced");
    }
  }

  @Test
  void aFilteredNodeTheSchedulerDoesNotKnowIsAnError() {
    try (ExtenderServer s =
            ExtenderServer.builder()
                .filter(
                    "filter", a -> new ExtenderFilterResult(null, List.of("n1", "n9"), null, ""))
                .start();
        HttpExtender e =
            Configs.http(prefix(s) + ",\"filterVerb\":\"filter\",\"nodeCacheCapable\":true")) {
      assertThatThrownBy(() -> e.filter(POD, NODES, SNAPSHOT))
          .hasMessage(
              "extender \""
                  + s.urlPrefix()
                  + "\" claims a filtered node \"n9\" which is not found in nodeNameToInfo map");
    }
  }

  @Test
  void anExtenderWithoutNodeCacheAnsweringWithNamesOnlyFiltersOutEveryNode() {
    try (ExtenderServer s =
            ExtenderServer.builder()
                .filter("filter", a -> new ExtenderFilterResult(null, List.of("n1"), null, ""))
                .start();
        HttpExtender e = Configs.http(prefix(s) + ",\"filterVerb\":\"filter\"")) {
      assertThat(e.filter(POD, NODES, SNAPSHOT).nodes()).isEmpty();
    }
  }

  @Test
  void aStatusOtherThan200IsUpstreamsFailedError() {
    try (ExtenderServer s =
            ExtenderServer.builder()
                .filter(
                    "filter",
                    a -> {
                      throw new IllegalStateException("boom");
                    })
                .start();
        HttpExtender e =
            Configs.http("\"urlPrefix\":\"" + s.urlPrefix() + "/\",\"filterVerb\":\"filter\"")) {
      assertThatThrownBy(() -> e.filter(POD, NODES, SNAPSHOT))
          .isInstanceOf(ExtenderException.class)
          .hasMessage("Failed filter with extender at URL " + s.urlPrefix() + "/filter, code 500");
    }
  }

  @Test
  void aMalformedAnswerIsAnError() throws Exception {
    HttpServer raw =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    raw.createContext(
        "/",
        x -> {
          x.getRequestBody().readAllBytes();
          byte[] answer = "[{\"Host\":\"n1\",\"Score\":".getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(200, answer.length);
          try (OutputStream out = x.getResponseBody()) {
            out.write(answer);
          }
        });
    ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "raw-extender"));
    raw.setExecutor(pool);
    raw.start();
    try (HttpExtender e =
        Configs.http(
            "\"urlPrefix\":\"http://127.0.0.1:"
                + raw.getAddress().getPort()
                + "\",\"prioritizeVerb\":\"prioritize\",\"weight\":2")) {
      assertThatThrownBy(() -> e.prioritize(POD, NODES))
          .isInstanceOf(ExtenderException.class)
          .hasMessageStartingWith("cannot decode HostPriorityList: ");
    } finally {
      raw.stop(0);
      pool.shutdownNow();
      assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aRefusedConnectionIsGosDialError() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    try (HttpExtender e =
        Configs.http("\"urlPrefix\":\"http://127.0.0.1:" + port + "\",\"filterVerb\":\"f\"")) {
      assertThatThrownBy(() -> e.filter(POD, NODES, SNAPSHOT))
          .hasMessage(
              "Post http://127.0.0.1:"
                  + port
                  + "/f: dial tcp 127.0.0.1:"
                  + port
                  + ": connect: connection refused");
    }
  }

  @Test
  void aCallThatOutlastsHttpTimeoutFails() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (ExtenderServer s =
            ExtenderServer.builder()
                .filter(
                    "filter",
                    a -> {
                      release.await(30, TimeUnit.SECONDS);
                      return new ExtenderFilterResult(null, null, null, "");
                    })
                .start();
        // A Go time.Duration in JSON: nanoseconds (300 ms).
        HttpExtender e =
            Configs.http(prefix(s) + ",\"filterVerb\":\"filter\",\"httpTimeout\":300000000")) {
      assertThat(e.timeout()).isEqualTo(Duration.ofMillis(300));
      assertThatThrownBy(() -> e.filter(POD, NODES, SNAPSHOT))
          .hasMessage(
              "Post "
                  + s.urlPrefix()
                  + "/filter: net/http: request canceled"
                  + " (Client.Timeout exceeded while awaiting headers)");
    } finally {
      release.countDown();
    }
  }

  @Test
  void theDefaultTimeoutIsFiveSeconds() {
    try (HttpExtender e = Configs.http("\"urlPrefix\":\"http://127.0.0.1:1\"")) {
      assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(5));
      assertThat(e.timeout()).isEqualTo(HttpExtender.DEFAULT_EXTENDER_TIMEOUT);
    }
  }

  @Test
  void prioritizeReturnsTheScoresAndTheWeight() {
    try (ExtenderServer s =
            ExtenderServer.builder()
                .prioritize(
                    "prioritize",
                    a ->
                        new HostPriorityList(
                            List.of(
                                new HostPriority("n1", 3),
                                new HostPriority("n2", 10),
                                new HostPriority("n1", 4))))
                .start();
        HttpExtender e =
            Configs.http(prefix(s) + ",\"prioritizeVerb\":\"prioritize\",\"weight\":5")) {
      SchedulerExtender.PrioritizeResult r = e.prioritize(POD, NODES);
      assertThat(r.weight()).isEqualTo(5);
      assertThat(e.weight()).isEqualTo(5);
      // upstream adds every entry: combinedScores[host] += score * weight
      assertThat(r.scores()).containsOnly(Map.entry("n1", 7L), Map.entry("n2", 10L));
    }
  }

  @Test
  void withoutAPrioritizeVerbEveryNodeScoresZeroWithWeightZero() {
    try (HttpExtender e =
        Configs.http("\"urlPrefix\":\"http://127.0.0.1:1\",\"filterVerb\":\"f\",\"weight\":3")) {
      SchedulerExtender.PrioritizeResult r = e.prioritize(POD, NODES);
      assertThat(r.weight()).isZero();
      assertThat(r.scores())
          .containsOnly(Map.entry("n1", 0L), Map.entry("n2", 0L), Map.entry("n3", 0L));
    }
  }

  @Test
  void bindSendsTheBindingAndFailsOnItsError() {
    BlockingQueue<ExtenderBindingArgs> seen = new LinkedBlockingQueue<>();
    try (ExtenderServer s =
            ExtenderServer.builder()
                .bind(
                    "bind",
                    a -> {
                      seen.add(a);
                      return new ExtenderBindingResult(
                          a.node().equals("n2") ? "n2 is draining" : "");
                    })
                .start();
        HttpExtender e = Configs.http(prefix(s) + ",\"bindVerb\":\"bind\"")) {
      assertThat(e.isBinder()).isTrue();
      e.bind(ExtenderBinding.binding(POD, "n1"));
      assertThat(seen.poll()).isEqualTo(new ExtenderBindingArgs("web", "default", "uid-web", "n1"));
      assertThatThrownBy(() -> e.bind(ExtenderBinding.binding(POD, "n2")))
          .isInstanceOf(ExtenderException.class)
          .hasMessage("n2 is draining");
    }
  }

  @Test
  void bindWithoutABindVerbIsUpstreamsError() {
    try (HttpExtender e = Configs.http("\"urlPrefix\":\"http://127.0.0.1:1\"")) {
      assertThat(e.isBinder()).isFalse();
      assertThatThrownBy(() -> e.bind(ExtenderBinding.binding(POD, "n1")))
          .hasMessage("Unexpected empty bindVerb in extender");
    }
  }

  static Map<String, Victims> candidates() {
    Map<String, Victims> m = new LinkedHashMap<>();
    m.put("n1", new Victims(List.of(VICTIM_A, VICTIM_B), 1));
    m.put("n2", new Victims(List.of(VICTIM_C), 0));
    return m;
  }

  @Test
  void preemptSendsFullVictimsWithTheirPdbCountToAnExtenderWithoutNodeCache() {
    BlockingQueue<ExtenderPreemptionArgs> seen = new LinkedBlockingQueue<>();
    try (ExtenderServer s =
            ExtenderServer.builder()
                .preempt(
                    "preempt",
                    a -> {
                      seen.add(a);
                      return new ExtenderPreemptionResult(
                          Map.of("n1", new MetaVictims(List.of(new MetaPod("uid-b")), 7)));
                    })
                .start();
        HttpExtender e = Configs.http(prefix(s) + ",\"preemptVerb\":\"preempt\"")) {
      assertThat(e.supportsPreemption()).isTrue();
      Map<String, Victims> r = e.processPreemption(POD, candidates(), SNAPSHOT);

      ExtenderPreemptionArgs sent = seen.poll();
      assertThat(sent.nodeNameToMetaVictims()).isNull();
      assertThat(sent.nodeNameToVictims().get("n1").numPDBViolations()).isEqualTo(1);
      assertThat(sent.nodeNameToVictims().get("n1").pods())
          .extracting(p -> p.getMetadata().getUid())
          .containsExactly("uid-a", "uid-b");
      // The answer is by UID, mapped back to the snapshot's pod; its PDB count is not read.
      assertThat(r).containsOnly(Map.entry("n1", new Victims(List.of(VICTIM_B), 0)));
    }
  }

  @Test
  void preemptSendsUidsWithoutPdbCountToANodeCacheCapableExtender() {
    BlockingQueue<ExtenderPreemptionArgs> seen = new LinkedBlockingQueue<>();
    try (ExtenderServer s =
            ExtenderServer.builder()
                .preempt(
                    "preempt",
                    a -> {
                      seen.add(a);
                      return new ExtenderPreemptionResult(a.nodeNameToMetaVictims());
                    })
                .start();
        HttpExtender e =
            Configs.http(prefix(s) + ",\"preemptVerb\":\"preempt\",\"nodeCacheCapable\":true")) {
      Map<String, Victims> r = e.processPreemption(POD, candidates(), SNAPSHOT);

      ExtenderPreemptionArgs sent = seen.poll();
      assertThat(sent.nodeNameToVictims()).isNull();
      assertThat(sent.nodeNameToMetaVictims())
          .containsOnly(
              Map.entry(
                  "n1", new MetaVictims(List.of(new MetaPod("uid-a"), new MetaPod("uid-b")), 0)),
              Map.entry("n2", new MetaVictims(List.of(new MetaPod("uid-c")), 0)));
      assertThat(r)
          .containsOnly(
              Map.entry("n1", new Victims(List.of(VICTIM_A, VICTIM_B), 0)),
              Map.entry("n2", new Victims(List.of(VICTIM_C), 0)));
    }
  }

  @Test
  void aVictimThatIsNotOnItsNodeIsUpstreamsError() {
    try (ExtenderServer s =
            ExtenderServer.builder()
                .preempt(
                    "preempt",
                    a ->
                        new ExtenderPreemptionResult(
                            Map.of("n2", new MetaVictims(List.of(new MetaPod("uid-a")), 0))))
                .start();
        HttpExtender e = Configs.http(prefix(s) + ",\"preemptVerb\":\"preempt\"")) {
      assertThatThrownBy(() -> e.processPreemption(POD, candidates(), SNAPSHOT))
          .hasMessage(
              "extender: "
                  + s.urlPrefix()
                  + " claims to preempt pod (UID: &{uid-a}) on node: n2,"
                  + " but the pod is not found on that node");
    }
  }

  @Test
  void aPreemptionNodeTheSchedulerDoesNotKnowIsAnError() {
    try (ExtenderServer s =
            ExtenderServer.builder()
                .preempt(
                    "preempt",
                    a ->
                        new ExtenderPreemptionResult(
                            Map.of("n9", new MetaVictims(List.of(new MetaPod("uid-a")), 0))))
                .start();
        HttpExtender e = Configs.http(prefix(s) + ",\"preemptVerb\":\"preempt\"")) {
      assertThatThrownBy(() -> e.processPreemption(POD, candidates(), SNAPSHOT))
          .hasMessage(
              "extender: "
                  + s.urlPrefix()
                  + " claims to preempt on node: n9 but the node is not found in nodeNameToInfo map");
    }
  }

  @Test
  void preemptWithoutAPreemptVerbIsUpstreamsError() {
    try (HttpExtender e = Configs.http("\"urlPrefix\":\"http://x.test\"")) {
      assertThat(e.supportsPreemption()).isFalse();
      assertThatThrownBy(() -> e.processPreemption(POD, candidates(), SNAPSHOT))
          .hasMessage(
              "preempt verb is not defined for extender http://x.test but run into"
                  + " ProcessPreemption");
    }
  }

  @Test
  void anExtenderWithoutManagedResourcesIsInterestedInEveryPod() {
    try (HttpExtender e = Configs.http("\"urlPrefix\":\"http://x.test\"")) {
      assertThat(e.isInterested(POD)).isTrue();
    }
  }

  @Test
  void withManagedResourcesOnlyPodsThatRequestOrLimitOneAreOfInterest() {
    try (HttpExtender e =
        Configs.http(
            "\"urlPrefix\":\"http://x.test\",\"managedResources\":["
                + "{\"name\":\"example.com/foo\"},{\"name\":\"example.com/bar\"}]")) {
      assertThat(e.managedResources()).containsExactly("example.com/foo", "example.com/bar");
      assertThat(e.isInterested(Fixtures.pod("plain").requests("1", "1Gi").build())).isFalse();
      assertThat(e.isInterested(Fixtures.pod("other").request("example.com/baz", "1").build()))
          .isFalse();
      assertThat(e.isInterested(Fixtures.pod("req").request("example.com/foo", "1").build()))
          .isTrue();
      assertThat(e.isInterested(Fixtures.pod("lim").limit("example.com/bar", "1").build()))
          .isTrue();
      assertThat(
              e.isInterested(
                  Fixtures.pod("init")
                      .initContainer("setup")
                      .request("example.com/foo", "1")
                      .container("app")
                      .build()))
          .as("an init container's request counts")
          .isTrue();
    }
  }

  @Test
  void theNameIsTheUrlPrefixAndIgnorableComesFromTheConfiguration() {
    try (HttpExtender a = Configs.http("\"urlPrefix\":\"http://x.test/p/\",\"ignorable\":true");
        HttpExtender b = Configs.http("\"urlPrefix\":\"http://x.test/p\"")) {
      assertThat(a.name()).isEqualTo("http://x.test/p/");
      assertThat(a.isIgnorable()).isTrue();
      assertThat(b.isIgnorable()).isFalse();
      assertThat(a.nodeCacheCapable()).isFalse();
    }
  }

  @Test
  void aBadUrlPrefixIsRejectedNamingTheField() {
    assertThatThrownBy(() -> Configs.http("\"urlPrefix\":\"ftp://x.test\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "extender ftp://x.test: urlPrefix must be an http:// or https:// URL with a host");
    assertThatThrownBy(() -> Configs.http("\"urlPrefix\":\"http://x.test\",\"httpTimeout\":-1"))
        .hasMessage(
            "extender http://x.test: httpTimeout must not be negative, got PT-0.000000001S");
  }

  @Test
  void fullNodesGoOutAsGosNodeListWithItsEmptyListMeta() {
    try (RawExtender raw = new RawExtender("{}");
        HttpExtender e = Configs.http(raw.urlPrefix() + ",\"filterVerb\":\"filter\"")) {
      e.filter(POD, List.of(N1), SNAPSHOT);
      String body = raw.requests.poll();
      assertThat(body).contains(",\"Nodes\":{\"metadata\":{},\"items\":[{\"metadata\":{");
      assertThat(body).endsWith("]},\"NodeNames\":null}");
      assertThat(body).doesNotContain("\"apiVersion\"", "\"kind\"");
    }
  }

  @Test
  void aRefusedConnectionWithoutAPortNamesTheSchemesDefaultPort() {
    // Nothing listens on the loopback's ports 80 and 443 here.
    try (HttpExtender http =
            Configs.http("\"urlPrefix\":\"http://127.0.0.1\",\"filterVerb\":\"f\"");
        HttpExtender https =
            Configs.http(
                "\"urlPrefix\":\"https://127.0.0.1/x\",\"filterVerb\":\"f\",\"enableHttps\":true")) {
      assertThatThrownBy(() -> http.filter(POD, NODES, SNAPSHOT))
          .hasMessage(
              "Post http://127.0.0.1/f: dial tcp 127.0.0.1:80: connect: connection refused");
      assertThatThrownBy(() -> https.filter(POD, NODES, SNAPSHOT))
          .hasMessage(
              "Post https://127.0.0.1/x/f: dial tcp 127.0.0.1:443: connect: connection refused");
    }
  }

  @Test
  void aPodIsOfInterestOnlyThroughAContainerThatNamesAManagedResource() {
    // Sparse pods, as Go's zero values arrive: no spec, no init containers, a container without
    // resources, one with limits and no requests.
    try (HttpExtender e =
        Configs.http(
            "\"urlPrefix\":\"http://x.test\",\"managedResources\":[{\"name\":\"example.com/foo\"}]")) {
      Pod noSpec = Fixtures.pod("bare").build();
      noSpec.setSpec(null);
      assertThat(e.isInterested(noSpec)).isFalse();

      Pod noContainers = Fixtures.pod("empty").build();
      noContainers.getSpec().setContainers(null);
      noContainers.getSpec().setInitContainers(null);
      assertThat(e.isInterested(noContainers)).isFalse();

      Pod noResources = Fixtures.pod("plain").container("app").build();
      noResources.getSpec().getContainers().forEach(c -> c.setResources(null));
      assertThat(e.isInterested(noResources)).isFalse();

      Pod limitsOnly = Fixtures.pod("lim").limit("example.com/foo", "1").build();
      limitsOnly.getSpec().getContainers().forEach(c -> c.getResources().setRequests(null));
      assertThat(e.isInterested(limitsOnly)).isTrue();

      Pod requestsOnly = Fixtures.pod("req").request("example.com/foo", "1").build();
      requestsOnly.getSpec().getContainers().forEach(c -> c.getResources().setLimits(null));
      assertThat(e.isInterested(requestsOnly)).isTrue();
    }
  }

  @Test
  void aBindingNeedsItsMetadataAndTarget() {
    try (HttpExtender e = Configs.http("\"urlPrefix\":\"http://127.0.0.1:1\",\"bindVerb\":\"b\"")) {
      io.fabric8.kubernetes.api.model.Binding noTarget = ExtenderBinding.binding(POD, "n1");
      noTarget.setTarget(null);
      assertThatThrownBy(() -> e.bind(noTarget))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Binding: metadata and target are required");
      io.fabric8.kubernetes.api.model.Binding noMetadata = ExtenderBinding.binding(POD, "n1");
      noMetadata.setMetadata(null);
      assertThatThrownBy(() -> e.bind(noMetadata))
          .hasMessage("Binding: metadata and target are required");
    }
  }

  @Test
  void theFirstInterestedBinderBinds() {
    try (HttpExtender filterOnly =
            Configs.http("\"urlPrefix\":\"http://a.test\",\"filterVerb\":\"f\"");
        HttpExtender gpuBinder =
            Configs.http(
                "\"urlPrefix\":\"http://b.test\",\"bindVerb\":\"b\","
                    + "\"managedResources\":[{\"name\":\"example.com/gpu\"}]");
        HttpExtender anyBinder =
            Configs.http("\"urlPrefix\":\"http://c.test\",\"bindVerb\":\"b\"")) {
      List<HttpExtender> all = List.of(filterOnly, gpuBinder, anyBinder);
      assertThat(ExtenderBinding.binderFor(all, POD)).containsSame(anyBinder);
      Pod gpu = Fixtures.pod("train").request("example.com/gpu", "1").build();
      assertThat(ExtenderBinding.binderFor(all, gpu)).containsSame(gpuBinder);
      assertThat(ExtenderBinding.binderFor(List.of(filterOnly, gpuBinder), POD)).isEmpty();
    }
  }

  @Test
  void aUrlPrefixMustBeAnHttpOrHttpsUrlWithAHost() {
    // A Policy without urlPrefix is refused by its parser; an extender configured in code is
    // refused here.
    for (String missing : java.util.Arrays.asList(null, "")) {
      io.kubelab.scheduler.algorithm.policy.Policy.Extender config =
          new io.kubelab.scheduler.algorithm.policy.Policy.Extender(
              missing, "f", null, null, 0, null, false, null, null, false, null, false);
      assertThatThrownBy(() -> HttpExtender.create(config))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("extender: urlPrefix is required");
    }
    assertThatThrownBy(() -> Configs.http("\"urlPrefix\":\"x.test/p\""))
        .hasMessage("extender x.test/p: urlPrefix must be an http:// or https:// URL with a host");
    assertThatThrownBy(() -> Configs.http("\"urlPrefix\":\"http:///p\""))
        .hasMessage("extender http:///p: urlPrefix must be an http:// or https:// URL with a host");
    assertThatThrownBy(() -> Configs.http("\"urlPrefix\":\"http://x test\""))
        .hasMessageStartingWith("extender http://x test: urlPrefix is not a URL: ");
    try (HttpExtender upper = Configs.http("\"urlPrefix\":\"HTTPS://x.test\"");
        HttpExtender plain = Configs.http("\"urlPrefix\":\"Http://x.test\"")) {
      assertThat(upper.name()).isEqualTo("HTTPS://x.test");
      assertThat(plain.toString()).isEqualTo("HttpExtender[Http://x.test]");
    }
  }
}
