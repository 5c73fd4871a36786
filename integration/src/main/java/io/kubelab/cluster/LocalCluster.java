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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A whole cluster on loopback, in one process: kubelab's API server (chapter 11), chapter 08's
 * scheduler against it through informers, and a kubelet (chapter 10) for every Node object, each a
 * client of the server as a real one is. Create a pod with kubectl or any client: the scheduler
 * binds it, the node's kubelet starts its containers in its fake runtime and reports it Running;
 * delete it and the kubelet stops the containers and finishes the deletion.
 *
 * <p>A Node created later gets a kubelet as soon as the cluster sees it (as if a machine joined and
 * registered); a Node deleted loses its kubelet. The ReplicaSet controller ({@link
 * ControllerManager}) keeps each ReplicaSet's pods; no other controller runs, so a Deployment is
 * stored but creates nothing.
 */
public final class LocalCluster implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(LocalCluster.class.getName());

  private final ApiServer server;
  private final SystemClock clock = new SystemClock("cluster-clock", 2);
  private final List<KubernetesClient> clients = new ArrayList<>();
  private final Map<String, NodeKubelet> kubelets = new TreeMap<>();
  private ClusterScheduler scheduler;
  private ControllerManager controllers;
  private SharedIndexInformer<Node> nodes;
  private boolean closed;
  private boolean listed; // the first list's kubelets are started; under the kubelets' lock
  private final Map<String, String> rangeOf = new HashMap<>(); // node -> /24, under the same lock

  private static final Pattern SLASH_24 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.0/24");

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
      c.controllers = ControllerManager.start(c.client(), c.clock);
      c.startKubelets();
      return c;
    } catch (RuntimeException | InterruptedException e) {
      c.close();
      throw e;
    }
  }

  /** A client of the cluster's API server, closed with the cluster. */
  private KubernetesClient client() {
    KubernetesClient k = newClient();
    synchronized (clients) {
      clients.add(k);
    }
    return k;
  }

  /** A client of the cluster's API server (HTTP/1.1 over plain HTTP, as client-go's). */
  private KubernetesClient newClient() {
    Config cfg =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(server.url())
            .withNamespace("default")
            .withHttp2Disable(true)
            .build();
    return new KubernetesClientBuilder().withConfig(cfg).build();
  }

  private void startKubelets() {
    nodes = client().nodes().runnableInformer(0);
    // As upstream's reflectors, which list and watch again after any error, never give up.
    nodes.exceptionHandler(
        (started, t) -> {
          LOG.warning("node informer: " + t + "; listing and watching again");
          return true;
        });
    nodes.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Node node) {
            synchronized (kubelets) {
              if (listed) { // the first list's nodes are started below, in name order
                startKubelet(node);
              }
            }
          }

          @Override
          public void onUpdate(Node oldNode, Node newNode) {}

          @Override
          public void onDelete(Node node, boolean finalStateUnknown) {
            String name = node.getMetadata().getName();
            NodeKubelet k;
            synchronized (kubelets) {
              k = kubelets.remove(name);
              rangeOf.remove(name);
            }
            if (k != null) {
              LOG.info("node " + name + " deleted: stopping its kubelet");
              k.close();
            }
          }
        });
    nodes.run(); // returns once the first list is in
    synchronized (kubelets) {
      // The store holds every node the handler skipped so far: start them in name order, the
      // nodes' own pod ranges reserved first, so that the ranges handed out do not depend on
      // which thread comes first.
      List<Node> first =
          nodes.getStore().list().stream()
              .sorted(Comparator.comparing(n -> n.getMetadata().getName()))
              .toList();
      for (Node n : first) {
        String own = n.getSpec() == null ? null : n.getSpec().getPodCIDR();
        if (isSlash24(own) && !rangeOf.containsValue(own)) {
          rangeOf.put(n.getMetadata().getName(), own);
        }
      }
      first.forEach(this::startKubelet);
      listed = true;
    }
  }

  /** Starts the kubelet of {@code node} unless it has one; under the kubelets' lock. */
  private void startKubelet(Node node) {
    String name = node.getMetadata().getName();
    if (closed || kubelets.containsKey(name)) {
      return;
    }
    KubernetesClient own = newClient();
    try {
      String range = rangeOf.containsKey(name) ? rangeOf.get(name) : assignRange(node);
      kubelets.put(name, new NodeKubelet(own, node, range, clock));
    } catch (RuntimeException e) {
      own.close();
      rangeOf.remove(name);
      LOG.severe("node " + name + ": no kubelet: " + e.getMessage());
    }
  }

  /**
   * The node's pod range: its {@code spec.podCIDR} when that is an IPv4 /24 no other node has, else
   * the lowest /24 of {@code 10.244.0.0/16} no node has (upstream's node IPAM controller hands each
   * node a /24 of the cluster CIDR; flannel's default is {@code 10.244.0.0/16}). A deleted node's
   * range is free again.
   */
  private String assignRange(Node node) {
    String name = node.getMetadata().getName();
    String own = node.getSpec() == null ? null : node.getSpec().getPodCIDR();
    if (own != null) {
      if (isSlash24(own) && !rangeOf.containsValue(own)) {
        rangeOf.put(name, own);
        return own;
      }
      LOG.warning(
          "node "
              + name
              + ": spec.podCIDR "
              + own
              + (isSlash24(own) ? " is another node's range" : " is not an IPv4 /24")
              + "; its pods get a free /24 of 10.244.0.0/16");
    }
    for (int i = 0; i < 256; i++) {
      String range = "10.244." + i + ".0/24";
      if (!rangeOf.containsValue(range)) {
        rangeOf.put(name, range);
        return range;
      }
    }
    throw new IllegalStateException("every /24 of 10.244.0.0/16 is taken");
  }

  private static boolean isSlash24(String cidr) {
    if (cidr == null) {
      return false;
    }
    Matcher m = SLASH_24.matcher(cidr);
    if (!m.matches()) {
      return false;
    }
    for (int i = 1; i <= 3; i++) {
      if (Integer.parseInt(m.group(i)) > 255) {
        return false;
      }
    }
    return true;
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

  /** Stops the kubelets, the controllers, the scheduler, the clients and the server, in order. */
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
    if (controllers != null) {
      controllers.close();
    }
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
