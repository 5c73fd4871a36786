package io.kubelab.scheduler.algorithm.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link PolicyValidation}: upstream's {@code ValidatePolicy} rules plus ours for names. */
class PolicyValidationTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"predicates": [{"name": "", "argument": {}}]}       | Policy.predicates[0].name: a name is required
          {"predicates": [{"argument": {}}]}                   | Policy.predicates[0].name: a name is required
          {"predicates": [{"name": "A"}, {"name": "A", "argument": {}}]} | Policy.predicates[1].name: duplicate name "A" (first at predicates[0])
          {"priorities": [{"weight": 0, "argument": {}}]}      | Policy.priorities[0].name: a name is required
          {"priorities": [{"name": "", "weight": 0}]}          | Policy.priorities[0].name: a name is required
          {"priorities": [{"name": "A", "weight": 1}, {"name": "A", "weight": 0}]} | Policy.priorities[1].name: duplicate name "A" (first at priorities[0])
          """)
  void anEntryWithoutAUsableNameIsReportedOnlyForItsName(String json, String message) {
    assertThatThrownBy(() -> Policies.parse(json))
        .isInstanceOf(PolicyException.class)
        .hasMessage(message);
  }

  @Test
  void priorityArgumentsAreCountedAcrossAllThreeMembers() {
    String rtcr = "\"requestedToCapacityRatioArguments\": {}";
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"priorities\": [{\"name\": \"X\", \"weight\": 1, \"argument\":"
                        + " {\"serviceAntiAffinity\": {\"label\": \"a\"}, "
                        + rtcr
                        + "}}]}"))
        .hasMessage(
            "Policy.priorities[0]: Exactly 1 priority argument is required, numArgs: 2, Priority:"
                + " X");
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"priorities\": [{\"name\": \"X\", \"weight\": 1, \"argument\":"
                        + " {\"serviceAntiAffinity\": {\"label\": \"a\"}, \"labelPreference\":"
                        + " {\"label\": \"b\"}, "
                        + rtcr
                        + "}}]}"))
        .hasMessage(
            "Policy.priorities[0]: Exactly 1 priority argument is required, numArgs: 3, Priority:"
                + " X");
  }

  @Test
  void customPrioritiesOfOneKindWithTheSameWeightMayRepeat() {
    Policy p =
        Policies.parse(
            "{\"priorities\": [{\"name\": \"S1\", \"weight\": 2, \"argument\":"
                + " {\"serviceAntiAffinity\": {\"label\": \"a\"}}}, {\"name\": \"S2\", \"weight\":"
                + " 2, \"argument\": {\"serviceAntiAffinity\": {\"label\": \"b\"}}}]}");
    assertThat(p.priorities()).hasSize(2);
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"priorities\": [{\"name\": \"S1\", \"weight\": 2, \"argument\":"
                        + " {\"serviceAntiAffinity\": {\"label\": \"a\"}}}, {\"name\": \"S2\","
                        + " \"weight\": 3, \"argument\": {\"serviceAntiAffinity\": {\"label\":"
                        + " \"b\"}}}]}"))
        .hasMessage(
            "Policy.priorities[1]: ServiceAntiAffinity  priority \"S2\" has a different weight with"
                + " \"S1\"");
  }

  @Test
  void anEmptyVerbMeansTheExtenderDoesNotDoThat() {
    // An empty prioritizeVerb needs no weight, and empty bindVerbs are not binders.
    Policy p =
        Policies.parse(
            "{\"extenders\": [{\"urlPrefix\": \"a\", \"prioritizeVerb\": \"\", \"bindVerb\": \"\"},"
                + " {\"urlPrefix\": \"b\", \"bindVerb\": \"\"}, {\"urlPrefix\": \"c\", \"bindVerb\":"
                + " \"bind\"}]}");
    assertThat(p.extenders()).hasSize(3);
    assertThat(
            Policies.parse(
                    "{\"extenders\": [{\"urlPrefix\": \"a\", \"prioritizeVerb\": \"p\", \"weight\":"
                        + " 1}]}")
                .extenders())
        .hasSize(1);
  }

  @Test
  void anEmptyUrlPrefixIsAMissingOne() {
    assertThatThrownBy(() -> Policies.parse("{\"extenders\": [{\"urlPrefix\": \"\"}]}"))
        .hasMessage("Policy.extenders[0]: urlPrefix is required");
  }

  @Test
  void managedResourceNamesAreCheckedAndMustBeUniqueAcrossExtenders() {
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"extenders\": [{\"urlPrefix\": \"a\", \"managedResources\": [{\"name\":"
                        + " \"example.com/foo\"}]}, {\"urlPrefix\": \"b\", \"managedResources\":"
                        + " [{\"name\": \"example.com/foo\"}, {\"name\": \"foo\"}]}]}"))
        .hasMessage(
            "Policy: [extenders[1].managedResources[0]: Duplicate extender managed resource name"
                + " example.com/foo, extenders[1].managedResources[1]: foo is an invalid extended"
                + " resource name]");
  }
}
