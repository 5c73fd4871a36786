package io.kubelab.apimachinery.bench;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.kubelab.apimachinery.labels.CompiledNodeSelector;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.NodeSelectors;
import io.kubelab.apimachinery.labels.Selector;
import io.kubelab.apimachinery.taints.Tolerations;
import io.kubelab.apimachinery.testing.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Selector matching, the inner loop of inter-pod affinity, spreading and node affinity: one
 * compiled label selector against one pod's labels, node selector terms against one node, and
 * taints against tolerations.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SelectorBenchmark {

  private Selector selector;
  private Map<String, String> matchingLabels;
  private Map<String, String> otherLabels;
  private List<NodeSelectorTerm> terms;
  private CompiledNodeSelector compiled;
  private Node node;
  private List<Taint> taints;
  private List<Toleration> tolerations;

  @Setup
  public void setUp() {
    selector =
        LabelSelectors.compile(
            Fixtures.matchExpressions(
                Fixtures.labelExpr("app", "In", "web", "api"),
                Fixtures.labelExpr("tier", "NotIn", "db"),
                Fixtures.labelExpr("env", "Exists")),
            "bench");
    matchingLabels =
        Map.of("app", "web", "tier", "front", "env", "prod", "pod-template-hash", "7d9f8c");
    otherLabels = Map.of("app", "db", "tier", "db", "env", "prod");
    terms =
        List.of(
            Fixtures.term(Fixtures.expr(Fixtures.LABEL_ZONE, "In", "zone-x")),
            Fixtures.term(
                Fixtures.expr(Fixtures.LABEL_ZONE, "In", "zone-a", "zone-b"),
                Fixtures.expr("cores", "Gt", "8")));
    compiled = CompiledNodeSelector.compile(terms);
    node = Fixtures.node("n1").zone("zone-a").label("cores", "16").build();
    taints =
        List.of(
            Fixtures.taint("dedicated", "web", "NoSchedule"),
            Fixtures.taint("gpu", null, "PreferNoSchedule"));
    tolerations =
        List.of(
            Fixtures.toleration("node.kubernetes.io/not-ready", "Exists", null, "NoExecute"),
            Fixtures.toleration("dedicated", "Equal", "web", "NoSchedule"));
  }

  @Benchmark
  public boolean labelSelectorMatches() {
    return selector.matches(matchingLabels);
  }

  @Benchmark
  public boolean labelSelectorMisses() {
    return selector.matches(otherLabels);
  }

  @Benchmark
  public boolean nodeSelectorTerms() {
    return NodeSelectors.matchesAnyTerm(terms, node);
  }

  @Benchmark
  public boolean nodeSelectorTermsCompiled() {
    return compiled.matches(node);
  }

  @Benchmark
  public boolean taintsTolerated() {
    return Tolerations.tolerateAll(
        taints, tolerations, t -> !Tolerations.EFFECT_PREFER_NO_SCHEDULE.equals(t.getEffect()));
  }
}
