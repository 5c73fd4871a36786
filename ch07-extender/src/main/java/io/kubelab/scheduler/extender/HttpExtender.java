package io.kubelab.scheduler.extender;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.kubelab.scheduler.algorithm.SchedulerExtender;
import io.kubelab.scheduler.algorithm.Victims;
import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.cache.Cache;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.extender.v1.ExtenderArgs;
import io.kubelab.scheduler.extender.v1.ExtenderBindingArgs;
import io.kubelab.scheduler.extender.v1.ExtenderBindingResult;
import io.kubelab.scheduler.extender.v1.ExtenderFilterResult;
import io.kubelab.scheduler.extender.v1.ExtenderJson;
import io.kubelab.scheduler.extender.v1.ExtenderPreemptionArgs;
import io.kubelab.scheduler.extender.v1.ExtenderPreemptionResult;
import io.kubelab.scheduler.extender.v1.HostPriority;
import io.kubelab.scheduler.extender.v1.HostPriorityList;
import io.kubelab.scheduler.extender.v1.MetaPod;
import io.kubelab.scheduler.extender.v1.MetaVictims;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scheduler extender reached over HTTP: each call is a JSON POST to {@code urlPrefix/verb}.
 *
 * <p>Upstream: {@code HTTPExtender} and {@code NewHTTPExtender} in {@code
 * pkg/scheduler/core/extender.go} (v1.17), with its error texts:
 *
 * <ul>
 *   <li>{@link #filter}: sends the pod and the nodes (in full, or by name when {@code
 *       nodeCacheCapable}); a non-empty {@code Error} in the answer is the call's error; returned
 *       names are looked up in the scheduler's snapshot;
 *   <li>{@link #prioritize}: scores 0 to 10 per node, with this extender's weight; without a
 *       prioritize verb every node scores 0 with weight 0;
 *   <li>{@link #bind}: the binding extender writes the binding itself;
 *   <li>{@link #processPreemption}: the candidates' victims go out in full, or by UID when {@code
 *       nodeCacheCapable}; the answer is always by UID and is mapped back to the snapshot's pods.
 *       Neither direction carries {@code NumPDBViolations}: upstream fills only the pods, so after
 *       a preempting extender every candidate has 0 PDB violations;
 *   <li>{@link #isInterested}: with managed resources, only pods that request or limit one of them
 *       in a container or an init container.
 * </ul>
 *
 * <p>The HTTP/1.1 client ({@link ExtenderTransport}) keeps connections alive, runs each exchange on
 * the caller's thread, times each call out after {@code httpTimeout} (5 s when 0, upstream's {@code
 * DefaultExtenderTimeout}) covering the whole exchange as Go's {@code http.Client.Timeout} does,
 * and takes its TLS settings from {@link ExtenderTls}. Calls may come from several threads. {@link
 * #close()} closes the connections and joins the client's thread.
 */
public final class HttpExtender implements SchedulerExtender, AutoCloseable {

  /** {@code DefaultExtenderTimeout}: the call timeout when the configuration gives none. */
  public static final Duration DEFAULT_EXTENDER_TIMEOUT = Duration.ofSeconds(5);

  private static final AtomicInteger CLIENTS = new AtomicInteger();

  private final String extenderURL;
  private final String preemptVerb;
  private final String filterVerb;
  private final String prioritizeVerb;
  private final String bindVerb;
  private final long weight;
  private final boolean nodeCacheCapable;
  private final Set<String> managedResources;
  private final boolean ignorable;
  private final Duration timeout;
  private final Map<String, URI> verbUris;
  private final ExtenderTransport transport;

  private HttpExtender(Policy.Extender config, URI prefix, ExtenderTls.Settings tls) {
    this.extenderURL = config.urlPrefix();
    this.preemptVerb = nonNull(config.preemptVerb());
    this.filterVerb = nonNull(config.filterVerb());
    this.prioritizeVerb = nonNull(config.prioritizeVerb());
    this.bindVerb = nonNull(config.bindVerb());
    this.weight = config.weight();
    this.nodeCacheCapable = config.nodeCacheCapable();
    Set<String> managed = new LinkedHashSet<>();
    for (Policy.ExtenderManagedResource r : config.managedResources()) {
      managed.add(r.name());
    }
    this.managedResources = Collections.unmodifiableSet(managed);
    this.ignorable = config.ignorable();
    this.timeout = config.httpTimeout().isZero() ? DEFAULT_EXTENDER_TIMEOUT : config.httpTimeout();
    Map<String, URI> uris = new LinkedHashMap<>();
    for (String verb : List.of(filterVerb, prioritizeVerb, bindVerb, preemptVerb)) {
      if (!verb.isEmpty()) {
        uris.put(verb, verbUri(verb));
      }
    }
    this.verbUris = Map.copyOf(uris);
    this.transport =
        new ExtenderTransport(
            prefix,
            tls,
            timeout.toNanos(),
            "extender-client-" + CLIENTS.incrementAndGet() + "-" + prefix.getAuthority() + "-");
  }

  /**
   * Upstream's {@code NewHTTPExtender}: an extender for one entry of a Policy's {@code extenders}.
   *
   * @throws IllegalArgumentException naming the extender and the field for a missing or malformed
   *     {@code urlPrefix} or verb, a negative {@code httpTimeout}, or TLS settings that cannot be
   *     used (unreadable files, PEM that does not parse, a CA together with {@code insecure})
   */
  public static HttpExtender create(Policy.Extender config) {
    Objects.requireNonNull(config, "config");
    String url = config.urlPrefix();
    if (url == null || url.isEmpty()) {
      throw new IllegalArgumentException("extender: urlPrefix is required");
    }
    URI prefix;
    try {
      prefix = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "extender " + url + ": urlPrefix is not a URL: " + e.getMessage(), e);
    }
    if (prefix.getScheme() == null
        || !(prefix.getScheme().equalsIgnoreCase("http")
            || prefix.getScheme().equalsIgnoreCase("https"))
        || prefix.getHost() == null) {
      throw new IllegalArgumentException(
          "extender " + url + ": urlPrefix must be an http:// or https:// URL with a host");
    }
    if (config.httpTimeout().isNegative()) {
      throw new IllegalArgumentException(
          "extender " + url + ": httpTimeout must not be negative, got " + config.httpTimeout());
    }
    ExtenderTls.Settings tls;
    try {
      tls = ExtenderTls.forExtender(config);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("extender " + url + ": " + e.getMessage(), e);
    }
    ExtenderJson.warmUp();
    return new HttpExtender(config, prefix, tls);
  }

  /**
   * One extender per configuration, in the given order (a Policy's, as {@code CreateFromConfig}
   * creates them); if one cannot be created, those already created are closed.
   */
  public static List<HttpExtender> createAll(List<Policy.Extender> configs) {
    List<HttpExtender> out = new ArrayList<>();
    try {
      for (Policy.Extender c : configs) {
        out.add(create(c));
      }
    } catch (RuntimeException e) {
      out.forEach(HttpExtender::close);
      throw e;
    }
    return List.copyOf(out);
  }

  private URI verbUri(String verb) {
    String url = trimRight(extenderURL) + "/" + verb;
    try {
      return new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "extender " + extenderURL + ": verb " + verb + " makes no URL: " + e.getMessage(), e);
    }
  }

  /** {@code Name()}: the URL prefix. */
  @Override
  public String name() {
    return extenderURL;
  }

  @Override
  public boolean isIgnorable() {
    return ignorable;
  }

  @Override
  public boolean isBinder() {
    return !bindVerb.isEmpty();
  }

  /** {@code SupportsPreemption}: a preempt verb is configured. */
  @Override
  public boolean supportsPreemption() {
    return !preemptVerb.isEmpty();
  }

  /** The multiplier of this extender's scores. */
  public long weight() {
    return weight;
  }

  /** Whether calls carry node names instead of nodes. */
  public boolean nodeCacheCapable() {
    return nodeCacheCapable;
  }

  /** The call timeout in effect. */
  public Duration timeout() {
    return timeout;
  }

  /** The extended resources this extender manages. */
  public Set<String> managedResources() {
    return managedResources;
  }

  /**
   * {@code IsInterested}: true when the extender manages no resources, or when a container or an
   * init container of the pod requests or limits one of them.
   */
  @Override
  public boolean isInterested(Pod pod) {
    if (managedResources.isEmpty()) {
      return true;
    }
    if (pod.getSpec() == null) {
      return false;
    }
    return hasManagedResources(pod.getSpec().getContainers())
        || hasManagedResources(pod.getSpec().getInitContainers());
  }

  private boolean hasManagedResources(List<Container> containers) {
    if (containers == null) {
      return false;
    }
    for (Container c : containers) {
      ResourceRequirements r = c.getResources();
      if (r == null) {
        continue;
      }
      if (anyManaged(r.getRequests()) || anyManaged(r.getLimits())) {
        return true;
      }
    }
    return false;
  }

  private boolean anyManaged(Map<String, ?> resources) {
    if (resources != null) {
      for (String name : resources.keySet()) {
        if (managedResources.contains(name)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * {@code Filter}: the nodes the extender keeps and why it failed the others.
   *
   * @throws ExtenderException when the call fails, the answer carries an {@code Error}, or it names
   *     a node the snapshot does not have ({@code extender "u" claims a filtered node "n" which is
   *     not found in nodeNameToInfo map})
   */
  @Override
  public FilterResult filter(Pod pod, List<Node> nodes, Snapshot snapshot) {
    if (filterVerb.isEmpty()) {
      return new FilterResult(nodes, Map.of());
    }
    ExtenderFilterResult result = send(filterVerb, args(pod, nodes), ExtenderFilterResult.class);
    if (!result.error().isEmpty()) {
      throw new ExtenderException(result.error());
    }
    List<Node> nodeResult = List.of();
    if (nodeCacheCapable && result.nodeNames() != null) {
      nodeResult = new ArrayList<>(result.nodeNames().size());
      for (String name : result.nodeNames()) {
        nodeResult.add(filteredNode(snapshot, name == null ? "" : name));
      }
    } else if (result.nodes() != null && result.nodes().getItems() != null) {
      // Upstream keeps the returned objects; the scheduler goes on by name, so take the
      // snapshot's node of that name, and refuse one it does not have, as for names.
      nodeResult = new ArrayList<>(result.nodes().getItems().size());
      for (Node n : result.nodes().getItems()) {
        String name =
            n == null || n.getMetadata() == null || n.getMetadata().getName() == null
                ? ""
                : n.getMetadata().getName();
        nodeResult.add(filteredNode(snapshot, name));
      }
    }
    // Upstream: an extender without a node cache that answers with names only (or with neither
    // field) has filtered out every node.
    Map<String, String> failed = new LinkedHashMap<>();
    if (result.failedNodes() != null) {
      result.failedNodes().forEach((k, v) -> failed.put(k, v == null ? "" : v));
    }
    return new FilterResult(nodeResult, failed);
  }

  private Node filteredNode(Snapshot snapshot, String name) {
    NodeInfo ni = lookup(snapshot, name);
    if (ni == null) {
      throw new ExtenderException(
          "extender "
              + GoFormat.quote(extenderURL)
              + " claims a filtered node "
              + GoFormat.quote(name)
              + " which is not found in nodeNameToInfo map");
    }
    return ni.node();
  }

  /**
   * {@code Prioritize}: the extender's scores (a host listed twice gets the sum) and its weight.
   *
   * @throws ExtenderException when the call fails; the generic scheduler ignores it
   */
  @Override
  public PrioritizeResult prioritize(Pod pod, List<Node> nodes) {
    if (prioritizeVerb.isEmpty()) {
      Map<String, Long> zero = new LinkedHashMap<>();
      for (Node n : nodes) {
        zero.put(n.getMetadata().getName(), 0L);
      }
      return new PrioritizeResult(zero, 0);
    }
    HostPriorityList result = send(prioritizeVerb, args(pod, nodes), HostPriorityList.class);
    Map<String, Long> scores = new LinkedHashMap<>();
    for (HostPriority hp : result.hosts()) {
      if (hp != null) {
        scores.merge(hp.host(), hp.score(), Long::sum);
      }
    }
    return new PrioritizeResult(scores, weight);
  }

  /**
   * {@code Bind}: asks the extender to bind the pod.
   *
   * @throws ExtenderException {@code Unexpected empty bindVerb in extender} when this extender does
   *     not bind; when the call fails or the answer carries an {@code Error}
   */
  @Override
  public void bind(Binding binding) {
    if (!isBinder()) {
      throw new ExtenderException("Unexpected empty bindVerb in extender");
    }
    if (binding.getMetadata() == null || binding.getTarget() == null) {
      throw new IllegalArgumentException("Binding: metadata and target are required");
    }
    ExtenderBindingArgs req =
        new ExtenderBindingArgs(
            binding.getMetadata().getName(),
            binding.getMetadata().getNamespace(),
            binding.getMetadata().getUid(),
            binding.getTarget().getName());
    ExtenderBindingResult result = send(bindVerb, req, ExtenderBindingResult.class);
    if (!result.error().isEmpty()) {
      throw new ExtenderException(result.error());
    }
  }

  /**
   * {@code ProcessPreemption}: the candidates the extender keeps, with the victims it names.
   *
   * @return node name → victims, in the order of {@code nodeNameToVictims} (nodes the extender
   *     added after them); every {@code numPDBViolations} is 0, as upstream converts only the pods
   * @throws ExtenderException when the call fails, or the answer names a node the snapshot does not
   *     have or a pod that is not on its node; nothing of the answer is returned then
   */
  @Override
  public Map<String, Victims> processPreemption(
      Pod pod, Map<String, Victims> nodeNameToVictims, Snapshot nodeInfos) {
    if (!supportsPreemption()) {
      throw new ExtenderException(
          "preempt verb is not defined for extender "
              + extenderURL
              + " but run into ProcessPreemption");
    }
    ExtenderPreemptionArgs args;
    if (nodeCacheCapable) {
      args =
          new ExtenderPreemptionArgs(pod, null, convertToNodeNameToMetaVictims(nodeNameToVictims));
    } else {
      args = new ExtenderPreemptionArgs(pod, convertToWireVictims(nodeNameToVictims), null);
    }
    ExtenderPreemptionResult result = send(preemptVerb, args, ExtenderPreemptionResult.class);
    return convertToNodeNameToVictims(result.nodeNameToMetaVictims(), nodeNameToVictims, nodeInfos);
  }

  /** {@code convertToNodeNameToMetaVictims}: UIDs only, and (as upstream) no PDB count. */
  static Map<String, MetaVictims> convertToNodeNameToMetaVictims(Map<String, Victims> victims) {
    Map<String, MetaVictims> out = new LinkedHashMap<>();
    victims.forEach(
        (node, v) -> {
          List<MetaPod> pods = new ArrayList<>(v.pods().size());
          for (Pod p : v.pods()) {
            pods.add(new MetaPod(p.getMetadata().getUid()));
          }
          out.put(node, new MetaVictims(pods, 0));
        });
    return out;
  }

  /**
   * The victims in full. A node without victims has Go's nil slice there ({@code null}), as
   * upstream's {@code selectVictimsOnNode} leaves it.
   */
  static Map<String, io.kubelab.scheduler.extender.v1.Victims> convertToWireVictims(
      Map<String, Victims> victims) {
    Map<String, io.kubelab.scheduler.extender.v1.Victims> out = new LinkedHashMap<>();
    victims.forEach(
        (node, v) ->
            out.put(
                node,
                new io.kubelab.scheduler.extender.v1.Victims(
                    v.pods().isEmpty() ? null : v.pods(), v.numPDBViolations())));
    return out;
  }

  /**
   * {@code convertToNodeToVictims}: the answer's UIDs mapped back to the snapshot's pods, node by
   * node; the extender's {@code NumPDBViolations} is not read.
   */
  private Map<String, Victims> convertToNodeNameToVictims(
      Map<String, MetaVictims> answer, Map<String, Victims> asked, Snapshot nodeInfos) {
    Map<String, Victims> out = new LinkedHashMap<>();
    if (answer == null) {
      return out;
    }
    List<String> order = new ArrayList<>();
    for (String node : asked.keySet()) {
      if (answer.containsKey(node)) {
        order.add(node);
      }
    }
    for (String node : answer.keySet()) {
      if (!asked.containsKey(node)) {
        order.add(node);
      }
    }
    for (String nodeName : order) {
      MetaVictims metaVictims = answer.get(nodeName);
      NodeInfo nodeInfo = lookup(nodeInfos, nodeName);
      if (nodeInfo == null) {
        throw new ExtenderException(
            "extender: "
                + extenderURL
                + " claims to preempt on node: "
                + nodeName
                + " but the node is not found in nodeNameToInfo map");
      }
      if (metaVictims == null) {
        throw new ExtenderException(
            "extender: " + extenderURL + " returned null victims for node: " + nodeName);
      }
      List<Pod> pods = new ArrayList<>();
      if (metaVictims.pods() != null) {
        for (MetaPod metaPod : metaVictims.pods()) {
          pods.add(convertPodUIDToPod(metaPod, nodeInfo));
        }
      }
      out.put(nodeName, new Victims(pods, 0));
    }
    return out;
  }

  private Pod convertPodUIDToPod(MetaPod metaPod, NodeInfo nodeInfo) {
    if (metaPod != null) {
      for (Pod p : nodeInfo.pods()) {
        if (p.getMetadata() != null && metaPod.uid().equals(p.getMetadata().getUid())) {
          return p;
        }
      }
    }
    // Go prints the *MetaPod with %v: &{uid}.
    throw new ExtenderException(
        "extender: "
            + extenderURL
            + " claims to preempt pod (UID: "
            + (metaPod == null ? "<nil>" : "&{" + metaPod.uid() + "}")
            + ") on node: "
            + nodeInfo.nodeName()
            + ", but the pod is not found on that node");
  }

  private ExtenderArgs args(Pod pod, List<Node> nodes) {
    if (nodeCacheCapable) {
      List<String> names = new ArrayList<>(nodes.size());
      for (Node n : nodes) {
        names.add(n.getMetadata().getName());
      }
      return new ExtenderArgs(pod, null, names);
    }
    // Go writes a NodeList's empty ListMeta as "metadata": {}; ExtenderJson leaves out the
    // apiVersion and kind fabric8 fills in.
    NodeList list = new NodeList();
    list.setMetadata(new ListMeta());
    list.setItems(nodes);
    return new ExtenderArgs(pod, list, null);
  }

  /**
   * {@code send}: POSTs {@code args} as JSON to {@code urlPrefix/action} and decodes the answer.
   *
   * @throws ExtenderException {@code Failed <action> with extender at URL <url>, code <status>} for
   *     a status other than 200; {@code Post <url>: ...} when the exchange fails or times out; the
   *     decoder's text for a malformed answer
   */
  private <T> T send(String action, Object args, Class<T> type) {
    URI uri = verbUris.get(action);
    ExtenderTransport.Answer answer = transport.post(uri, ExtenderJson.encode(args));
    if (answer.status() != 200) {
      throw new ExtenderException(
          "Failed " + action + " with extender at URL " + uri + ", code " + answer.status());
    }
    try {
      return ExtenderJson.decode(answer.body(), type);
    } catch (ExtenderJson.MalformedMessageException e) {
      throw new ExtenderException(e.getMessage(), e);
    }
  }

  private static NodeInfo lookup(Snapshot snapshot, String name) {
    try {
      return snapshot.get(name);
    } catch (Cache.CacheException e) {
      return null;
    }
  }

  private static String trimRight(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '/') {
      end--;
    }
    return s.substring(0, end);
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  /** Closes the kept-alive connections and joins the client's thread; calls after this fail. */
  @Override
  public void close() {
    transport.close();
  }

  @Override
  public String toString() {
    return "HttpExtender[" + extenderURL + "]";
  }
}
