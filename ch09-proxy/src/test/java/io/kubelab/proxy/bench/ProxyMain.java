package io.kubelab.proxy.bench;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.kubelab.apimachinery.clock.SystemClock;
import io.kubelab.proxy.LoadBalancerRR;
import io.kubelab.proxy.PortRange;
import io.kubelab.proxy.Proxier;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

/**
 * The proxy as bench/compare.sh runs it: {@code ProxyMain listenPort:backendPort ...}. Each pair
 * becomes one service whose single endpoint is {@code 127.0.0.1:backendPort}, proxied on exactly
 * {@code listenPort} (a port range of size one), with the real clock.
 */
public final class ProxyMain {
  private ProxyMain() {}

  public static void main(String[] args) throws Exception {
    SystemClock clock = new SystemClock("proxy-clock", 1);
    LoadBalancerRR lb = new LoadBalancerRR(clock, new Random());
    List<Proxier> proxiers = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String[] pair = args[i].split(":");
      int listen = Integer.parseInt(pair[0]);
      int backend = Integer.parseInt(pair[1]);
      Proxier p =
          new Proxier(
              lb,
              clock,
              Proxier.Config.defaults().withPortRange(new PortRange(listen, 1)),
              new Random());
      String name = "bench" + i;
      p.onServiceAdd(
          new ServiceBuilder()
              .withNewMetadata()
              .withNamespace("default")
              .withName(name)
              .endMetadata()
              .withNewSpec()
              .withClusterIP("10.96.0." + (10 + i))
              .addNewPort()
              .withName("tcp")
              .withPort(80)
              .withProtocol("TCP")
              .endPort()
              .endSpec()
              .build());
      p.onEndpointsAdd(
          new EndpointsBuilder()
              .withNewMetadata()
              .withNamespace("default")
              .withName(name)
              .endMetadata()
              .addNewSubset()
              .addNewAddress()
              .withIp("127.0.0.1")
              .endAddress()
              .addNewPort()
              .withName("tcp")
              .withPort(backend)
              .endPort()
              .endSubset()
              .build());
      proxiers.add(p);
      System.out.println("kubelab proxy 127.0.0.1:" + listen + " -> 127.0.0.1:" + backend);
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  proxiers.forEach(Proxier::close);
                  clock.close();
                },
                "proxy-shutdown"));
    new CountDownLatch(1).await();
  }
}
