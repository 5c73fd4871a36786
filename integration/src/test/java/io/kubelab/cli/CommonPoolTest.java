package io.kubelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * {@code kubelab}'s main asks for a common pool of two threads on small machines, where the JDK
 * would otherwise start a thread per asynchronous completion of the Kubernetes client.
 */
class CommonPoolTest {

  private static final String KEY = "java.util.concurrent.ForkJoinPool.common.parallelism";

  @Test
  void onOneOrTwoProcessorsThePoolGetsTwoThreads() {
    for (int processors : new int[] {1, 2}) {
      Properties p = new Properties();
      Kubelab.commonPoolOfAtLeastTwo(p, processors);
      assertThat(p.getProperty(KEY)).as("%d processors", processors).isEqualTo("2");
    }
  }

  @Test
  void onMoreProcessorsTheJdkDefaultStands() {
    Properties p = new Properties();
    Kubelab.commonPoolOfAtLeastTwo(p, 3);
    assertThat(p.getProperty(KEY)).isNull();
  }

  @Test
  void aValueTheUserChoseIsKept() {
    Properties p = new Properties();
    p.setProperty(KEY, "1");
    Kubelab.commonPoolOfAtLeastTwo(p, 2);
    assertThat(p.getProperty(KEY)).isEqualTo("1");
  }
}
