package io.kubelab.scheduler.framework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code Status}, {@code PluginToStatus.Merge} and {@code AsError} of {@code interface.go} (v1.18),
 * with kubelab's rule that a null status is a success.
 */
class StatusTest {

  @Test
  void aNullStatusIsASuccess() {
    assertThat(Status.codeOf(null)).isEqualTo(Code.SUCCESS);
    assertThat(Status.isSuccess(null)).isTrue();
    assertThat(Status.orSuccess(null)).isEqualTo(Status.SUCCESS);
    Status no = Status.unschedulable("no");
    assertThat(Status.codeOf(no)).isEqualTo(Code.UNSCHEDULABLE);
    assertThat(Status.isSuccess(no)).isFalse();
    assertThat(Status.orSuccess(no)).isSameAs(no);
    assertThat(Status.isSuccess(Status.of(Code.SUCCESS))).isTrue();
  }

  @Test
  void aSuccessMayCarryReasonsLikeAnyOtherCode() {
    Status plain = Status.of(Code.SUCCESS);
    assertThat(plain.isSuccess()).isTrue();
    assertThat(plain.reasons()).isEmpty();
    Status told = Status.of(Code.SUCCESS, "nothing to do");
    assertThat(told.isSuccess()).isTrue();
    assertThat(told.reasons()).containsExactly("nothing to do");
    assertThat(told.asError()).isNull();
  }

  @Test
  void theMessageJoinsTheReasonsAndAppendReasonAddsOne() {
    Status s = Status.unschedulableAndUnresolvable("node(s) had taints", "node(s) didn't match");
    Status more = s.withReason("extender said no");

    assertThat(s.message()).isEqualTo("node(s) had taints, node(s) didn't match");
    assertThat(more.code()).isEqualTo(Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
    assertThat(more.reasons())
        .containsExactly("node(s) had taints", "node(s) didn't match", "extender said no");
    assertThat(s.reasons()).hasSize(2);
    assertThat(Status.SUCCESS.withReason("x").reasons()).containsExactly("x");
  }

  @Test
  void asErrorIsNullForASuccessAndCarriesTheMessageOtherwise() {
    assertThat(Status.SUCCESS.asError()).isNull();
    StatusException e = Status.error("disk on fire").asError();
    assertThat(e).hasMessage("disk on fire");
    assertThat(e.status()).isEqualTo(Status.error("disk on fire"));
    assertThatThrownBy(() -> new StatusException(Status.SUCCESS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a success is not an error");
  }

  @Test
  void statusesAreEqualByCodeAndReasons() {
    assertThat(Status.unschedulable("a", "b"))
        .isEqualTo(Status.of(Code.UNSCHEDULABLE, List.of("a", "b")));
    assertThat(Status.unschedulable("a", "b").hashCode())
        .isEqualTo(Status.of(Code.UNSCHEDULABLE, List.of("a", "b")).hashCode());
    assertThat(Status.unschedulable("a")).isNotEqualTo(Status.unschedulableAndUnresolvable("a"));
    assertThat(Status.unschedulable("a")).isNotEqualTo(Status.unschedulable("b"));
    assertThat(Status.unschedulable("a")).isNotEqualTo("a");
  }

  @Test
  void aStatusPrintsItsCodeAndReasons() {
    assertThat(Status.SUCCESS).hasToString("Success");
    assertThat(Status.unschedulable("a", "b")).hasToString("Unschedulable[a, b]");
  }

  @Test
  void aPermitResultWithoutStatusOrTimeoutIsAnAllow() {
    PermitPlugin.Result r = new PermitPlugin.Result(null, null);
    assertThat(r.status()).isEqualTo(Status.SUCCESS);
    assertThat(r.timeout()).isEqualTo(Duration.ZERO);
    assertThat(PermitPlugin.Result.waitFor(Duration.ofSeconds(3)).status().code())
        .isEqualTo(Code.WAIT);
  }

  // ---------------------------------------------------------------------------------------------
  // PluginToStatus

  private static PluginToStatus statuses(Object... pluginThenStatus) {
    Map<String, Status> m = new LinkedHashMap<>();
    for (int i = 0; i < pluginThenStatus.length; i += 2) {
      m.put((String) pluginThenStatus[i], (Status) pluginThenStatus[i + 1]);
    }
    return PluginToStatus.of(m);
  }

  @Test
  void mergeTakesTheStrongestCodeErrorFirst() {
    Status merged =
        statuses(
                "a", Status.error("boom"),
                "b", Status.unschedulableAndUnresolvable("never"),
                "c", Status.unschedulable("not now"))
            .merge();
    assertThat(merged.code()).isEqualTo(Code.ERROR);
    assertThat(merged.reasons()).containsExactly("boom", "never", "not now");

    assertThat(
            statuses("a", Status.unschedulable("x"), "b", Status.unschedulableAndUnresolvable("y"))
                .merge()
                .code())
        .isEqualTo(Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
    assertThat(
            statuses("a", Status.unschedulable("x"), "b", Status.of(Code.WAIT, "y")).merge().code())
        .isEqualTo(Code.UNSCHEDULABLE);
    assertThat(
            statuses("a", Status.unschedulable("x"), "b", Status.unschedulable("y")).merge().code())
        .isEqualTo(Code.UNSCHEDULABLE);
  }

  @Test
  void withoutAStrongCodeMergeKeepsTheLastPluginsCode() {
    Status merged =
        statuses("a", Status.of(Code.SKIP, "x"), "b", Status.of(Code.WAIT, "y")).merge();
    assertThat(merged.code()).isEqualTo(Code.WAIT);
    assertThat(merged.reasons()).containsExactly("x", "y");
  }

  @Test
  void aNullStatusInTheMapMergesAsASuccessWithoutReasons() {
    Map<String, Status> m = new HashMap<>();
    m.put("a", null);
    assertThat(PluginToStatus.of(m).merge()).isEqualTo(Status.SUCCESS);
    Map<String, Status> two = new LinkedHashMap<>();
    two.put("a", Status.unschedulable("x"));
    two.put("b", null);
    Status merged = PluginToStatus.of(two).merge();
    assertThat(merged.code()).isEqualTo(Code.UNSCHEDULABLE);
    assertThat(merged.reasons()).containsExactly("x");
  }

  @Test
  void anEmptyMapIsAFitAndMergesToSuccess() {
    assertThat(PluginToStatus.empty().isEmpty()).isTrue();
    assertThat(PluginToStatus.of(Map.of()).isEmpty()).isTrue();
    assertThat(PluginToStatus.empty().merge()).isEqualTo(Status.SUCCESS);
    assertThat(PluginToStatus.of("a", Status.unschedulable("x")).isEmpty()).isFalse();
    assertThat(PluginToStatus.of("a", Status.unschedulable("x")).merge())
        .isEqualTo(Status.unschedulable("x"));
  }

  @Test
  void pluginStatusesAreEqualByTheirMapAndKeepTheOrderTheyRanIn() {
    PluginToStatus one = statuses("b", Status.unschedulable("x"), "a", Status.unschedulable("y"));
    PluginToStatus same = statuses("b", Status.unschedulable("x"), "a", Status.unschedulable("y"));

    assertThat(one).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(one).isNotEqualTo(statuses("b", Status.unschedulable("x")));
    assertThat(one).isNotEqualTo("b");
    assertThat(one.asMap().keySet()).containsExactly("b", "a");
    assertThat(one).hasToString("{b=Unschedulable[x], a=Unschedulable[y]}");
  }
}
