package io.kubelab.scheduler.predicates;

import static io.kubelab.apimachinery.testing.Fixtures.affinityTerm;
import static io.kubelab.apimachinery.testing.Fixtures.matchLabels;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinity;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Reading affinity terms as upstream's helpers do ({@code GetNamespacesFromPodAffinityTerm}, {@code
 * podMatchesAllAffinityTermProperties}, {@code GetPodFullName} and the {@code Affinity} checks of
 * {@code InterPodAffinityMatches}, v1.17), for pods written without optional fields too.
 */
class AffinityTermsTest {

  static final String FIELD =
      "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution";

  @Test
  void onlyAPodAffinityOrAntiAffinitySectionCountsAsInterPodAffinity() {
    Pod none = pod("p").build();
    assertThat(AffinityTerms.hasPodAffinityOrAntiAffinity(none)).isFalse();
    Pod nodeOnly = pod("p").build();
    nodeOnly.getSpec().setAffinity(new Affinity(new NodeAffinity(), null, null));
    assertThat(AffinityTerms.hasPodAffinityOrAntiAffinity(nodeOnly)).isFalse();
    Pod emptyAffinity = pod("p").build();
    emptyAffinity.getSpec().setAffinity(new Affinity(null, new PodAffinity(), null));
    assertThat(AffinityTerms.hasPodAffinityOrAntiAffinity(emptyAffinity))
        .as("an empty section is a section")
        .isTrue();
    Pod emptyAnti = pod("p").build();
    emptyAnti.getSpec().setAffinity(new Affinity(null, null, new PodAntiAffinity()));
    assertThat(AffinityTerms.hasPodAffinityOrAntiAffinity(emptyAnti)).isTrue();
  }

  @Test
  void aTermWithoutNamespacesMeansItsOwnersNamespace() {
    Pod owner = pod("o").namespace("team-a").build();
    PodAffinityTerm t = affinityTerm("zone", matchLabels("app", "db"));
    assertThat(AffinityTerms.namespaces(owner, t)).containsExactly("team-a");
    t.setNamespaces(null);
    assertThat(AffinityTerms.namespaces(owner, t)).containsExactly("team-a");
    t.setNamespaces(new ArrayList<>(List.of("team-b", "team-c")));
    assertThat(AffinityTerms.namespaces(owner, t)).isEqualTo(Set.of("team-b", "team-c"));
  }

  @Test
  void noTermsAreNotMatchedByAnyPod() {
    // podMatchesAllAffinityTermProperties: false for an empty list, or the first pod of a
    // self-affine group without terms would always be let in.
    Pod p = pod("p").label("app", "db").build();
    assertThat(AffinityTerms.podMatchesAll(p, List.of())).isFalse();
    List<AffinityTerms.TermProperties> one =
        AffinityTerms.properties(p, List.of(affinityTerm("zone", matchLabels("app", "db"))), FIELD);
    assertThat(AffinityTerms.podMatchesAll(p, one)).isTrue();
  }

  @Test
  void aPodWithoutNamespaceOrLabelsIsInTheEmptyNamespaceWithNoLabels() {
    Pod bare = pod("bare").build();
    bare.getMetadata().setNamespace(null);
    bare.getMetadata().setLabels(null);
    assertThat(AffinityTerms.namespace(bare)).isEmpty();
    assertThat(AffinityTerms.labels(bare)).isEmpty();
    assertThat(AffinityTerms.podFullName(bare)).isEqualTo("bare_");
  }
}
