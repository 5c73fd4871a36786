package io.kubelab.cluster.controller.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.IntOrString;
import org.junit.jupiter.api.Test;

/** The arithmetic of surge and unavailability, and the hash's alphabet. */
class DeploymentUtilTest {

  private static int[] fenceposts(Object surge, Object unavailable, int desired) {
    return DeploymentUtil.resolveFenceposts(
        DeploymentControllerTest.intOrString(surge),
        DeploymentControllerTest.intOrString(unavailable),
        desired);
  }

  @Test
  void surgeRoundsUpUnavailabilityDownAndBothZeroBecomesOneUnavailable() {
    assertThat(fenceposts("25%", "25%", 3)).containsExactly(1, 0);
    assertThat(fenceposts("25%", "25%", 4)).containsExactly(1, 1);
    assertThat(fenceposts("10%", "10%", 10)).containsExactly(1, 1);
    assertThat(fenceposts("10%", "10%", 11)).containsExactly(2, 1);
    assertThat(fenceposts(0, 0, 5)).containsExactly(0, 1);
    assertThat(fenceposts(2, "50%", 5)).containsExactly(2, 2);
  }

  @Test
  void aStringThatIsNoPercentageIsRefusedAndCountsAsZeroForTheController() {
    assertThatThrownBy(() -> DeploymentUtil.scaledValue(new IntOrString("5"), 10, true))
        .hasMessage("invalid value for IntOrString: invalid type: string is not a percentage");
    var d = DeploymentControllerTest.deployment("web", 4, "v1", "RollingUpdate", "lots", "lots");
    assertThat(DeploymentUtil.maxSurge(d)).isZero();
    assertThat(DeploymentUtil.maxUnavailable(d)).isZero();
  }

  @Test
  void safeEncodeStringMapsEachDigitOntoTheAlphabet() {
    // rand.SafeEncodeString: byte value modulo 27 into "bcdfghjklmnpqrstvwxz2456789"
    assertThat(DeploymentUtil.safeEncodeString("0123456789")).isEqualTo("456789bcdf");
  }

  @Test
  void theHashDependsOnTheTemplateAndTheCollisionCount() {
    var a = DeploymentControllerTest.deployment("web", 1, "v1", "RollingUpdate", 1, 0);
    var b = DeploymentControllerTest.deployment("web", 1, "v2", "RollingUpdate", 1, 0);
    String ha = DeploymentUtil.computeHash(a.getSpec().getTemplate(), null);
    assertThat(ha).isEqualTo(DeploymentUtil.computeHash(a.getSpec().getTemplate(), null));
    assertThat(ha).isNotEqualTo(DeploymentUtil.computeHash(b.getSpec().getTemplate(), null));
    assertThat(ha).isNotEqualTo(DeploymentUtil.computeHash(a.getSpec().getTemplate(), 1));
    assertThat(ha).matches("[456789bcdf]{1,10}");
  }
}
