package io.kubelab.scheduler.framework.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.scheduler.algorithm.policy.Policy;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * v1alpha2's {@code extenders}: read with the Policy's extender fields (matched in any case, as
 * Go's {@code encoding/json} matches them), checked with upstream's {@code validateExtenders}
 * messages.
 */
class ExtendersConfigurationTest {

  private static final String HEAD =
      "apiVersion: kubescheduler.config.k8s.io/v1alpha2\nkind: KubeSchedulerConfiguration\n";

  @Test
  void everyFieldIsRead() {
    KubeSchedulerConfiguration c =
        KubeSchedulerConfigurationReader.read(
            HEAD
                + """
                extenders:
                - urlPrefix: http://127.0.0.1:8888/gpu
                  filterVerb: filter
                  prioritizeVerb: prioritize
                  preemptVerb: preempt
                  bindVerb: bind
                  weight: 3
                  enableHTTPS: false
                  httpTimeout: 2500000000
                  nodeCacheCapable: true
                  ignorable: true
                  managedResources:
                  - {name: example.com/gpu, ignoredByScheduler: true}
                  tlsConfig: {insecure: true, serverName: ext}
                """);

    Policy.Extender e = c.extenders().get(0);
    assertThat(e.urlPrefix()).isEqualTo("http://127.0.0.1:8888/gpu");
    assertThat(e.filterVerb()).isEqualTo("filter");
    assertThat(e.prioritizeVerb()).isEqualTo("prioritize");
    assertThat(e.preemptVerb()).isEqualTo("preempt");
    assertThat(e.bindVerb()).isEqualTo("bind");
    assertThat(e.weight()).isEqualTo(3);
    assertThat(e.enableHttps()).isFalse();
    assertThat(e.httpTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(e.nodeCacheCapable()).isTrue();
    assertThat(e.ignorable()).isTrue();
    assertThat(e.managedResources())
        .containsExactly(new Policy.ExtenderManagedResource("example.com/gpu", true));
    assertThat(e.tlsConfig().insecure()).isTrue();
    assertThat(e.tlsConfig().serverName()).isEqualTo("ext");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          - {urlPrefix: 'http://a', prioritizeVerb: p}                                | extenders[0].weight: Invalid value: 0: must have a positive weight applied to it
          - {urlPrefix: 'http://a', prioritizeVerb: p, weight: -2}                    | extenders[0].weight: Invalid value: -2: must have a positive weight applied to it
          [{urlPrefix: 'http://a', bindVerb: b}, {urlPrefix: 'http://b', bindVerb: b}] | extenders: Invalid value: "found 2 extenders implementing bind": only one extender can implement bind
          - {urlPrefix: 'http://a', managedResources: [{name: example.com/x}, {name: example.com/x}]} | extenders[0].managedResources[1].name: Invalid value: "example.com/x": duplicate extender managed resource name
          - {urlPrefix: 'http://a', managedResources: [{name: cpu}]}                   | extenders[0].managedResources[0].name: Invalid value: "cpu": cpu is an invalid extended resource name
          - {filterVerb: f}                                                           | extenders[0].urlPrefix: Required value
          - {urlPrefix: 'http://a', filtrVerb: f}                                     | extenders[0].filtrVerb: unknown field (known: bindVerb, enableHttps, filterVerb, httpTimeout, ignorable, managedResources, nodeCacheCapable, preemptVerb, prioritizeVerb, tlsConfig, urlPrefix, weight)
          - {urlPrefix: 'http://a', httpTimeout: 5s}                                  | extenders[0].httpTimeout: cannot be read as a duration (a Go time.Duration: an integer of nanoseconds)
          - {urlPrefix: 'http://a', weight: two}                                      | extenders[0].weight: cannot be read as an integer
          """)
  void invalidExtendersGetUpstreamsMessages(String extenders, String message) {
    assertThatThrownBy(
            () -> KubeSchedulerConfigurationReader.read(HEAD + "extenders: " + flow(extenders)))
        .isInstanceOf(KubeSchedulerConfigurationReader.ConfigurationException.class)
        .hasMessage(message);
  }

  /** {@code - {...}} (one extender, as the table writes it) as a flow sequence. */
  private static String flow(String extenders) {
    String s = extenders.strip();
    return s.startsWith("- ") ? "[" + s.substring(2) + "]" : s;
  }

  @Test
  void aConfigurationWithoutExtendersHasNone() {
    assertThat(KubeSchedulerConfigurationReader.read(HEAD).extenders()).isEmpty();
  }
}
