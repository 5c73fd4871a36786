package io.kubelab.scheduler.algorithm.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoliciesTest {

  static final String FULL =
      """
      {
        "kind": "Policy",
        "apiVersion": "v1",
        "predicates": [
          {"name": "MatchNodeSelector"},
          {"name": "PodFitsResources"},
          {"name": "TestServiceAffinity", "argument": {"serviceAffinity": {"labels": ["region"]}}},
          {"name": "TestLabelsPresence",
           "argument": {"labelsPresence": {"labels": ["foo"], "presence": true}}}
        ],
        "priorities": [
          {"name": "LeastRequestedPriority", "weight": 1},
          {"name": "ServiceSpreadingPriority", "weight": 2},
          {"name": "TestServiceAntiAffinity", "weight": 3,
           "argument": {"serviceAntiAffinity": {"label": "zone"}}},
          {"name": "TestLabelPreference", "weight": 4,
           "argument": {"labelPreference": {"label": "bar", "presence": true}}},
          {"name": "RequestedToCapacityRatioPriority", "weight": 2,
           "argument": {"requestedToCapacityRatioArguments": {
             "shape": [{"utilization": 0, "score": 0}, {"utilization": 50, "score": 7}],
             "resources": [{"name": "intel.com/foo", "weight": 3}]}}}
        ],
        "extenders": [{
          "urlPrefix": "http://127.0.0.1:8888/extender",
          "filterVerb": "filter",
          "prioritizeVerb": "prioritize",
          "weight": 5,
          "bindVerb": "bind",
          "enableHttps": true,
          "tlsConfig": {"insecure": true, "caData": "%s"},
          "httpTimeout": 1000000000,
          "nodeCacheCapable": true,
          "managedResources": [{"name": "example.com/foo", "ignoredByScheduler": true}],
          "ignorable": true
        }],
        "hardPodAffinitySymmetricWeight": 10,
        "alwaysCheckAllPredicates": true
      }
      """
          .formatted(
              java.util.Base64.getEncoder()
                  .encodeToString("PEM".getBytes(StandardCharsets.US_ASCII)));

  @Test
  void readsEveryFieldUnderUpstreamsJsonNames() {
    Policy p = Policies.parse(FULL);
    assertThat(p.predicates())
        .extracting(Policy.PredicatePolicy::name)
        .containsExactly(
            "MatchNodeSelector", "PodFitsResources", "TestServiceAffinity", "TestLabelsPresence");
    assertThat(p.predicates().get(2).argument().serviceAffinity().labels())
        .containsExactly("region");
    assertThat(p.predicates().get(3).argument().labelsPresence())
        .isEqualTo(new Policy.LabelsPresence(List.of("foo"), true));
    assertThat(p.priorities())
        .extracting(Policy.PriorityPolicy::weight)
        .containsExactly(1L, 2L, 3L, 4L, 2L);
    assertThat(p.priorities().get(2).argument().serviceAntiAffinity().label()).isEqualTo("zone");
    assertThat(p.priorities().get(3).argument().labelPreference())
        .isEqualTo(new Policy.LabelPreference("bar", true));
    Policy.RequestedToCapacityRatioArguments rtcr =
        p.priorities().get(4).argument().requestedToCapacityRatioArguments();
    assertThat(rtcr.shape())
        .containsExactly(
            new Policy.UtilizationShapePoint(0, 0), new Policy.UtilizationShapePoint(50, 7));
    assertThat(rtcr.resources()).containsExactly(new Policy.ResourceSpec("intel.com/foo", 3));
    Policy.Extender e = p.extenders().get(0);
    assertThat(e.urlPrefix()).isEqualTo("http://127.0.0.1:8888/extender");
    assertThat(e.filterVerb()).isEqualTo("filter");
    assertThat(e.prioritizeVerb()).isEqualTo("prioritize");
    assertThat(e.weight()).isEqualTo(5);
    assertThat(e.bindVerb()).isEqualTo("bind");
    assertThat(e.enableHttps()).isTrue();
    assertThat(e.tlsConfig().insecure()).isTrue();
    assertThat(new String(e.tlsConfig().caData(), StandardCharsets.US_ASCII)).isEqualTo("PEM");
    assertThat(e.httpTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(e.nodeCacheCapable()).isTrue();
    assertThat(e.managedResources())
        .containsExactly(new Policy.ExtenderManagedResource("example.com/foo", true));
    assertThat(e.ignorable()).isTrue();
    assertThat(p.hardPodAffinitySymmetricWeight()).isEqualTo(10);
    assertThat(p.alwaysCheckAllPredicates()).isTrue();
  }

  @Test
  void leftOutListsAreNullAndEmptyListsAreEmpty() {
    Policy left = Policies.parse("{\"kind\": \"Policy\"}");
    assertThat(left.predicates()).isNull();
    assertThat(left.priorities()).isNull();
    assertThat(left.extenders()).isEmpty();
    Policy empty = Policies.parse("{\"predicates\": [], \"priorities\": null}");
    assertThat(empty.predicates()).isEmpty();
    assertThat(empty.priorities()).isNull();
  }

  @Test
  void extenderFieldsAreCaseInsensitiveLikeUpstreams() {
    Policy p =
        Policies.parse(
            "{\"extenders\": [{\"URLPrefix\": \"http://127.0.0.1:1/x\", \"BindVerb\": \"bind\","
                + " \"TLSConfig\": {\"Insecure\": true}, \"ManagedResources\": [{\"Name\":"
                + " \"example.com/foo\", \"IgnoredByScheduler\": true}]}]}");
    Policy.Extender e = p.extenders().get(0);
    assertThat(e.urlPrefix()).isEqualTo("http://127.0.0.1:1/x");
    assertThat(e.bindVerb()).isEqualTo("bind");
    assertThat(e.tlsConfig().insecure()).isTrue();
    assertThat(e.managedResources())
        .containsExactly(new Policy.ExtenderManagedResource("example.com/foo", true));
  }

  @Test
  void otherFieldsAreCaseSensitive() {
    assertThatThrownBy(() -> Policies.parse("{\"Predicates\": []}"))
        .isInstanceOf(PolicyException.class)
        .hasMessageStartingWith("Policy: unknown field \"Predicates\" (known: ")
        .hasMessageContaining("predicates");
    assertThatThrownBy(() -> Policies.parse("{\"predicates\": [{\"Name\": \"A\"}]}"))
        .hasMessage("Policy.predicates[0]: unknown field \"Name\" (known: argument, name)");
  }

  @Test
  void unknownFieldsAreNamedWhereverTheyAre() {
    assertThatThrownBy(
            () -> Policies.parse("{\"extenders\": [{\"urlPrefix\": \"a\", \"filter\": \"f\"}]}"))
        .hasMessageStartingWith("Policy.extenders[0]: unknown field \"filter\" (known: ")
        .hasMessageContaining("filterVerb");
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"priorities\": [{\"name\": \"X\", \"weight\": 1, \"argument\":"
                        + " {\"labelPreference\": {\"label\": \"a\", \"presense\": true}}}]}"))
        .hasMessage(
            "Policy.priorities[0].argument.labelPreference: unknown field \"presense\" (known:"
                + " label, presence)");
  }

  @Test
  void malformedJsonNamesLineAndColumnWithoutParserNoise() {
    assertThatThrownBy(() -> Policies.parse("{\n  \"predicates\": [\n}"))
        .isInstanceOf(PolicyException.class)
        .hasMessage(
            "Policy: malformed JSON at line 3, column 1: Unexpected close marker '}': expected"
                + " ']'");
    assertThatThrownBy(() -> Policies.parse("{} {}"))
        .hasMessageStartingWith("Policy: malformed JSON at line 1, column ")
        .hasMessageNotContaining("Source");
    assertThatThrownBy(() -> Policies.parse("{\"kind\": \"Policy\", \"kind\": \"Policy\"}"))
        .hasMessageStartingWith("Policy: malformed JSON at line 1, column ")
        .hasMessageContaining("\"kind\"");
    assertThatThrownBy(() -> Policies.parse("")).hasMessage("Policy: the document is empty");
    assertThatThrownBy(() -> Policies.parse("[]"))
        .hasMessage("Policy: expected an object, got array");
  }

  @Test
  void fieldsOfTheWrongTypeAreNamed() {
    assertThatThrownBy(
            () -> Policies.parse("{\"priorities\": [{\"name\": \"A\", \"weight\": \"1\"}]}"))
        .hasMessage("Policy.priorities[0].weight: expected a 64-bit integer, got \"1\"");
    assertThatThrownBy(
            () -> Policies.parse("{\"priorities\": [{\"name\": \"A\", \"weight\": 1.5}]}"))
        .hasMessage("Policy.priorities[0].weight: expected a 64-bit integer, got 1.5");
    assertThatThrownBy(() -> Policies.parse("{\"predicates\": {\"name\": \"A\"}}"))
        .hasMessage("Policy.predicates: expected a list, got {\"name\":\"A\"}");
    assertThatThrownBy(() -> Policies.parse("{\"hardPodAffinitySymmetricWeight\": 4294967296}"))
        .hasMessage(
            "Policy.hardPodAffinitySymmetricWeight: expected a 32-bit integer, got 4294967296");
    assertThatThrownBy(() -> Policies.parse("{\"alwaysCheckAllPredicates\": \"yes\"}"))
        .hasMessage("Policy.alwaysCheckAllPredicates: expected true or false, got \"yes\"");
    assertThatThrownBy(() -> Policies.parse("{\"alwaysCheckAllPredicates\": 1}"))
        .hasMessage("Policy.alwaysCheckAllPredicates: expected true or false, got 1");
    assertThatThrownBy(
            () -> Policies.parse("{\"predicates\": [{\"name\": \"A\", \"argumnt\": {}}]}"))
        .hasMessage("Policy.predicates[0]: unknown field \"argumnt\" (known: argument, name)");
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"extenders\": [{\"urlPrefix\": \"a\", \"httpTimeout\": \"5s\"}]}"))
        .hasMessage(
            "Policy.extenders[0].httpTimeout: expected an integer number of nanoseconds, got"
                + " \"5s\"");
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"extenders\": [{\"urlPrefix\": \"a\", \"tlsConfig\": {\"caData\": \"%%%\"}}]}"))
        .hasMessageStartingWith("Policy.extenders[0].tlsConfig.caData: ");
    assertThatThrownBy(() -> Policies.parse("{\"predicates\": [null]}"))
        .hasMessage("Policy.predicates[0]: null is not allowed here");
  }

  @Test
  void nullLeavesAFieldAtItsZeroValueAsInGo() {
    Policy p =
        Policies.parse(
            "{\"hardPodAffinitySymmetricWeight\": null, \"extenders\": null, \"priorities\":"
                + " [{\"name\": \"A\", \"weight\": 2, \"argument\": null}]}");
    assertThat(p.hardPodAffinitySymmetricWeight()).isZero();
    assertThat(p.extenders()).isEmpty();
    assertThat(p.priorities().get(0).argument()).isNull();
  }

  @Test
  void aWrongKindOrApiVersionIsRejectedAsUpstreamsSchemeRejectsIt() {
    assertThatThrownBy(() -> Policies.parse("{\"kind\": \"KubeSchedulerConfiguration\"}"))
        .hasMessage(
            "Policy: no kind \"KubeSchedulerConfiguration\" is registered for version \"v1\"");
    assertThatThrownBy(() -> Policies.parse("{\"kind\": \"Policy\", \"apiVersion\": \"v2\"}"))
        .hasMessage("Policy: no kind \"Policy\" is registered for version \"v2\"");
    assertThatThrownBy(() -> Policies.parse("{\"apiVersion\": 1}"))
        .hasMessage("Policy.apiVersion: expected a string, got 1");
    assertThat(Policies.parse("{\"kind\": \"Policy\", \"apiVersion\": \"v1\"}").predicates())
        .isNull();
  }

  @Test
  void weightsMustBePositiveAndBelowMaxWeight() {
    assertThatThrownBy(() -> Policies.parse("{\"priorities\": [{\"name\": \"A\", \"weight\": 0}]}"))
        .hasMessage(
            "Policy.priorities[0]: Priority A should have a positive weight applied to it or it has"
                + " overflown");
    assertThatThrownBy(() -> Policies.parse("{\"priorities\": [{\"name\": \"A\"}]}"))
        .hasMessageContaining("Priority A should have a positive weight");
    assertThatThrownBy(
            () -> Policies.parse("{\"priorities\": [{\"name\": \"A\", \"weight\": -3}]}"))
        .hasMessageContaining("Priority A should have a positive weight");
    long max = PolicyValidation.MAX_WEIGHT;
    assertThatThrownBy(
            () -> Policies.parse("{\"priorities\": [{\"name\": \"A\", \"weight\": " + max + "}]}"))
        .hasMessageContaining("or it has overflown");
    assertThat(
            Policies.parse("{\"priorities\": [{\"name\": \"A\", \"weight\": " + (max - 1) + "}]}")
                .priorities())
        .hasSize(1);
  }

  @Test
  void duplicateAndMissingNamesAreRejected() {
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"predicates\": [{\"name\": \"A\"}, {\"name\": \"B\"}, {\"name\": \"A\"}]}"))
        .hasMessage("Policy.predicates[2].name: duplicate name \"A\" (first at predicates[0])");
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"priorities\": [{\"name\": \"A\", \"weight\": 1}, {\"name\": \"A\","
                        + " \"weight\": 2}]}"))
        .hasMessage("Policy.priorities[1].name: duplicate name \"A\" (first at priorities[0])");
    assertThatThrownBy(() -> Policies.parse("{\"predicates\": [{}]}"))
        .hasMessage("Policy.predicates[0].name: a name is required");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"priorities\": [{\"name\": \"A\", \"weight\": 0}, {\"name\": \"B\","
                        + " \"weight\": -1}]}"))
        .hasMessage(
            "Policy: [priorities[0]: Priority A should have a positive weight applied to it or it"
                + " has overflown, priorities[1]: Priority B should have a positive weight applied"
                + " to it or it has overflown]");
  }

  @Test
  void argumentsNeedExactlyOneMember() {
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"predicates\": [{\"name\": \"X\", \"argument\": {\"serviceAffinity\":"
                        + " {\"labels\": []}, \"labelsPresence\": {\"labels\": []}}}]}"))
        .hasMessage(
            "Policy.predicates[0]: Exactly 1 predicate argument is required, numArgs: 2,"
                + " Predicate: X");
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"priorities\": [{\"name\": \"X\", \"weight\": 1, \"argument\": {}}]}"))
        .hasMessage("Policy.priorities[0]: No priority arguments set for priority X");
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"priorities\": [{\"name\": \"X\", \"weight\": 1, \"argument\":"
                        + " {\"serviceAntiAffinity\": {\"label\": \"a\"}, \"labelPreference\":"
                        + " {\"label\": \"b\"}}}]}"))
        .hasMessage(
            "Policy.priorities[0]: Exactly 1 priority argument is required, numArgs: 2, Priority:"
                + " X");
  }

  @Test
  void customPrioritiesOfOneKindShareAWeightAndRequestedToCapacityRatioIsDeclaredOnce() {
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"priorities\": [{\"name\": \"L1\", \"weight\": 1, \"argument\":"
                        + " {\"labelPreference\": {\"label\": \"a\"}}}, {\"name\": \"L2\","
                        + " \"weight\": 2, \"argument\": {\"labelPreference\": {\"label\":"
                        + " \"b\"}}}]}"))
        .hasMessage(
            "Policy.priorities[1]: LabelPreference  priority \"L2\" has a different weight with"
                + " \"L1\"");
    String rtcr =
        "\"argument\": {\"requestedToCapacityRatioArguments\": {\"shape\": [{\"utilization\": 0,"
            + " \"score\": 0}]}}";
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"priorities\": [{\"name\": \"R1\", \"weight\": 1, "
                        + rtcr
                        + "}, {\"name\": \"R2\", \"weight\": 1, "
                        + rtcr
                        + "}]}"))
        .hasMessage(
            "Policy.priorities[1]: Priority \"R2\" redeclares custom priority"
                + " \"RequestedToCapacityRatio\", from:\"R1\"");
  }

  @Test
  void extenderRulesAreUpstreams() {
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"extenders\": [{\"urlPrefix\": \"http://127.0.0.1:1\", \"prioritizeVerb\":"
                        + " \"p\"}]}"))
        .hasMessage(
            "Policy.extenders[0]: Priority for extender http://127.0.0.1:1 should have a positive"
                + " weight applied to it");
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"extenders\": [{\"urlPrefix\": \"a\", \"bindVerb\": \"b\"}, {\"urlPrefix\":"
                        + " \"c\", \"bindVerb\": \"b\"}]}"))
        .hasMessage("Policy.extenders: Only one extender can implement bind, found 2");
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"extenders\": [{\"urlPrefix\": \"a\", \"managedResources\": [{\"name\":"
                        + " \"example.com/foo\"}, {\"name\": \"example.com/foo\"}]}]}"))
        .hasMessage(
            "Policy.extenders[0].managedResources[1]: Duplicate extender managed resource name"
                + " example.com/foo");
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"extenders\": [{\"urlPrefix\": \"a\", \"managedResources\": [{\"name\":"
                        + " \"cpu\"}]}]}"))
        .hasMessage(
            "Policy.extenders[0].managedResources[0]: cpu is an invalid extended resource name");
    assertThatThrownBy(() -> Policies.parse("{\"extenders\": [{\"filterVerb\": \"f\"}]}"))
        .hasMessage("Policy.extenders[0]: urlPrefix is required");
    // Upstream checks the range once the policy's value replaced the configured one (see
    // ConfiguratorTest); the document itself may say 101.
    assertThat(
            Policies.parse("{\"hardPodAffinitySymmetricWeight\": 101}")
                .hardPodAffinitySymmetricWeight())
        .isEqualTo(101);
  }

  @Test
  void extendedResourceNames() {
    assertThat(PolicyValidation.extendedResourceNameProblem("example.com/foo")).isNull();
    assertThat(PolicyValidation.extendedResourceNameProblem("nvidia.com/gpu")).isNull();
    assertThat(PolicyValidation.extendedResourceNameProblem("kubernetes.io/foo"))
        .isEqualTo("kubernetes.io/foo is an invalid extended resource name");
    assertThat(PolicyValidation.extendedResourceNameProblem("a/b/c"))
        .isEqualTo("\"a/b/c\" is not a valid qualified name");
    assertThat(PolicyValidation.extendedResourceNameProblem("Example.com/foo"))
        .isEqualTo("\"Example.com/foo\" is not a valid qualified name");
  }
}
