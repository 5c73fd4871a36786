package io.kubelab.scheduler.algorithm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.kubelab.scheduler.algorithm.PredicateFailureReason.FailureReason;
import io.kubelab.scheduler.algorithm.PredicateFailureReason.InsufficientResourceError;
import io.kubelab.scheduler.algorithm.PredicateFailureReason.PredicateFailureError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The FitError message for generated mixes of failures. */
class FitErrorPropertyTest {

  /** Upstream's v1.17 reason strings, and a few of the free-form kind. */
  static final List<PredicateFailureReason> POOL =
      List.of(
          new PredicateFailureError("MatchNodeSelector", "node(s) didn't match node selector"),
          new PredicateFailureError(
              "PodToleratesNodeTaints", "node(s) had taints that the pod didn't tolerate"),
          new PredicateFailureError(
              "PodFitsHostPorts", "node(s) didn't have free ports for the requested pod ports"),
          new PredicateFailureError(
              "MatchInterPodAffinity", "node(s) didn't match pod affinity/anti-affinity"),
          new PredicateFailureError("CheckNodeUnschedulable", "node(s) were unschedulable"),
          new PredicateFailureError("NoDiskConflict", "node(s) had no available disk"),
          new InsufficientResourceError("cpu", 1000, 3500, 4000),
          new InsufficientResourceError("memory", 1 << 30, 7L << 30, 8L << 30),
          new InsufficientResourceError("nvidia.com/gpu", 1, 1, 1),
          new FailureReason("extender said no"));

  static final Pattern FORMAT =
      Pattern.compile("0/(\\d+) nodes are available: ((\\d+) ([^,]+))((, (\\d+) ([^,]+))*)\\.");

  @Test
  void theMessageIsAHistogramOfReasonsSortedAsStrings() {
    qt().withFixedSeed(41L)
        .withExamples(400)
        .forAll(integers().between(1, 300), integers().between(1, 3), longs().all())
        .checkAssert(
            (nodes, maxReasons, seed) -> {
              SplittableRandom r = new SplittableRandom(seed);
              Map<String, List<PredicateFailureReason>> failed = new LinkedHashMap<>();
              Map<String, Integer> histogram = new HashMap<>();
              for (int i = 0; i < nodes; i++) {
                List<PredicateFailureReason> reasons = new ArrayList<>();
                int k = 1 + r.nextInt(maxReasons);
                for (int j = 0; j < k; j++) {
                  PredicateFailureReason reason = POOL.get(r.nextInt(POOL.size()));
                  reasons.add(reason);
                  histogram.merge(reason.getReason(), 1, Integer::sum);
                }
                failed.put("node-" + i, reasons);
              }
              String message = new FitError(TestCluster.pod("p"), nodes + 5, failed).getMessage();

              Matcher m = FORMAT.matcher(message);
              assertThat(m.matches()).as(message).isTrue();
              assertThat(m.group(1)).isEqualTo(String.valueOf(nodes + 5));
              String body = message.substring(message.indexOf(": ") + 2, message.length() - 1);
              List<String> entries = List.of(body.split(", "));
              assertThat(entries).as("sorted as strings").isSorted();
              Map<String, Integer> parsed = new HashMap<>();
              for (String e : entries) {
                int space = e.indexOf(' ');
                parsed.put(e.substring(space + 1), Integer.parseInt(e.substring(0, space)));
              }
              assertThat(parsed).isEqualTo(histogram);
            });
  }
}
