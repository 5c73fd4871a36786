package io.kubelab.scheduler.algorithm.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How a Policy document's fields are read: Go's zero values for what is left out, Go's types for
 * what is written, and errors that name the field in upstream's spelling with the value as written.
 */
class PolicyFieldsTest {

  @Test
  void leftOutListsInsideArgumentsAndExtendersReadAsEmpty() {
    Policy p =
        Policies.parse(
            """
            {"predicates": [
               {"name": "SA", "argument": {"serviceAffinity": {}}},
               {"name": "LP", "argument": {"labelsPresence": {"presence": true}}}],
             "priorities": [
               {"name": "R", "weight": 1, "argument": {"requestedToCapacityRatioArguments": {}}}],
             "extenders": [{"urlPrefix": "http://127.0.0.1:1/x"}]}
            """);
    assertThat(p.predicates().get(0).argument().serviceAffinity().labels()).isEmpty();
    assertThat(p.predicates().get(1).argument().labelsPresence().labels()).isEmpty();
    assertThat(p.predicates().get(1).argument().labelsPresence().presence()).isTrue();
    Policy.RequestedToCapacityRatioArguments r =
        p.priorities().get(0).argument().requestedToCapacityRatioArguments();
    assertThat(r.shape()).isEmpty();
    assertThat(r.resources()).isEmpty();
    Policy.Extender e = p.extenders().get(0);
    assertThat(e.managedResources()).isEmpty();
    // Zero means "the default timeout" to the extender client, as a zero time.Duration upstream.
    assertThat(e.httpTimeout()).isEqualTo(Duration.ZERO);
    assertThat(e.weight()).isZero();
    assertThat(e.bindVerb()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"predicates": [{"name": 1}]}                  | Policy.predicates[0].name: expected a string, got 1
          {"predicates": [{"name": true}]}               | Policy.predicates[0].name: expected a string, got true
          {"extenders": [{"urlPrefix": "a", "tlsConfig": 5}]} | Policy.extenders[0].tlsConfig: expected an object, got 5
          {"extenders": [{"urlPrefix": "a", "tlsConfig": {"caData": 5}}]} | Policy.extenders[0].tlsConfig.caData: expected base64 text, got 5
          {"extenders": [{"urlPrefix": "a", "managedResources": {}}]} | Policy.extenders[0].managedResources: expected a list, got {}
          {"priorities": [{"name": "A", "weight": 1, "argument": {"requestedToCapacityRatioArguments": {"shape": [{"utilization": "5"}]}}}]} | Policy.priorities[0].argument.requestedToCapacityRatioArguments.shape[0].utilization: expected a 32-bit integer, got "5"
          """)
  void aValueOfTheWrongTypeIsNamedWithWhatTheFieldHolds(String json, String message) {
    assertThatThrownBy(() -> Policies.parse(json))
        .isInstanceOf(PolicyException.class)
        .hasMessage(message);
  }

  @Test
  void insideAnExtenderTheErrorQuotesTheValueWhateverCaseTheFieldWasWrittenIn() {
    assertThatThrownBy(
            () -> Policies.parse("{\"extenders\": [{\"URLPrefix\": \"a\", \"Weight\": \"x\"}]}"))
        .hasMessage("Policy.extenders[0].weight: expected a 64-bit integer, got \"x\"");
    assertThatThrownBy(
            () ->
                Policies.parse(
                    "{\"extenders\": [{\"urlPrefix\": \"a\", \"TLSConfig\": {\"Insecure\":"
                        + " \"yes\"}}]}"))
        .hasMessage("Policy.extenders[0].tlsConfig.insecure: expected true or false, got \"yes\"");
  }

  @Test
  void aSecondDocumentAfterThePolicyIsRejectedWithItsPosition() {
    assertThatThrownBy(() -> Policies.parse("{} {}"))
        .hasMessage(
            "Policy: malformed JSON at line 1, column 4: unexpected data after the document");
  }

  @Test
  void aKindOrApiVersionLeftOutOrNullMeansPolicyV1() {
    assertThat(Policies.parse("{\"kind\": null, \"apiVersion\": null}").extenders()).isEmpty();
    assertThat(Policies.parse("{\"apiVersion\": \"v1\"}").extenders()).isEmpty();
    assertThatThrownBy(() -> Policies.parse("{\"apiVersion\": \"v2\"}"))
        .hasMessage("Policy: no kind \"Policy\" is registered for version \"v2\"");
    assertThatThrownBy(() -> Policies.parse("{\"kind\": null, \"apiVersion\": \"v2\"}"))
        .hasMessage("Policy: no kind \"Policy\" is registered for version \"v2\"");
    assertThatThrownBy(() -> Policies.parse("{\"kind\": \"Pod\", \"apiVersion\": null}"))
        .hasMessage("Policy: no kind \"Pod\" is registered for version \"v1\"");
    assertThatThrownBy(() -> Policies.parse("{\"kind\": 3}"))
        .hasMessage("Policy.kind: expected a string, got 3");
  }
}
