package io.kubelab.scheduler.extender;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.RealisticCluster;
import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.extender.v1.ExtenderFilterResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScratchTest {
  @Test
  void scratch() throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    RealisticCluster c = RealisticCluster.generate(100, 1);
    Snapshot snap = Snapshot.of(List.of(), c.nodes());
    Pod pod = c.incoming().get("basic");
    for (boolean names : new boolean[] {true, false}) {
      try (ExtenderServer s = ExtenderServer.builder().prefix("/x")
              .filter("filter", a -> new ExtenderFilterResult(a.nodes(), a.nodeNames(), Map.of(), ""))
              .start();
          HttpExtender e = HttpExtender.create(new Policy.Extender(s.urlPrefix().toString(), "filter", "", "", 1, "", false, null, Duration.ZERO, names, List.of(), false))) {
        List<Node> nodes = c.nodes();
        for (int i = 0; i < 5; i++) { long a = System.nanoTime(); try { e.filter(pod, nodes, snap); } catch (RuntimeException ex) { Thread.getAllStackTraces().forEach((t, st) -> { System.out.println("THREAD " + t.getName()); for (StackTraceElement el : st) System.out.println("   " + el); }); throw ex; } System.out.println("call " + i + " " + (System.nanoTime()-a)/1000); }
        long t0 = System.nanoTime();
        int n = names ? 200 : 5;
        for (int i = 0; i < n; i++) e.filter(pod, nodes, snap);
        System.out.println("names=" + names + " us/call=" + (System.nanoTime() - t0) / 1000 / n);
      }
    }
    Thread.getAllStackTraces().keySet().forEach(t -> System.out.println("thread " + t.getName()));
  }
}
