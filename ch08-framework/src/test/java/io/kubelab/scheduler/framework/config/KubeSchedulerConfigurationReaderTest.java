package io.kubelab.scheduler.framework.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfigurationReader.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reading a v1alpha2 {@code KubeSchedulerConfiguration}: v1alpha2's defaults for what is left out
 * (an explicit {@code null} counts as left out, as in Go), and for a malformed document an error
 * that names the field.
 */
class KubeSchedulerConfigurationReaderTest {

  private static final String HEAD =
      "apiVersion: kubescheduler.config.k8s.io/v1alpha2\nkind: KubeSchedulerConfiguration\n";

  private static KubeSchedulerConfiguration read(String body) {
    return KubeSchedulerConfigurationReader.read(HEAD + body);
  }

  @Test
  void leftOutSettingsGetV1alpha2sDefaults() {
    KubeSchedulerConfiguration c = read("");

    assertThat(c.percentageOfNodesToScore()).isZero();
    assertThat(c.disablePreemption()).isFalse();
    assertThat(c.bindTimeoutSeconds()).isEqualTo(600);
    assertThat(c.podInitialBackoffSeconds()).isEqualTo(1);
    assertThat(c.podMaxBackoffSeconds()).isEqualTo(10);
    assertThat(c.extenders()).isEmpty();
    assertThat(c.profiles())
        .containsExactly(
            new KubeSchedulerConfiguration.Profile(
                "default-scheduler", null, java.util.List.of(), "profiles[0]"));
    assertThat(c).isEqualTo(read("profiles: null\nextenders: null\n"));
  }

  @Test
  void explicitNullsAreLeftOutSettings() {
    KubeSchedulerConfiguration c =
        read(
            """
            percentageOfNodesToScore: null
            disablePreemption: null
            bindTimeoutSeconds: null
            podInitialBackoffSeconds: null
            podMaxBackoffSeconds: null
            profiles:
            - schedulerName: null
              plugins: null
              pluginConfig: null
            """);

    assertThat(c).isEqualTo(read(""));
  }

  @Test
  void everySettingIsRead() {
    KubeSchedulerConfiguration c =
        read(
            """
            percentageOfNodesToScore: 40
            disablePreemption: true
            bindTimeoutSeconds: 30
            podInitialBackoffSeconds: 2
            podMaxBackoffSeconds: 20
            leaderElection: {leaderElect: false}
            clientConnection: {qps: 50}
            healthzBindAddress: 0.0.0.0:10251
            metricsBindAddress: 0.0.0.0:10251
            enableProfiling: true
            enableContentionProfiling: false
            """);

    assertThat(c.percentageOfNodesToScore()).isEqualTo(40);
    assertThat(c.disablePreemption()).isTrue();
    assertThat(c.bindTimeoutSeconds()).isEqualTo(30);
    assertThat(c.podInitialBackoffSeconds()).isEqualTo(2);
    assertThat(c.podMaxBackoffSeconds()).isEqualTo(20);
  }

  @Test
  void disablePreemptionFalseIsRead() {
    assertThat(read("disablePreemption: false\n").disablePreemption()).isFalse();
  }

  @Test
  void aSingleNamedProfileKeepsItsName() {
    KubeSchedulerConfiguration c = read("profiles:\n- schedulerName: my-scheduler\n");

    assertThat(c.profiles()).extracting(p -> p.schedulerName()).containsExactly("my-scheduler");
  }

  @Test
  void anEmptyNameIsSetAndSoNotDefaulted() {
    assertThatThrownBy(() -> read("profiles:\n- schedulerName: ''\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("profiles[0].schedulerName: Required value");
  }

  @Test
  void twoProfilesWithoutNamesAreNotDefaulted() {
    assertThatThrownBy(() -> read("profiles:\n- {}\n- {}\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "[profiles[0].schedulerName: Required value, profiles[1].schedulerName: Required value,"
                + " profiles[1].schedulerName: Duplicate value: profiles[0].schedulerName]");
  }

  @Test
  void pluginsAndPluginConfigAreRead() {
    KubeSchedulerConfiguration c =
        read(
            """
            profiles:
            - schedulerName: a
              plugins:
                score:
                  enabled:
                  - {name: ImageLocality, weight: 3}
                  - name: NodeAffinity
                  disabled:
                  - name: "*"
                filter: null
                preFilter:
                  enabled: null
                  disabled: null
              pluginConfig:
              - name: NodeResourcesFit
                args: {ignoredResources: [example.com/foo]}
              - name: InterPodAffinity
            """);

    KubeSchedulerConfiguration.Profile p = c.profiles().get(0);
    PluginSet score = p.plugins().get(ExtensionPoint.SCORE);
    assertThat(score.enabled())
        .containsExactly(
            new Plugin("ImageLocality", 3, "profiles[0].plugins.score.enabled[0]"),
            new Plugin("NodeAffinity", 0, "profiles[0].plugins.score.enabled[1]"));
    assertThat(score.disabled())
        .containsExactly(new Plugin("*", 0, "profiles[0].plugins.score.disabled[0]"));
    assertThat(p.plugins().get(ExtensionPoint.FILTER)).isNull();
    assertThat(p.plugins().get(ExtensionPoint.PRE_FILTER)).isEqualTo(PluginSet.EMPTY);
    assertThat(p.pluginConfig())
        .extracting(PluginConfig::name)
        .containsExactly("NodeResourcesFit", "InterPodAffinity");
    assertThat(p.pluginConfig().get(0).args().toString())
        .isEqualTo("{\"ignoredResources\":[\"example.com/foo\"]}");
    assertThat(p.pluginConfig().get(1).args()).isNull();
    assertThat(p.pluginConfig().get(1).origin()).isEqualTo("profiles[0].pluginConfig[1]");
  }

  @Test
  void anExtenderWithOnlyAURLPrefixHasGosZeroValues() {
    Policy.Extender e = read("extenders:\n- urlPrefix: http://a\n").extenders().get(0);

    assertThat(e.urlPrefix()).isEqualTo("http://a");
    assertThat(e.filterVerb()).isEmpty();
    assertThat(e.preemptVerb()).isEmpty();
    assertThat(e.prioritizeVerb()).isEmpty();
    assertThat(e.bindVerb()).isEmpty();
    assertThat(e.weight()).isZero();
    assertThat(e.enableHttps()).isFalse();
    assertThat(e.tlsConfig()).isNull();
    assertThat(e.httpTimeout()).isEqualTo(Duration.ZERO);
    assertThat(e.nodeCacheCapable()).isFalse();
    assertThat(e.managedResources()).isEmpty();
    assertThat(e.ignorable()).isFalse();
  }

  @Test
  void explicitNullsInAnExtenderAreGosZeroValues() {
    Policy.Extender e =
        read("""
                extenders:
                - urlPrefix: http://a
                  filterVerb: null
                  weight: null
                  enableHttps: null
                  tlsConfig: null
                  httpTimeout: null
                  managedResources: null
                  ignorable: null
                """)
            .extenders()
            .get(0);

    assertThat(e.filterVerb()).isEmpty();
    assertThat(e.weight()).isZero();
    assertThat(e.enableHttps()).isFalse();
    assertThat(e.tlsConfig()).isNull();
    assertThat(e.httpTimeout()).isEqualTo(Duration.ZERO);
    assertThat(e.managedResources()).isEmpty();
    assertThat(e.ignorable()).isFalse();
  }

  @Test
  void tlsDataIsBase64AndFieldsMatchInAnyCase() {
    Policy.ExtenderTLSConfig tls =
        read("""
                extenders:
                - URLPrefix: https://a
                  EnableHTTPS: true
                  tlsConfig:
                    certFile: /c
                    keyFile: /k
                    caFile: /ca
                    certData: Y2VydA==
                    KeyData: a2V5
                    caData: Y2E=
                """)
            .extenders()
            .get(0)
            .tlsConfig();

    assertThat(tls.insecure()).isFalse();
    assertThat(tls.serverName()).isEmpty();
    assertThat(tls.certFile()).isEqualTo("/c");
    assertThat(tls.keyFile()).isEqualTo("/k");
    assertThat(tls.caFile()).isEqualTo("/ca");
    assertThat(new String(tls.certData(), StandardCharsets.UTF_8)).isEqualTo("cert");
    assertThat(new String(tls.keyData(), StandardCharsets.UTF_8)).isEqualTo("key");
    assertThat(new String(tls.caData(), StandardCharsets.UTF_8)).isEqualTo("ca");
  }

  @Test
  void tlsDataLeftOutIsNone() {
    Policy.ExtenderTLSConfig tls =
        read("extenders:\n- {urlPrefix: 'https://a', tlsConfig: {insecure: true, caData: ''}}\n")
            .extenders()
            .get(0)
            .tlsConfig();

    assertThat(tls.insecure()).isTrue();
    assertThat(tls.certData()).isNull();
    assertThat(tls.caData()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          schedulerNme: a                                  | schedulerNme: unknown field (known: apiVersion, bindTimeoutSeconds, clientConnection, debuggingConfiguration, disablePreemption, enableContentionProfiling, enableProfiling, extenders, healthzBindAddress, kind, leaderElection, metricsBindAddress, percentageOfNodesToScore, podInitialBackoffSeconds, podMaxBackoffSeconds, profiles)
          percentageOfNodesToScore: 12.5                   | percentageOfNodesToScore: cannot be read as an integer
          percentageOfNodesToScore: '50'                   | percentageOfNodesToScore: cannot be read as an integer
          bindTimeoutSeconds: 9999999999                   | bindTimeoutSeconds: cannot be read as an integer
          disablePreemption: 'yes'                         | disablePreemption: cannot be read as a boolean
          disablePreemption: 1                             | disablePreemption: cannot be read as a boolean
          extenders: {urlPrefix: 'http://a'}               | extenders: must be a list
          extenders: [http://a]                            | extenders[0]: must be an object
          extenders: [{urlPrefix: 5}]                      | extenders[0].urlPrefix: cannot be read as a string
          extenders: [{urlPrefix: 'http://a', urlprefix: 'http://b'}] | extenders[0].urlPrefix: given twice
          extenders: [{urlPrefix: 'http://a', weight: 1.5}] | extenders[0].weight: cannot be read as an integer
          extenders: [{urlPrefix: 'http://a', weight: 99999999999999999999}] | extenders[0].weight: cannot be read as an integer
          extenders: [{urlPrefix: 'http://a', httpTimeout: 1.5}] | extenders[0].httpTimeout: cannot be read as a duration (a Go time.Duration: an integer of nanoseconds)
          extenders: [{urlPrefix: 'http://a', ignorable: 'true'}] | extenders[0].ignorable: cannot be read as a boolean
          extenders: [{urlPrefix: 'http://a', tlsConfig: insecure}] | extenders[0].tlsConfig: must be an object
          extenders: [{urlPrefix: 'http://a', tlsConfig: {insecure: 1}}] | extenders[0].tlsConfig.insecure: cannot be read as a boolean
          extenders: [{urlPrefix: 'http://a', tlsConfig: {caData: '***'}}] | extenders[0].tlsConfig.caData: not base64: Illegal base64 character 2a
          extenders: [{urlPrefix: 'http://a', tlsConfig: {cafile: '/a', caFile: '/b'}}] | extenders[0].tlsConfig.caFile: given twice
          extenders: [{urlPrefix: 'http://a', managedResources: example.com/x}] | extenders[0].managedResources: must be a list
          extenders: [{urlPrefix: 'http://a', managedResources: [example.com/x]}] | extenders[0].managedResources[0]: must be an object
          extenders: [{urlPrefix: 'http://a', managedResources: [{nam: example.com/x}]}] | extenders[0].managedResources[0].nam: unknown field (known: ignoredByScheduler, name)
          profiles: {schedulerName: a}                     | profiles: must be a list
          profiles: [a]                                    | profiles[0]: must be an object
          profiles: [{schedulerNam: a}]                    | profiles[0].schedulerNam: unknown field (known: pluginConfig, plugins, schedulerName)
          profiles: [{schedulerName: 7}]                   | profiles[0].schedulerName: cannot be read as a string
          profiles: [{plugins: [score]}]                   | profiles[0].plugins: must be an object
          profiles: [{plugins: {score: [ImageLocality]}}]  | profiles[0].plugins.score: must be an object
          profiles: [{plugins: {score: {enable: []}}}]     | profiles[0].plugins.score.enable: unknown field (known: disabled, enabled)
          profiles: [{plugins: {score: {enabled: {name: ImageLocality}}}}] | profiles[0].plugins.score.enabled: must be a list
          profiles: [{plugins: {score: {disabled: [ImageLocality]}}}] | profiles[0].plugins.score.disabled[0]: must be an object
          profiles: [{plugins: {score: {enabled: [{nme: ImageLocality}]}}}] | profiles[0].plugins.score.enabled[0].nme: unknown field (known: name, weight)
          profiles: [{plugins: {score: {enabled: [{weight: 2}]}}}] | profiles[0].plugins.score.enabled[0].name: Required value
          profiles: [{pluginConfig: {name: NodeLabel}}]    | profiles[0].pluginConfig: must be a list
          profiles: [{pluginConfig: [NodeLabel]}]          | profiles[0].pluginConfig[0]: must be an object
          profiles: [{pluginConfig: [{name: NodeLabel, arg: {}}]}] | profiles[0].pluginConfig[0].arg: unknown field (known: args, name)
          profiles: [{pluginConfig: [{args: {}}]}]         | profiles[0].pluginConfig[0].name: Required value
          profiles: [{pluginConfig: [{name: null}]}]       | profiles[0].pluginConfig[0].name: Required value
          extenders: [{urlPrefix: 'http://a', httpTimeout: 99999999999999999999}] | extenders[0].httpTimeout: cannot be read as a duration (a Go time.Duration: an integer of nanoseconds)
          """)
  void aMalformedDocumentNamesTheField(String body, String message) {
    assertThatThrownBy(() -> read(body + "\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          kubescheduler.config.k8s.io/v1alpha2 | Policy                     | got "kubescheduler.config.k8s.io/v1alpha2"/"Policy"
          kubescheduler.config.k8s.io/v1alpha1 | KubeSchedulerConfiguration | got "kubescheduler.config.k8s.io/v1alpha1"/"KubeSchedulerConfiguration"
          """)
  void onlyV1alpha2sKindIsRead(String apiVersion, String kind, String got) {
    assertThatThrownBy(
            () ->
                KubeSchedulerConfigurationReader.read(
                    "apiVersion: " + apiVersion + "\nkind: " + kind + "\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "apiVersion/kind: want kubescheduler.config.k8s.io/v1alpha2/KubeSchedulerConfiguration, "
                + got);
  }

  @Test
  void aDocumentThatIsNotAnObjectIsRejected() {
    for (String text : new String[] {"", "- a\n- b\n", "42\n", "null\n"}) {
      assertThatThrownBy(() -> KubeSchedulerConfigurationReader.read(text))
          .as(text)
          .isInstanceOf(ConfigurationException.class)
          .hasMessage("a KubeSchedulerConfiguration must be an object");
    }
    assertThatThrownBy(() -> KubeSchedulerConfigurationReader.read("a: [b\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("not YAML or JSON: ");
  }

  @Test
  void everyValidationErrorIsReportedTogether() {
    assertThatThrownBy(
            () ->
                read(
                    """
                    percentageOfNodesToScore: -1
                    podInitialBackoffSeconds: 0
                    podMaxBackoffSeconds: -1
                    """))
        .hasMessage(
            "[percentageOfNodesToScore: Invalid value: -1: not in valid range [0-100],"
                + " podInitialBackoffSeconds: Invalid value: 0: must be greater than 0,"
                + " podMaxBackoffSeconds: Invalid value: -1: must be greater than or equal to"
                + " PodInitialBackoffSeconds]");
  }
}
