package io.kubelab.scheduler.predicates;

import static io.kubelab.apimachinery.testing.Fixtures.expr;
import static io.kubelab.apimachinery.testing.Fixtures.fieldTerm;
import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static io.kubelab.apimachinery.testing.Fixtures.term;
import static io.kubelab.scheduler.predicates.TestSupport.nodeInfo;
import static io.kubelab.scheduler.predicates.TestSupport.reasons;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HostName, PodFitsHostPorts, MatchNodeSelector and GeneralPredicates, with the cases of upstream's
 * {@code TestPodFitsHost}, {@code TestPodFitsHostPorts}, {@code TestPodFitsSelector} and {@code
 * TestGeneralPredicates} ({@code predicates_test.go}, v1.17).
 */
class GeneralPredicatesTest {

  // ---- HostName

  @Test
  void podWithoutNodeNameFitsAnyHost() {
    assertThat(
            GeneralPredicates.podFitsHost(pod("p").build(), null, nodeInfo(node("foo").build()))
                .fits())
        .isTrue();
  }

  @Test
  void anEmptyNodeNameIsNoNodeNameAndNeedsNoNode() {
    Pod p = pod("p").build();
    p.getSpec().setNodeName("");
    assertThat(GeneralPredicates.podFitsHost(p, null, nodeInfo(node("foo").build())).fits())
        .isTrue();
    assertThat(GeneralPredicates.podFitsHost(p, null, new NodeInfo()).fits()).isTrue();
  }

  @Test
  void podWithNodeNameFitsOnlyThatHost() {
    Pod p = pod("p").build();
    p.getSpec().setNodeName("foo");
    assertThat(GeneralPredicates.podFitsHost(p, null, nodeInfo(node("foo").build())).fits())
        .isTrue();
    PredicateResult r = GeneralPredicates.podFitsHost(p, null, nodeInfo(node("bar").build()));
    assertThat(reasons(r)).containsExactly("node(s) didn't match the requested hostname");
  }

  // ---- PodFitsHostPorts

  /** A pod with host ports written {@code "UDP/127.0.0.1/8080"}. */
  static Pod portsPod(String name, String... ports) {
    Fixtures.PodFixture f = pod(name);
    for (String p : ports) {
      String[] parts = p.split("/");
      f.hostPort(Integer.parseInt(parts[2]), parts[0], parts[1]);
    }
    return f.build();
  }

  static Stream<Arguments> hostPortCases() {
    return Stream.of(
        Arguments.of("nothing running", portsPod("p"), portsPod("e"), true),
        Arguments.of(
            "other port",
            portsPod("p", "UDP/127.0.0.1/8080"),
            portsPod("e", "UDP/127.0.0.1/9090"),
            true),
        Arguments.of(
            "same udp port",
            portsPod("p", "UDP/127.0.0.1/8080"),
            portsPod("e", "UDP/127.0.0.1/8080"),
            false),
        Arguments.of(
            "same tcp port",
            portsPod("p", "TCP/127.0.0.1/8080"),
            portsPod("e", "TCP/127.0.0.1/8080"),
            false),
        Arguments.of(
            "different host ip",
            portsPod("p", "TCP/127.0.0.1/8080"),
            portsPod("e", "TCP/127.0.0.2/8080"),
            true),
        Arguments.of(
            "different protocol",
            portsPod("p", "UDP/127.0.0.1/8080"),
            portsPod("e", "TCP/127.0.0.1/8080"),
            true),
        Arguments.of(
            "second udp port conflict",
            portsPod("p", "UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"),
            portsPod("e", "UDP/127.0.0.1/8080"),
            false),
        Arguments.of(
            "first tcp port conflict",
            portsPod("p", "TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"),
            portsPod("e", "TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"),
            false),
        Arguments.of(
            "first tcp port conflict due to 0.0.0.0 hostIP",
            portsPod("p", "TCP/0.0.0.0/8001"),
            portsPod("e", "TCP/127.0.0.1/8001"),
            false),
        Arguments.of(
            "TCP hostPort conflict due to 0.0.0.0 hostIP",
            portsPod("p", "TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"),
            portsPod("e", "TCP/127.0.0.1/8001"),
            false),
        Arguments.of(
            "second tcp port conflict to 0.0.0.0 hostIP",
            portsPod("p", "TCP/127.0.0.1/8001"),
            portsPod("e", "TCP/0.0.0.0/8001"),
            false),
        Arguments.of(
            "second different protocol",
            portsPod("p", "UDP/127.0.0.1/8001"),
            portsPod("e", "TCP/0.0.0.0/8001"),
            true),
        Arguments.of(
            "UDP hostPort conflict due to 0.0.0.0 hostIP",
            portsPod("p", "UDP/127.0.0.1/8001"),
            portsPod("e", "TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001"),
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostPortCases")
  void hostPorts(String name, Pod p, Pod existing, boolean fits) {
    Node n = node("m").build();
    PredicateResult r = GeneralPredicates.podFitsHostPorts(p, null, nodeInfo(n, existing));
    assertThat(r.fits()).as(name).isEqualTo(fits);
    if (!fits) {
      assertThat(reasons(r))
          .containsExactly("node(s) didn't have free ports for the requested pod ports");
    }
    // The precomputed ports give the same answer.
    PodPredicateMetadata m = TestSupport.meta(p, List.of(), List.of(n));
    assertThat(GeneralPredicates.podFitsHostPorts(p, m, nodeInfo(n, existing)).fits())
        .isEqualTo(fits);
  }

  @Test
  void containerPortsAreThoseOfTheRegularContainersAndAPortWithoutHostPortTakesNone() {
    Pod p = portsPod("p", "TCP/0.0.0.0/8001");
    p.getSpec().getContainers().get(0).getPorts().get(0).setHostPort(null);
    p.getSpec()
        .getContainers()
        .add(new io.fabric8.kubernetes.api.model.ContainerBuilder().withName("sidecar").build());
    assertThat(GeneralPredicates.containerPorts(p)).hasSize(1);
    Node n = node("m").build();
    assertThat(
            GeneralPredicates.podFitsHostPorts(
                    p, null, nodeInfo(n, portsPod("e", "TCP/0.0.0.0/8001")))
                .fits())
        .as("no host port: nothing to conflict with")
        .isTrue();
    p.getSpec().getContainers().get(1).setPorts(null);
    assertThat(GeneralPredicates.containerPorts(p))
        .as("a container whose ports are null has none")
        .hasSize(1);
    Pod noContainers = pod("bare").build();
    noContainers.getSpec().setContainers(null);
    assertThat(GeneralPredicates.containerPorts(noContainers)).isEmpty();
  }

  // ---- MatchNodeSelector

  @Test
  void aPodWithoutNodeSelectorMatchesEveryNode() {
    Pod p = pod("p").build();
    p.getSpec().setNodeSelector(null);
    assertThat(GeneralPredicates.podMatchesNodeSelectorAndAffinityTerms(p, node("m").build()))
        .isTrue();
  }

  static Pod withRequired(NodeSelector selector) {
    Pod p = pod("p").build();
    NodeAffinity na = new NodeAffinity();
    na.setRequiredDuringSchedulingIgnoredDuringExecution(selector);
    p.getSpec().setAffinity(new io.fabric8.kubernetes.api.model.Affinity());
    p.getSpec().getAffinity().setNodeAffinity(na);
    return p;
  }

  static NodeSelector terms(NodeSelectorTerm... t) {
    NodeSelector s = new NodeSelector();
    s.setNodeSelectorTerms(new ArrayList<>(List.of(t)));
    return s;
  }

  static boolean selects(Pod p, Node n) {
    PredicateResult r = GeneralPredicates.podMatchNodeSelector(p, null, nodeInfo(n));
    if (!r.fits()) {
      assertThat(reasons(r)).containsExactly("node(s) didn't match node selector");
    }
    return r.fits();
  }

  @Test
  void nodeSelectorNeedsEveryLabel() {
    Node n = node("m").labels("foo", "bar", "baz", "blah").build();
    assertThat(selects(pod("p").build(), n)).as("no selector").isTrue();
    assertThat(selects(pod("p").nodeSelector("foo", "bar").build(), n)).isTrue();
    assertThat(selects(pod("p").nodeSelector("foo", "bar").nodeSelector("baz", "blah").build(), n))
        .isTrue();
    assertThat(selects(pod("p").nodeSelector("foo", "bar").nodeSelector("baz", "x").build(), n))
        .isFalse();
    assertThat(selects(pod("p").nodeSelector("foo", "bar").build(), node("m").build()))
        .as("no labels")
        .isFalse();
  }

  @Test
  void requiredNodeAffinityTermsAreOred() {
    Node n = node("m").labels("foo", "bar").build();
    Pod p = withRequired(terms(term(expr("foo", "In", "x")), term(expr("foo", "In", "bar"))));
    assertThat(selects(p, n)).isTrue();
    Pod none = withRequired(terms(term(expr("foo", "In", "x")), term(expr("kernel", "Exists"))));
    assertThat(selects(none, n)).isFalse();
  }

  @Test
  void expressionsWithinATermAreAnded() {
    Node n = node("m").labels("foo", "bar", "GPU", "2").build();
    assertThat(
            selects(withRequired(terms(term(expr("foo", "In", "bar"), expr("GPU", "Gt", "1")))), n))
        .isTrue();
    assertThat(
            selects(withRequired(terms(term(expr("foo", "In", "bar"), expr("GPU", "Gt", "2")))), n))
        .isFalse();
    assertThat(selects(withRequired(terms(term(expr("foo", "NotIn", "bar")))), n)).isFalse();
    assertThat(selects(withRequired(terms(term(expr("missing", "DoesNotExist")))), n)).isTrue();
  }

  @Test
  void emptyTermsMatchNothingButNoRequiredBlockMatchesEverything() {
    Node n = node("m").labels("foo", "bar").build();
    assertThat(selects(withRequired(terms()), n)).as("required with no terms").isFalse();
    assertThat(selects(withRequired(terms(new NodeSelectorTerm())), n))
        .as("one empty term")
        .isFalse();
    Pod onlyPreferred =
        pod("p").preferredNodeAffinity(10, term(expr("foo", "In", "other"))).build();
    assertThat(selects(onlyPreferred, n)).as("only preferred").isTrue();
  }

  @Test
  void nodeSelectorAndAffinityMustBothMatch() {
    Node n = node("m").labels("foo", "bar").build();
    Pod p = withRequired(terms(term(expr("foo", "Exists"))));
    p.getSpec().getNodeSelector().put("foo", "other");
    assertThat(selects(p, n)).isFalse();
    p.getSpec().getNodeSelector().put("foo", "bar");
    assertThat(selects(p, n)).isTrue();
  }

  @Test
  void matchFieldsSelectsByNodeName() {
    Pod p = withRequired(terms(fieldTerm("In", "node-1")));
    assertThat(selects(p, node("node-1").build())).isTrue();
    assertThat(selects(p, node("node-2").build())).isFalse();
  }

  // ---- GeneralPredicates

  @Test
  void generalPredicatesReportsEveryReasonWithoutShortCircuiting() {
    Node n = node("machine2").allocatable("10m", "20").pods(32).build();
    Pod existing =
        pod("e").requests("9m", "19").hostPort(8080, "TCP", "").nodeName("machine2").build();
    Pod p =
        pod("p").requests("8m", "10").hostPort(8080, "TCP", "").nodeSelector("disk", "ssd").build();
    p.getSpec().setNodeName("machine1");
    PredicateResult r = GeneralPredicates.generalPredicates(p, null, nodeInfo(n, existing));
    assertThat(reasons(r))
        .containsExactly(
            "Insufficient cpu",
            "Insufficient memory",
            "node(s) didn't match the requested hostname",
            "node(s) didn't have free ports for the requested pod ports",
            "node(s) didn't match node selector");
  }

  @Test
  void generalPredicatesFitsWhenAllFit() {
    Node n = node("machine1").allocatable("10m", "20").pods(32).build();
    Pod p = pod("p").requests("8m", "10").build();
    assertThat(GeneralPredicates.generalPredicates(p, null, nodeInfo(n)).fits()).isTrue();
  }
}
