package io.kubelab.kubelet.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runtime's value types: container IDs as upstream's {@code ContainerID} prints and parses them
 * ({@code runtime.go}: {@code ParseString} trims quotes and splits on {@code ://}, {@code
 * ParseContainerID} logs a bad ID and carries on), container states under upstream's names, and the
 * fields without which a status or listing is meaningless.
 */
class ContainerValuesTest {

  private static final ContainerId ID = new ContainerId("containerd", "4ad3");

  @Test
  void aContainerIdPrintsAndParsesAsTypeColonSlashSlashId() {
    assertThat(ID).hasToString("containerd://4ad3");
    assertThat(ContainerId.parse("containerd://4ad3")).isEqualTo(ID);
    assertThat(ContainerId.parse("\"containerd://4ad3\"")).as("quotes trimmed").isEqualTo(ID);
    for (String bad : List.of("4ad3", "containerd://", "://4ad3", "a://b://c", "")) {
      assertThatThrownBy(() -> ContainerId.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("invalid container ID: \"" + bad + "\"");
    }
    assertThatThrownBy(() -> ContainerId.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void lenientParsingYieldsNoIdInsteadOfFailing() {
    assertThat(ContainerId.parseLenient("containerd://4ad3")).contains(ID);
    assertThat(ContainerId.parseLenient(null)).isEmpty();
    assertThat(ContainerId.parseLenient("")).isEmpty();
    assertThat(ContainerId.parseLenient("not-an-id")).isEmpty();
  }

  @Test
  void aContainerIdNeedsBothATypeAndAnId() {
    for (String[] bad :
        new String[][] {{null, "4ad3"}, {"", "4ad3"}, {"containerd", null}, {"containerd", ""}}) {
      assertThatThrownBy(() -> new ContainerId(bad[0], bad[1]))
          .as("%s / %s", bad[0], bad[1])
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void statesPrintUnderUpstreamsNames() {
    assertThat(List.of(ContainerState.values()))
        .extracting(ContainerState::toString)
        .containsExactly("created", "running", "exited", "unknown");
  }

  @Test
  void listingsAndStatusesRejectWhatWouldMakeThemMeaningless() {
    assertThatThrownBy(() -> new Container(null, "app", "img", ContainerState.RUNNING))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Container(ID, "app", "img", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(
            new Container(ID, "app", "img", ContainerState.RUNNING)
                .withState(ContainerState.EXITED))
        .isEqualTo(new Container(ID, "app", "img", ContainerState.EXITED));

    assertThatThrownBy(() -> new ContainerConfig(null, "img", 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ContainerConfig("", "img", 0, 0))
        .isInstanceOf(IllegalArgumentException.class);

    Instant t = Instant.EPOCH;
    assertThatThrownBy(
            () ->
                new ContainerStatus(null, "app", ContainerState.RUNNING, t, t, null, 0, 0, "", ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ContainerStatus(ID, "app", null, t, t, null, 0, 0, "", ""))
        .isInstanceOf(IllegalArgumentException.class);

    assertThatThrownBy(() -> new PodStatus(null, "web", "default", List.of(), List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(PodStatus.empty("u1").withIps(List.of("10.0.0.1")).ips())
        .containsExactly("10.0.0.1");

    assertThatThrownBy(() -> new RuntimePod(null, "web", "default", List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RuntimePod("", "web", "default", List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
