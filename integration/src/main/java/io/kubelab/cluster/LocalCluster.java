package io.kubelab.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubelab.apimachinery.clock.SystemClock;
import io.kubelab.cluster.apiserver.ApiServer;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfiguration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * A whole cluster on loopback, in one process: kubelab's API server (chapter 11), chapter 08's
 * scheduler against it through informers, and a kubelet (chapter 10) for every Node object, each a
 * client of the server as a real one is. Create a pod with kubectl or any client: the scheduler
 * binds it, the node's kubelet starts its containers in its fake runtime and reports it Running;
 * delete it and the kubelet stops the containers and finishes the deletion.
 *
 * <p>A Node created later gets a kubelet as soon as the cluster sees it (as if a machine joined and
 * registered); a Node deleted loses its kubelet. No controller runs: a Deployment or ReplicaSet is
 * stored, but creates no pods.
 */
public final class LocalCluster implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(LocalCluster.class.getName());

  private final ApiServer server;
  private final SystemClock clock = new SystemClock("cluster-clock", 2);
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final Map<String, NodeKubelet> kubelets = new TreeMap<>();
  private ClusterScheduler scheduler;
  private SharedIndexInformer<Node> nodes;
  private boolean closed;
  private int nextRange; // the next /24 of 10.244.0.0/16, under the kubelets' lock
  private final Set<String> rangesInUse = new HashSet<>();

  private LocalCluster(ApiServer server) {
    this.server = server;
  }

  /**
   * Loads {@code objects} into {@code server}, starts it, then the scheduler (for {@code config},
   * ties broken by {@code seed}) and one kubelet per Node.
   *
   * @throws IllegalArgumentException when an object or the configuration is invalid
   */
  public static LocalCluster start(
      ApiServer server,
      List<? extends HasMetadata> objects,
      KubeSchedulerConfiguration config,
      long seed)
      throws InterruptedException {
    LocalCluster c = new LocalCluster(server);
    try {
      server.load(objects);
      server.start();
      c.scheduler = ClusterScheduler.start(c.client(), config, c.clock, seed);
      c.startKubelets();
      return c;
    } catch (RuntimeException | InterruptedException e) {
      c.close();
      throw e;
    }
  }

  /** A client of the cluster's API server (HTTP/1.1 over plain HTTP, as client-go's). */
  private KubernetesClient client() {
    Config cfg =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(server.url())
            .withNamespace("default")
            .withHttp2Disable(true)
            .build();
    KubernetesClient k = new KubernetesClientBuilder().withConfig(cfg).build();
    synchronized (clients) {
      clients.add(k);
    }
    return k;
  }

  private void startKubelets() {
    KubernetesClient kubeletClient = client();
    nodes = kubeletClient.nodes().runnableInformer(0);
    nodes.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Node node) {
            startKubelet(kubeletClient, node);
          }

          @Override
          public void onUpdate(Node oldNode, Node newNode) {}

          @Override
          public void onDelete(Node node, boolean finalStateUnknown) {
            NodeKubelet k;
            synchronized (kubelets) {
              k = kubelets.remove(node.getMetadata().getName());
            }
            if (k != null) {
              LOG.info("node " + node.getMetadata().getName() + " deleted: stopping its kubelet");
              k.close();
            }
          }
        });
    nodes.run(); // returns once the first list is in
    // The listed nodes get their kubelets now, not when the handler is handed them.
    nodes.getStore().list().forEach(n -> startKubelet(kubeletClient, n));
  }

  private void startKubelet(KubernetesClient kubeletClient, Node node) {
    synchronized (kubelets) {
      if (!closed) {
        kubelets.computeIfAbsent(
            node.getMetadata().getName(),
            n -> new NodeKubelet(kubeletClient, node, podCidr(node), clock));
      }
    }
  }

  /**
   * The node's pod range: its {@code spec.podCIDR} when that is an IPv4 /24, else the next /24 of
   * {@code 10.244.0.0/16} in the order the kubelets start (upstream's node IPAM controller hands
   * each node a /24 of the cluster CIDR; flannel's default is {@code 10.244.0.0/16}).
   */
  private String podCidr(Node node) {
    String given = node.getSpec() == null ? null : node.getSpec().getPodCIDR();
    if (given != null
        && given.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.0/24")
        && rangesInUse.add(given)) {
      return given;
    }
    if (given != null) {
      LOG.warning(
          "node "
              + node.getMetadata().getName()
              + ": spec.podCIDR "
              + given
              + " is not an IPv4 /24 of its own; its pods get the next range of 10.244.0.0/16");
    }
    while (nextRange < 256) {
      String range = "10.244." + nextRange++ + ".0/24";
      if (rangesInUse.add(range)) {
        return range;
      }
    }
    throw new IllegalStateException(
        "node " + node.getMetadata().getName() + ": every /24 of 10.244.0.0/16 is taken");
  }

  /** The API server's URL. */
  public String url() {
    return server.url();
  }

  /** The API server. */
  public ApiServer server() {
    return server;
  }

  /** The nodes that have a kubelet, by name. */
  public List<String> nodeNames() {
    synchronized (kubelets) {
      return List.copyOf(kubelets.keySet());
    }
  }

  /** The kubelet of {@code node}, or null. */
  public NodeKubelet kubelet(String node) {
    synchronized (kubelets) {
      return kubelets.get(node);
    }
  }

  /** Stops the kubelets, the scheduler, the clients and the server, in that order. */
  @Override
  public void close() {
    List<NodeKubelet> running;
    synchronized (kubelets) {
      closed = true;
      running = List.copyOf(kubelets.values());
      kubelets.clear();
    }
    if (nodes != null) {
      nodes.close();
    }
    running.forEach(NodeKubelet::close);
    if (scheduler != null) {
      scheduler.close();
    }
    synchronized (clients) {
      clients.forEach(KubernetesClient::close);
      clients.clear();
    }
    clock.close();
    server.close();
  }
}
