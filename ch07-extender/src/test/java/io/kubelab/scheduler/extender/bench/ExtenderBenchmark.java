package io.kubelab.scheduler.extender.bench;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.RealisticCluster;
import io.kubelab.scheduler.algorithm.SchedulerExtender;
import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.extender.ExtenderServer;
import io.kubelab.scheduler.extender.HttpExtender;
import io.kubelab.scheduler.extender.v1.ExtenderArgs;
import io.kubelab.scheduler.extender.v1.ExtenderFilterResult;
import io.kubelab.scheduler.extender.v1.ExtenderJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of one extender filter call over loopback HTTP with a kept-alive connection: the
 * scheduler encodes the pod and the candidates, the extender (an {@link ExtenderServer}) decodes
 * them and answers that every node passes, the scheduler decodes the answer and maps it back to its
 * nodes. Candidates are the nodes of the realistic cluster mix (labels, taints, images,
 * conditions), 100 or 1000 of them, sent in full ({@code nodes}) or by name to a node-cache-capable
 * extender ({@code names}). Goal: names at 1000 nodes ≤ 1 ms per call. The bytes on the wire are
 * printed at setup and checked by {@code WireBytesTest}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ExtenderBenchmark {

  @Param({"100", "1000"})
  public int nodes;

  @Param({"nodes", "names"})
  public String send;

  private ExtenderServer server;
  private HttpExtender extender;
  private Pod pod;
  private List<Node> candidates;
  private Snapshot snapshot;

  /** The filter of an extender that lets every node pass, answering as it was asked. */
  static ExtenderFilterResult passAll(ExtenderArgs a) {
    if (a.nodeNames() != null) {
      return new ExtenderFilterResult(null, a.nodeNames(), Map.of(), "");
    }
    NodeList out = new NodeList();
    out.setItems(new ArrayList<>(a.nodes().getItems()));
    return new ExtenderFilterResult(out, null, Map.of(), "");
  }

  /** The request and response sizes of one call, in bytes, as {@link ExtenderJson} writes them. */
  public static long[] wireBytes(Pod pod, List<Node> nodes, boolean names) {
    NodeList list = new NodeList();
    list.setItems(nodes);
    List<String> nodeNames = nodes.stream().map(n -> n.getMetadata().getName()).toList();
    ExtenderArgs args =
        names ? new ExtenderArgs(pod, null, nodeNames) : new ExtenderArgs(pod, list, null);
    byte[] request = ExtenderJson.encode(args);
    byte[] response = ExtenderJson.encode(passAll(args));
    return new long[] {request.length, response.length};
  }

  @Setup
  public void setUp() {
    RealisticCluster cluster = RealisticCluster.generate(nodes, 1);
    candidates = cluster.nodes();
    pod = cluster.incoming("basic");
    snapshot = Snapshot.of(List.of(), candidates);
    server = ExtenderServer.builder().filter("filter", ExtenderBenchmark::passAll).start();
    boolean names = send.equals("names");
    extender =
        HttpExtender.create(
            Policies.parse(
                    "{\"extenders\":[{\"urlPrefix\":\""
                        + server.urlPrefix()
                        + "\",\"filterVerb\":\"filter\",\"nodeCacheCapable\":"
                        + names
                        + "}]}")
                .extenders()
                .get(0));
    long[] bytes = wireBytes(pod, candidates, names);
    System.err.printf(
        "%n# wire: %d nodes by %s: request %d bytes, response %d bytes%n",
        nodes, send, bytes[0], bytes[1]);
  }

  @TearDown
  public void tearDown() {
    extender.close();
    server.close();
  }

  @Benchmark
  public SchedulerExtender.FilterResult filterRoundTrip() {
    return extender.filter(pod, candidates, snapshot);
  }
}
