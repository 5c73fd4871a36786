package io.kubelab.scheduler.cache;

import static io.kubelab.apimachinery.testing.Fixtures.affinityTerm;
import static io.kubelab.apimachinery.testing.Fixtures.labelExpr;
import static io.kubelab.apimachinery.testing.Fixtures.matchExpressions;
import static io.kubelab.apimachinery.testing.Fixtures.matchLabels;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.kubelab.apimachinery.labels.LabelSelectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a NodeInfo parses of a pod's affinity once, as v1.20's {@code framework.NewPodInfo} does:
 * the terms with their namespaces (the owner's when a term names none), compiled selectors and
 * weights; no record where v1.18 would meet a malformed term in the cycle.
 */
class PodAffinityInfoTest {

  private static final String HOST = "kubernetes.io/hostname";
  private static final String ZONE = "topology.kubernetes.io/zone";

  @Test
  void aPodWithoutPodAffinityHasNoRecord() {
    assertThat(PodAffinityInfo.of(pod("plain").build())).isNull();
    Pod nodeAffinityOnly =
        new PodBuilder(pod("n").build())
            .editSpec()
            .withAffinity(
                new AffinityBuilder()
                    .withNewNodeAffinity()
                    .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                    .endRequiredDuringSchedulingIgnoredDuringExecution()
                    .endNodeAffinity()
                    .build())
            .endSpec()
            .build();
    assertThat(PodAffinityInfo.of(nodeAffinityOnly)).isNull();
    Pod noSpec = pod("s").build();
    noSpec.setSpec(null);
    assertThat(PodAffinityInfo.of(noSpec)).as("no spec").isNull();
  }

  @Test
  void aTermWhoseNamespaceListIsAbsentUsesTheOwnersNamespace() {
    // The API's JSON may leave the list out entirely, which the model reads as null.
    PodAffinityTerm noList = affinityTerm(HOST, matchLabels("app", "db"));
    noList.setNamespaces(null);
    Pod owner = pod("owner").namespace("shop").requiredPodAffinity(noList).build();
    PodAffinityInfo.Term t = PodAffinityInfo.of(owner).requiredAffinity().get(0);
    assertThat(t.namespaces()).containsExactly("shop");
    assertThat(t.matches(pod("db").namespace("shop").label("app", "db").build())).isTrue();
  }

  @Test
  void termsKeepTheirKeysNamespacesSelectorsAndWeights() {
    PodAffinityTerm elsewhere =
        new PodAffinityTermBuilder(affinityTerm(ZONE, matchLabels("app", "cache")))
            .withNamespaces("infra", "ops")
            .build();
    Pod p =
        pod("web")
            .namespace("shop")
            .requiredPodAffinity(affinityTerm(ZONE, matchLabels("app", "db")))
            .requiredPodAntiAffinity(affinityTerm(HOST, matchLabels("app", "web")))
            .preferredPodAffinity(30, elsewhere)
            .preferredPodAntiAffinity(
                5, affinityTerm(HOST, matchExpressions(labelExpr("tier", "Exists"))))
            .build();
    PodAffinityInfo info = PodAffinityInfo.of(p);

    assertThat(info.namespace()).isEqualTo("shop");
    PodAffinityInfo.Term db = info.requiredAffinity().get(0);
    assertThat(db.topologyKey()).isEqualTo(ZONE);
    assertThat(db.namespaces()).containsExactly("shop");
    assertThat(db.weight()).isZero();
    assertThat(db.matches(pod("a").namespace("shop").label("app", "db").build())).isTrue();
    assertThat(db.matches(pod("b").namespace("shop").label("app", "web").build())).isFalse();
    assertThat(db.matches(pod("c").namespace("other").label("app", "db").build())).isFalse();

    assertThat(info.requiredAntiAffinity())
        .singleElement()
        .satisfies(t -> assertThat(t.topologyKey()).isEqualTo(HOST));
    PodAffinityInfo.Term cache = info.preferredAffinity().get(0);
    assertThat(cache.weight()).isEqualTo(30);
    assertThat(cache.namespaces()).containsExactlyInAnyOrder("infra", "ops");
    assertThat(cache.matches(pod("d").namespace("ops").label("app", "cache").build())).isTrue();
    assertThat(cache.matches(pod("e").namespace("shop").label("app", "cache").build())).isFalse();
    PodAffinityInfo.Term tiered = info.preferredAntiAffinity().get(0);
    assertThat(tiered.weight()).isEqualTo(5);
    assertThat(tiered.matches(pod("f").namespace("shop").label("tier", "x").build())).isTrue();
    assertThat(tiered.matches(pod("g").namespace("shop").build())).as("no labels").isFalse();
  }

  @Test
  void goZeroValuesReadAsV118ReadsThem() {
    // A term without a selector selects nothing; a pod without a namespace is in ""; a missing
    // term, entry or weight is Go's zero value (an empty term, weight 0); a null namespace is "".
    PodAffinityTerm noSelector = new PodAffinityTermBuilder().withTopologyKey(HOST).build();
    WeightedPodAffinityTerm noTerm = new WeightedPodAffinityTerm(null, 4);
    WeightedPodAffinityTerm noWeight =
        new WeightedPodAffinityTerm(affinityTerm(HOST, matchLabels("a", "b")), null);
    PodAffinityTerm nullNamespace = affinityTerm(null, matchLabels("a", "b"));
    nullNamespace.setNamespaces(new ArrayList<>(Arrays.asList("ops", null)));
    Pod p =
        withAntiAffinity(
            pod("x").build(),
            new ArrayList<>(Arrays.asList(noSelector, null, nullNamespace)),
            new ArrayList<>(Arrays.asList(noTerm, null, noWeight)));
    p.getMetadata().setNamespace(null);
    PodAffinityInfo info = PodAffinityInfo.of(p);

    assertThat(info.namespace()).isEmpty();
    Pod inNoNamespace = pod("y").label("a", "b").build();
    inNoNamespace.getMetadata().setNamespace(null);
    List<PodAffinityInfo.Term> required = info.requiredAntiAffinity();
    assertThat(required)
        .extracting(PodAffinityInfo.Term::topologyKey)
        .containsExactly(HOST, "", "");
    assertThat(required.get(0).namespaces()).containsExactly("");
    assertThat(required.get(0).matches(inNoNamespace)).as("no selector").isFalse();
    assertThat(required.get(1).matches(inNoNamespace)).as("no term").isFalse();
    assertThat(required.get(2).namespaces()).containsExactlyInAnyOrder("ops", "");
    assertThat(required.get(2).matches(inNoNamespace)).isTrue();
    List<PodAffinityInfo.Term> preferred = info.preferredAntiAffinity();
    assertThat(preferred).extracting(PodAffinityInfo.Term::weight).containsExactly(4L, 0L, 0L);
    assertThat(preferred.get(0).matches(inNoNamespace)).isFalse();
    assertThat(preferred.get(1).matches(inNoNamespace)).isFalse();
    assertThat(preferred.get(2).matches(inNoNamespace)).isTrue();
    assertThat(info.requiredAffinity()).isEmpty();
    assertThat(info.preferredAffinity()).isEmpty();
  }

  @Test
  void aMalformedSelectorIsKeptAsAnErrorNamingThePodAndField() {
    PodAffinityTerm emptyIn = affinityTerm(HOST, matchExpressions(labelExpr("app", "In")));
    Pod p =
        pod("a")
            .namespace("shop")
            .requiredPodAffinity(affinityTerm(HOST, matchLabels("app", "db")))
            .requiredPodAffinity(emptyIn)
            .preferredPodAntiAffinity(3, emptyIn)
            .build();
    PodAffinityInfo info = PodAffinityInfo.of(p);

    PodAffinityInfo.Term fine = info.requiredAffinity().get(0);
    assertThat(fine.error()).isNull();
    assertThat(fine.selector()).isSameAs(fine.compiled());
    PodAffinityInfo.Term bad = info.requiredAffinity().get(1);
    assertThat(bad.compiled()).isNull();
    assertThatThrownBy(bad::selector)
        .isInstanceOf(LabelSelectors.InvalidSelectorException.class)
        .hasMessage(
            "Pod shop/a: spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[1]"
                + ".labelSelector.matchExpressions[0].values: for 'in', 'notin' operators, values"
                + " set can't be empty");
    // The namespace is looked at first: a pod of another namespace never reaches the selector.
    assertThat(bad.matches(pod("o").namespace("other").build())).isFalse();
    assertThatThrownBy(() -> bad.matches(pod("s").namespace("shop").build()))
        .isInstanceOf(LabelSelectors.InvalidSelectorException.class);
    assertThat(info.preferredAntiAffinity().get(0).error())
        .startsWith(
            "Pod shop/a: spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]"
                + ".podAffinityTerm.labelSelector.matchExpressions[0].values");
  }

  private static Pod withAntiAffinity(
      Pod p, List<PodAffinityTerm> required, List<WeightedPodAffinityTerm> preferred) {
    // Setters, not the builders: a builder copies each term and would refuse the holes.
    PodAntiAffinity anti = new PodAntiAffinity();
    anti.setRequiredDuringSchedulingIgnoredDuringExecution(required);
    anti.setPreferredDuringSchedulingIgnoredDuringExecution(preferred);
    Affinity a = new Affinity();
    a.setPodAntiAffinity(anti);
    p.getSpec().setAffinity(a);
    return p;
  }
}
