package io.kubelab.scheduler.spread;

import static io.kubelab.scheduler.spread.Objects.labels;
import static io.kubelab.scheduler.spread.Objects.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.kubelab.apimachinery.testing.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The in-memory listers' bookkeeping, and upstream's zone key table. */
class ListersAndZonesTest {

  @Test
  void removingSaysWhetherTheObjectWasThere() {
    InMemoryListers l = new InMemoryListers();
    Service s = Objects.service("prod", labels("app", "web"));
    var rc = Objects.rc("prod", labels("app", "web"));
    var rs = Objects.rs("prod", Fixtures.matchLabels("app", "web"));
    var ss = Objects.ss("prod", Fixtures.matchLabels("app", "web"));
    assertThat(l.remove(s)).isFalse();
    assertThat(l.remove(rc)).isFalse();
    assertThat(l.remove(rs)).isFalse();
    assertThat(l.remove(ss)).isFalse();
    l.add(s);
    l.add(rc);
    l.add(rs);
    l.add(ss);
    assertThat(l.remove(s)).isTrue();
    assertThat(l.remove(rc)).isTrue();
    assertThat(l.remove(rs)).isTrue();
    assertThat(l.remove(ss)).isTrue();
    assertThat(l.remove(s)).isFalse();
    assertThat(l.services("prod")).isEmpty();
  }

  @Test
  void anObjectWithoutANamespaceIsInDefaultAndOneWithoutANameIsRefused() {
    InMemoryListers l = new InMemoryListers();
    Service s = Objects.service(null, labels("app", "web"));
    l.add(s);
    assertThat(l.services("default")).containsExactly(s);
    Service empty = Objects.service("", labels("app", "web"));
    l.add(empty);
    assertThat(l.services("default")).hasSize(2);
    Service nameless = Objects.service("prod", labels("app", "web"));
    nameless.getMetadata().setName("");
    assertThatThrownBy(() -> l.add(nameless))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Service: metadata.name is missing");
    nameless.getMetadata().setName(null);
    assertThatThrownBy(() -> l.add(nameless)).hasMessage("Service: metadata.name is missing");
  }

  /**
   * {@code GetZoneKey}: beta labels first (the key, even with an empty value), then the GA ones.
   */
  @Test
  void zoneKeysAsUpstreamBuildsThem() {
    assertThat(
            Zones.getZoneKey(
                new NodeBuilder().withNewMetadata().withName("n").endMetadata().build()))
        .isEmpty();
    assertThat(Zones.getZoneKey(node("n", Map.of()))).isEmpty();
    assertThat(Zones.getZoneKey(node("n", labels(Zones.LABEL_ZONE_FAILURE_DOMAIN, "a"))))
        .isEqualTo(":\0:a");
    assertThat(Zones.getZoneKey(node("n", labels(Zones.LABEL_ZONE_REGION, "r"))))
        .isEqualTo("r:\0:");
    assertThat(
            Zones.getZoneKey(
                node(
                    "n",
                    labels(
                        Zones.LABEL_ZONE_FAILURE_DOMAIN_STABLE,
                        "ga",
                        Zones.LABEL_ZONE_REGION_STABLE,
                        "rga"))))
        .isEqualTo("rga:\0:ga");
    // The beta key wins even with an empty value; the GA value is then not read.
    assertThat(
            Zones.getZoneKey(
                node(
                    "n",
                    labels(
                        Zones.LABEL_ZONE_FAILURE_DOMAIN,
                        "",
                        Zones.LABEL_ZONE_FAILURE_DOMAIN_STABLE,
                        "ga",
                        Zones.LABEL_ZONE_REGION,
                        "",
                        Zones.LABEL_ZONE_REGION_STABLE,
                        "rga"))))
        .isEmpty();
    assertThat(
            Zones.getZoneKey(
                node(
                    "n",
                    labels(
                        Zones.LABEL_ZONE_FAILURE_DOMAIN,
                        "beta",
                        Zones.LABEL_ZONE_FAILURE_DOMAIN_STABLE,
                        "ga",
                        Zones.LABEL_ZONE_REGION,
                        "rbeta",
                        Zones.LABEL_ZONE_REGION_STABLE,
                        "rga"))))
        .isEqualTo("rbeta:\0:beta");
  }

  @Test
  void selectorsWithTheSameRequirementsInAnyOrderAreEqual() {
    SpreadSelector a = SpreadSelector.fromSet(labels("app", "web", "tier", "front"));
    SpreadSelector b = SpreadSelector.fromSet(labels("tier", "front", "app", "web"));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(SpreadSelector.fromSet(labels("app", "web")));
    assertThat(a).isNotEqualTo("app=web,tier=front");
    assertThat(a.toString()).isEqualTo("app in (web),tier in (front)");
    assertThat(SpreadSelector.EMPTY.toString()).isEqualTo("<empty>");
    assertThat(SpreadSelector.fromSet(null)).isSameAs(SpreadSelector.EMPTY);
    assertThat(SpreadSelector.fromSet(Map.of())).isSameAs(SpreadSelector.EMPTY);
    assertThat(a.requirements()).hasSize(2);
    // No labels at all: a selector with requirements cannot match.
    assertThat(a.matches(null)).isFalse();
    assertThat(SpreadSelector.EMPTY.matches(null)).isTrue();
  }
}
