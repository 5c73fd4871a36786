package io.kubelab.scheduler.framework;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.NullNode;

/**
 * A plugin's arguments ({@code DecodeInto} of {@code registry.go}, v1.18), decoded strictly: every
 * mistake is an error that names the field, where upstream's {@code encoding/json} would ignore it.
 */
class PluginArgsTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Arguments of every shape the messages distinguish. */
  record Args(
      int weight,
      Long limit,
      boolean strict,
      String mode,
      List<String> resources,
      int[] ports,
      Shape shape) {}

  record Shape(String name, List<Shape> parts) {}

  /** The boxed and long forms read the same as their plain ones. */
  record Counts(Integer count, long size, Boolean verbose) {}

  record Checked(int value) {
    Checked {
      if (value < 0) {
        throw new IllegalArgumentException("value must not be negative");
      }
    }
  }

  private static PluginArgs args(String json) {
    return PluginArgs.of(JSON.readTree(json), "profiles[0].pluginConfig[1].args");
  }

  private static String decodeError(PluginArgs a, Class<?> type) {
    try {
      a.decode(type, () -> null);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    throw new AssertionError("decoded without an error");
  }

  @Test
  void noArgumentsMeansTheDefaults() {
    Args defaults = new Args(1, null, false, "d", List.of(), new int[0], null);
    for (JsonNode none : new JsonNode[] {null, NullNode.getInstance(), MissingNode.getInstance()}) {
      PluginArgs a = PluginArgs.of(none, "somewhere");
      assertThat(a).isSameAs(PluginArgs.NONE);
      assertThat(a.isEmpty()).isTrue();
      assertThat(a.raw()).isNull();
      assertThat(a.decode(Args.class, () -> defaults)).isSameAs(defaults);
    }
    assertThat(PluginArgs.NONE).hasToString("<none>");
  }

  @Test
  void argumentsAreDecodedIntoTheirType() {
    PluginArgs a =
        args(
            "{\"weight\": 3, \"limit\": 9, \"strict\": true, \"mode\": \"m\","
                + " \"resources\": [\"gpu\"], \"ports\": [80], \"shape\": {\"name\": \"s\"}}");

    assertThat(a.isEmpty()).isFalse();
    assertThat(a.raw().get("weight").asInt()).isEqualTo(3);
    assertThat(a).hasToString(a.raw().toString());
    Args decoded = a.decode(Args.class, () -> null);
    assertThat(decoded.weight()).isEqualTo(3);
    assertThat(decoded.limit()).isEqualTo(9L);
    assertThat(decoded.strict()).isTrue();
    assertThat(decoded.resources()).containsExactly("gpu");
    assertThat(decoded.ports()).containsExactly(80);
    assertThat(decoded.shape().name()).isEqualTo("s");
  }

  @Test
  void anUnknownFieldIsNamedWithTheKnownOnesSorted() {
    assertThat(decodeError(args("{\"wieght\": 3}"), Args.class))
        .isEqualTo(
            "profiles[0].pluginConfig[1].args: unknown field \"wieght\" (known: limit, mode, ports,"
                + " resources, shape, strict, weight)");
    assertThat(decodeError(args("{\"shape\": {\"parts\": [{}, {\"nme\": 1}]}}"), Args.class))
        .isEqualTo(
            "profiles[0].pluginConfig[1].args.shape.parts[1]: unknown field \"nme\" (known: name,"
                + " parts)");
  }

  @Test
  void aMistypedValueNamesTheFieldAndTheTypeWanted() {
    assertThat(decodeError(args("{\"weight\": \"heavy\"}"), Args.class))
        .isEqualTo("profiles[0].pluginConfig[1].args.weight: cannot be read as an integer");
    assertThat(decodeError(args("{\"limit\": 1.5}"), Args.class))
        .isEqualTo("profiles[0].pluginConfig[1].args.limit: cannot be read as an integer");
    assertThat(decodeError(args("{\"strict\": \"yes\"}"), Args.class))
        .isEqualTo("profiles[0].pluginConfig[1].args.strict: cannot be read as a boolean");
    assertThat(decodeError(args("{\"mode\": {}}"), Args.class))
        .isEqualTo("profiles[0].pluginConfig[1].args.mode: cannot be read as a string");
    assertThat(decodeError(args("{\"resources\": \"gpu\"}"), Args.class))
        .isEqualTo("profiles[0].pluginConfig[1].args.resources: cannot be read as a list");
    assertThat(decodeError(args("{\"ports\": 80}"), Args.class))
        .isEqualTo("profiles[0].pluginConfig[1].args.ports: cannot be read as a list");
    assertThat(decodeError(args("{\"shape\": {\"parts\": [{}, 7]}}"), Args.class))
        .isEqualTo(
            "profiles[0].pluginConfig[1].args.shape.parts[1]: cannot be read as an object (Shape)");
  }

  @Test
  void boxedAndLongValuesAreNamedLikeTheirPlainForms() {
    assertThat(decodeError(args("{\"count\": \"many\"}"), Counts.class))
        .isEqualTo("profiles[0].pluginConfig[1].args.count: cannot be read as an integer");
    assertThat(decodeError(args("{\"size\": true}"), Counts.class))
        .isEqualTo("profiles[0].pluginConfig[1].args.size: cannot be read as an integer");
    assertThat(decodeError(args("{\"verbose\": 1}"), Counts.class))
        .isEqualTo("profiles[0].pluginConfig[1].args.verbose: cannot be read as a boolean");
  }

  @Test
  void theFirstElementOfAListIsIndexZero() {
    assertThat(decodeError(args("{\"shape\": {\"parts\": [7]}}"), Args.class))
        .isEqualTo(
            "profiles[0].pluginConfig[1].args.shape.parts[0]: cannot be read as an object (Shape)");
  }

  @Test
  void nullIsNotANumber() {
    assertThat(decodeError(args("{\"weight\": null}"), Args.class))
        .isEqualTo("profiles[0].pluginConfig[1].args.weight: cannot be read as an integer");
  }

  @Test
  void aRejectedValueKeepsTheTypesOwnMessage() {
    assertThat(decodeError(args("{\"value\": -1}"), Checked.class))
        .startsWith("profiles[0].pluginConfig[1].args: ")
        .contains("value must not be negative");
  }

  @Test
  void withoutAnOriginThePathStartsAtArgs() {
    assertThat(decodeError(PluginArgs.of(JSON.readTree("{\"x\": 1}"), null), Checked.class))
        .isEqualTo("args: unknown field \"x\" (known: value)");
  }
}
