package io.kubelab.scheduler.extender.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.apimachinery.testing.RealisticCluster;
import org.junit.jupiter.api.Test;

/** The size half of the benchmark's goal: names are at least ten times smaller than nodes. */
class WireBytesTest {

  @Test
  void aNodeCacheCapableFilterCallCarriesAtLeastTenTimesFewerBytes() {
    for (int n : new int[] {100, 1000}) {
      RealisticCluster c = RealisticCluster.generate(n, 1);
      long[] full = ExtenderBenchmark.wireBytes(c.incoming("basic"), c.nodes(), false);
      long[] names = ExtenderBenchmark.wireBytes(c.incoming("basic"), c.nodes(), true);
      assertThat((names[0] + names[1]) * 10)
          .as("%d nodes", n)
          .isLessThanOrEqualTo(full[0] + full[1]);
      System.out.printf(
          "%d nodes: full %d + %d bytes, names %d + %d bytes%n",
          n, full[0], full[1], names[0], names[1]);
    }
  }
}
