package io.kubelab.proxy.bench;

import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.kubelab.apimachinery.clock.SystemClock;
import io.kubelab.proxy.Endpoint;
import io.kubelab.proxy.LoadBalancerException;
import io.kubelab.proxy.LoadBalancerRR;
import io.kubelab.proxy.ServicePortName;
import io.kubelab.proxy.SessionAffinity;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
 * {@code LoadBalancerRR.nextEndpoint}, the one load-balancer call on every new connection, without
 * and with ClientIP affinity, for connections arriving from {@link #clients} distinct client IPs in
 * turn (10,000 by default, so the affinity map holds 10,000 records). Time is the real {@link
 * SystemClock}, as in production: affinity reads the clock on every call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LoadBalancerBenchmark {

  @Param({"None", "ClientIP"})
  public String affinity;

  @Param({"10000"})
  public int clients;

  @Param({"16"})
  public int endpoints;

  private static final ServicePortName SVC = new ServicePortName("default", "web", "http");

  private SystemClock clock;
  private LoadBalancerRR lb;
  private InetSocketAddress[] sources;
  private int next;

  @Setup
  public void setUp() throws UnknownHostException, LoadBalancerException {
    clock = new SystemClock("bench-clock", 1);
    lb = new LoadBalancerRR(clock, new Random(1));
    lb.newService(
        SVC, affinity.equals("ClientIP") ? SessionAffinity.CLIENT_IP : SessionAffinity.NONE, 0);
    List<io.fabric8.kubernetes.api.model.EndpointAddress> addresses = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      addresses.add(
          new EndpointAddressBuilder().withIp("10.244." + (i / 200) + "." + (i % 200 + 1)).build());
    }
    lb.onEndpointsAdd(
        new EndpointsBuilder()
            .withNewMetadata()
            .withNamespace("default")
            .withName("web")
            .endMetadata()
            .addNewSubset()
            .withAddresses(addresses)
            .withPorts(new EndpointPortBuilder().withName("http").withPort(8080).build())
            .endSubset()
            .build());
    sources = new InetSocketAddress[clients];
    for (int i = 0; i < clients; i++) {
      byte[] ip = {10, 1, (byte) (i >> 8), (byte) i};
      sources[i] = new InetSocketAddress(InetAddress.getByAddress(ip), 30000 + i % 30000);
      lb.nextEndpoint(SVC, sources[i], false); // warm the affinity map: every client is known
    }
  }

  @TearDown
  public void tearDown() {
    clock.close();
  }

  @Benchmark
  public Endpoint nextEndpoint() throws LoadBalancerException {
    int i = next;
    next = i + 1 == sources.length ? 0 : i + 1;
    return lb.nextEndpoint(SVC, sources[i], false);
  }
}
