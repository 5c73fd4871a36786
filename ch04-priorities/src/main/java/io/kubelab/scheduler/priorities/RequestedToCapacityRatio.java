package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.algorithm.NodeScoreList.MAX_NODE_SCORE;
import static io.kubelab.scheduler.algorithm.NodeScoreList.MIN_NODE_SCORE;

import io.kubelab.scheduler.algorithm.AlgorithmFactories.MapReduce;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.algorithm.policy.Policy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * RequestedToCapacityRatioPriority: scores each resource's utilization with a piecewise-linear
 * ("broken linear") function the Policy chooses, then averages over the resources.
 *
 * <p>Upstream: {@code requested_to_capacity_ratio.go} (v1.17) and, for the Policy argument, {@code
 * buildScoringFunctionShapeFromRequestedToCapacityRatioArguments} in {@code
 * pkg/scheduler/algorithm_factory.go}. Per resource the utilization is {@code 100 − (capacity −
 * requested) × 100 / capacity} (integer), or 100 when the node has no capacity or the request
 * exceeds it; the shape maps it to a score by integer interpolation between its points, holding the
 * first point's score below and the last point's above. The node's score is {@code round(Σ score ×
 * weight / Σ weight)} over the resources whose score is positive, 0 if none is. The default shape
 * (0 % → 100, 100 % → 0) favours idle nodes. A Policy gives the points on a 0..10 score scale
 * ({@code MaxCustomPriorityScore}); they are multiplied by 10 before the shape is checked.
 */
public final class RequestedToCapacityRatio {

  private RequestedToCapacityRatio() {}

  static final long MIN_UTILIZATION = 0;
  static final long MAX_UTILIZATION = 100;
  static final long MIN_SCORE = MIN_NODE_SCORE;
  static final long MAX_SCORE = MAX_NODE_SCORE;

  /**
   * One point of the shape.
   *
   * @param utilization x, 0..100 (percent)
   * @param score y, 0..100
   */
  public record FunctionShapePoint(long utilization, long score) {}

  /**
   * A validated shape: at least one point, utilizations strictly increasing within 0..100, scores
   * within 0..100. Upstream: {@code FunctionShape} and {@code NewFunctionShape}.
   */
  public record FunctionShape(List<FunctionShapePoint> points) {

    /**
     * @throws IllegalArgumentException with upstream's message (including its "valuses" typo)
     */
    public FunctionShape {
      points = List.copyOf(points);
      int n = points.size();
      if (n == 0) {
        throw new IllegalArgumentException("at least one point must be specified");
      }
      for (int i = 1; i < n; i++) {
        if (points.get(i - 1).utilization() >= points.get(i).utilization()) {
          throw new IllegalArgumentException(
              String.format(
                  "utilization values must be sorted. Utilization[%d]==%d >= Utilization[%d]==%d",
                  i - 1, points.get(i - 1).utilization(), i, points.get(i).utilization()));
        }
      }
      for (int i = 0; i < n; i++) {
        FunctionShapePoint p = points.get(i);
        if (p.utilization() < MIN_UTILIZATION) {
          throw new IllegalArgumentException(
              String.format(
                  "utilization values must not be less than %d. Utilization[%d]==%d",
                  MIN_UTILIZATION, i, p.utilization()));
        }
        if (p.utilization() > MAX_UTILIZATION) {
          throw new IllegalArgumentException(
              String.format(
                  "utilization values must not be greater than %d. Utilization[%d]==%d",
                  MAX_UTILIZATION, i, p.utilization()));
        }
        if (p.score() < MIN_SCORE) {
          throw new IllegalArgumentException(
              String.format(
                  "score values must not be less than %d. Score[%d]==%d", MIN_SCORE, i, p.score()));
        }
        if (p.score() > MAX_SCORE) {
          throw new IllegalArgumentException(
              String.format(
                  "score valuses not be greater than %d. Score[%d]==%d", MAX_SCORE, i, p.score()));
        }
      }
    }

    /** A shape of (utilization, score) pairs: {@code of(0, 100, 100, 0)}. */
    public static FunctionShape of(long... utilizationScorePairs) {
      if (utilizationScorePairs.length % 2 != 0) {
        throw new IllegalArgumentException("utilization and score come in pairs");
      }
      List<FunctionShapePoint> pts = new ArrayList<>();
      for (int i = 0; i < utilizationScorePairs.length; i += 2) {
        pts.add(new FunctionShapePoint(utilizationScorePairs[i], utilizationScorePairs[i + 1]));
      }
      return new FunctionShape(pts);
    }
  }

  /** {@code defaultFunctionShape}: an idle node scores 100, a full one 0. */
  public static final FunctionShape DEFAULT_FUNCTION_SHAPE =
      FunctionShape.of(0, MAX_NODE_SCORE, 100, MIN_NODE_SCORE);

  /**
   * {@code validateResourceWeightMap}.
   *
   * @throws IllegalArgumentException {@code resourceToWeightMap cannot be nil} or {@code resource
   *     cpu weight -1 must not be less than 1}
   */
  static void validateResourceWeightMap(ResourceToWeightMap resourceToWeightMap) {
    if (resourceToWeightMap.isEmpty()) {
      throw new IllegalArgumentException("resourceToWeightMap cannot be nil");
    }
    for (int i = 0; i < resourceToWeightMap.size(); i++) {
      if (resourceToWeightMap.weight(i) < 1) {
        throw new IllegalArgumentException(
            "resource "
                + resourceToWeightMap.name(i)
                + " weight "
                + resourceToWeightMap.weight(i)
                + " must not be less than 1");
      }
    }
  }

  /** {@code RequestedToCapacityRatioResourceAllocationPriorityDefault}. */
  public static ResourceAllocationPriority
      requestedToCapacityRatioResourceAllocationPriorityDefault() {
    return requestedToCapacityRatioResourceAllocationPriority(
        DEFAULT_FUNCTION_SHAPE, ResourceToWeightMap.DEFAULT_REQUESTED_RATIO_RESOURCES);
  }

  /**
   * {@code RequestedToCapacityRatioResourceAllocationPriority}.
   *
   * @throws IllegalArgumentException when a weight is below 1 or there are no resources (upstream
   *     logs this and goes on; a weight below 1 would then pull scores below zero)
   */
  public static ResourceAllocationPriority requestedToCapacityRatioResourceAllocationPriority(
      FunctionShape scoringFunctionShape, ResourceToWeightMap resourceToWeightMap) {
    return new ResourceAllocationPriority(
        "RequestedToCapacityRatioResourceAllocationPriority",
        buildRequestedToCapacityRatioScorerFunction(scoringFunctionShape, resourceToWeightMap),
        resourceToWeightMap);
  }

  static ResourceAllocationPriority.Scorer buildRequestedToCapacityRatioScorerFunction(
      FunctionShape scoringFunctionShape, ResourceToWeightMap resourceToWeightMap) {
    LongUnaryOperator rawScoringFunction = buildBrokenLinearFunction(scoringFunctionShape);
    validateResourceWeightMap(resourceToWeightMap);
    return (requested, allocable, includeVolumes, requestedVolumes, allocatableVolumes) -> {
      long nodeScore = 0;
      long weightSum = 0;
      for (int i = 0; i < resourceToWeightMap.size(); i++) {
        long resourceScore = resourceScore(rawScoringFunction, requested[i], allocable[i]);
        if (resourceScore > 0) {
          nodeScore += resourceScore * resourceToWeightMap.weight(i);
          weightSum += resourceToWeightMap.weight(i);
        }
      }
      if (weightSum == 0) {
        return 0;
      }
      // Go's math.Round; the quotient is never negative, where Math.round would differ.
      return Math.round((double) nodeScore / (double) weightSum);
    };
  }

  /** One resource's score: the shape at the utilization, or at 100 % when it does not fit. */
  static long resourceScore(LongUnaryOperator rawScoringFunction, long requested, long capacity) {
    if (capacity == 0 || requested > capacity) {
      return rawScoringFunction.applyAsLong(MAX_UTILIZATION);
    }
    return rawScoringFunction.applyAsLong(
        MAX_UTILIZATION - (capacity - requested) * MAX_UTILIZATION / capacity);
  }

  /**
   * {@code buildBrokenLinearFunction}: {@code shape[0].score} at or below the first point, {@code
   * shape[n−1].score} above the last, and between two points the integer interpolation {@code
   * s[i−1] + (s[i] − s[i−1]) × (p − u[i−1]) / (u[i] − u[i−1])}.
   */
  public static LongUnaryOperator buildBrokenLinearFunction(FunctionShape shape) {
    List<FunctionShapePoint> pts = shape.points();
    int n = pts.size();
    long[] u = new long[n];
    long[] s = new long[n];
    for (int i = 0; i < n; i++) {
      u[i] = pts.get(i).utilization();
      s[i] = pts.get(i).score();
    }
    return p -> {
      for (int i = 0; i < n; i++) {
        if (p <= u[i]) {
          if (i == 0) {
            return s[0];
          }
          return s[i - 1] + (s[i] - s[i - 1]) * (p - u[i - 1]) / (u[i] - u[i - 1]);
        }
      }
      return s[n - 1];
    };
  }

  /**
   * The Policy argument: {@code buildScoringFunctionShapeFromRequestedToCapacityRatioArguments}.
   * Scores are scaled by {@code MaxNodeScore / MaxCustomPriorityScore}; no resources means cpu and
   * memory with weight 1; a weight of 0 means 1 (a repeated name keeps its last weight).
   *
   * @throws IllegalArgumentException {@code invalid RequestedToCapacityRatioPriority arguments:
   *     ...} (upstream exits the process)
   */
  public static ResourceAllocationPriority fromPolicy(
      Policy.RequestedToCapacityRatioArguments arguments) {
    long scale = MAX_NODE_SCORE / Policies.MAX_CUSTOM_PRIORITY_SCORE;
    try {
      List<FunctionShapePoint> points = new ArrayList<>();
      for (Policy.UtilizationShapePoint p : arguments.shape()) {
        points.add(new FunctionShapePoint(p.utilization(), p.score() * scale));
      }
      FunctionShape shape = new FunctionShape(points);
      ResourceToWeightMap resources;
      if (arguments.resources().isEmpty()) {
        resources = ResourceToWeightMap.DEFAULT_REQUESTED_RATIO_RESOURCES;
      } else {
        Map<String, Long> weights = new LinkedHashMap<>();
        for (int i = 0; i < arguments.resources().size(); i++) {
          Policy.ResourceSpec r = arguments.resources().get(i);
          if (r.name() == null || r.name().isEmpty()) {
            throw new IllegalArgumentException("resources[" + i + "].name is required");
          }
          weights.put(r.name(), r.weight() == 0 ? 1 : r.weight());
        }
        resources = ResourceToWeightMap.of(weights);
      }
      return requestedToCapacityRatioResourceAllocationPriority(shape, resources);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid RequestedToCapacityRatioPriority arguments: " + e.getMessage(), e);
    }
  }

  /**
   * The custom-priority factory Configurator calls for {@code requestedToCapacityRatioArguments}
   * (Policy validation allows one such argument).
   */
  static MapReduce customPriority(
      List<Policy.PriorityArgument> arguments, AlgorithmFactoryArgs args) {
    Policy.PriorityArgument last = arguments.get(arguments.size() - 1);
    return new MapReduce(fromPolicy(last.requestedToCapacityRatioArguments()), null);
  }
}
