package io.kubelab.proxy;

import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The chapter's "Try it": a real proxier on loopback in front of three tiny pods that answer with
 * their name, and clients connecting from two loopback addresses (127.0.0.2 and 127.0.0.3, which
 * Linux routes like 127.0.0.1). Time is a {@link FakeClock} that the demo steps, so an affinity TTL
 * passes in an instant, and the shuffles are seeded, so every run prints the same lines.
 *
 * <pre>
 * ./mvnw -B -q -pl ch09-proxy -am test-compile -Pproxy-demo
 * </pre>
 */
public final class ProxyDemo {

  static final ServicePortName WEB = new ServicePortName("default", "web", "http");

  private ProxyDemo() {}

  /** A pod: accepts, writes its name, closes. */
  static final class Pod implements AutoCloseable {
    final String name;
    final ServerSocket server;
    final Thread thread;

    Pod(String name) throws IOException {
      this.name = name;
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      this.thread = new Thread(this::serve, "demo-" + name);
      thread.setDaemon(true);
      thread.start();
    }

    private void serve() {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          s.getOutputStream().write(name.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          // closed, or a client that left early: either way, next
        }
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public static void main(String[] args) throws Exception {
    FakeClock clock = new FakeClock();
    LoadBalancerRR lb = new LoadBalancerRR(clock, new Random(7));
    List<Pod> pods = new ArrayList<>();
    try (Proxier proxier = new Proxier(lb, clock, Proxier.Config.defaults(), new Random(7))) {
      for (String name : List.of("pod-a", "pod-b", "pod-c")) {
        pods.add(new Pod(name));
      }
      Endpoints all = endpoints(pods);
      Service none = service("None", null);
      proxier.onServiceAdd(none);
      proxier.onEndpointsAdd(all);
      say("Service default/web:http, sessionAffinity None, endpoints pod-a pod-b pod-c");
      connect(proxier, "127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3", "127.0.0.2");

      Service sticky = service("ClientIP", 60);
      proxier.onServiceUpdate(none, sticky);
      say("");
      say("sessionAffinity ClientIP, timeoutSeconds 60; the balancer's TTL: " + ttl(lb) + " s");
      connect(proxier, "127.0.0.2", "127.0.0.3", "127.0.0.2", "127.0.0.3");
      step(clock, 3600);
      connect(proxier, "127.0.0.2", "127.0.0.3");

      proxier.onServiceDelete(sticky);
      proxier.onEndpointsDelete(all);
      proxier.onServiceAdd(sticky);
      proxier.onEndpointsAdd(all);
      say("");
      say("Service and Endpoints deleted and created again; the balancer's TTL: " + ttl(lb) + " s");
      connect(proxier, "127.0.0.2", "127.0.0.3");
      step(clock, 59);
      connect(proxier, "127.0.0.2");
      step(clock, 1);
      connect(proxier, "127.0.0.3");

      Pod leaving = pods.get(1);
      Endpoints two = endpoints(List.of(pods.get(0), pods.get(2)));
      proxier.onEndpointsUpdate(all, two);
      say("");
      say(leaving.name + " leaves the Endpoints");
      connect(proxier, "127.0.0.2", "127.0.0.3", "127.0.0.2", "127.0.0.3");
    } finally {
      for (Pod p : pods) {
        p.close();
      }
    }
  }

  static void say(String line) {
    System.out.println(line);
  }

  static void connect(Proxier proxier, String... clients) throws IOException {
    InetSocketAddress proxy = proxier.proxyAddress(WEB).orElseThrow();
    for (String client : clients) {
      try (Socket s = new Socket()) {
        s.bind(new InetSocketAddress(client, 0));
        s.connect(proxy, 10_000);
        s.setSoTimeout(10_000);
        String pod = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        say("  client " + client + " -> " + pod);
      }
    }
  }

  static void step(FakeClock clock, int seconds) {
    clock.step(Duration.ofSeconds(seconds));
    say("  (" + seconds + " s later)");
  }

  static int ttl(LoadBalancerRR lb) {
    return lb.ttlSeconds(WEB);
  }

  static Service service(String affinity, Integer timeoutSeconds) {
    ServiceBuilder b =
        new ServiceBuilder()
            .withNewMetadata()
            .withNamespace("default")
            .withName("web")
            .endMetadata()
            .withNewSpec()
            .withClusterIP("10.96.0.10")
            .addNewPort()
            .withName("http")
            .withPort(80)
            .withProtocol("TCP")
            .endPort()
            .withSessionAffinity(affinity)
            .endSpec();
    if (timeoutSeconds != null) {
      b.editSpec()
          .withNewSessionAffinityConfig()
          .withNewClientIP()
          .withTimeoutSeconds(timeoutSeconds)
          .endClientIP()
          .endSessionAffinityConfig()
          .endSpec();
    }
    return b.build();
  }

  /** One subset per pod: they share 127.0.0.1 and differ in port. */
  static Endpoints endpoints(List<Pod> pods) {
    EndpointsBuilder b =
        new EndpointsBuilder()
            .withNewMetadata()
            .withNamespace("default")
            .withName("web")
            .endMetadata();
    for (Pod p : pods) {
      b.addToSubsets(
          new EndpointSubsetBuilder()
              .addNewAddress()
              .withIp("127.0.0.1")
              .endAddress()
              .addNewPort()
              .withName("http")
              .withPort(p.server.getLocalPort())
              .endPort()
              .build());
    }
    return b.build();
  }
}
