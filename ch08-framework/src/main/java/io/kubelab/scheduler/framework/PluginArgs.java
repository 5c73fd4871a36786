package io.kubelab.scheduler.framework;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The arguments a plugin factory receives: the {@code args} of the plugin's {@code pluginConfig}
 * entry, undecoded, and where they came from.
 *
 * <p>Upstream: the {@code *runtime.Unknown} passed to a {@code PluginFactory} and {@code
 * DecodeInto} in {@code pkg/scheduler/framework/v1alpha1/registry.go} (v1.18). Upstream decodes
 * with {@code encoding/json}, which ignores unknown fields and matches names case-insensitively;
 * here decoding is strict: an unknown or misspelt field, or a value of the wrong type, is an error
 * naming the field ({@code profiles[0].pluginConfig[1].args.hardPodAffinityWeight: ...}), since a
 * silently ignored argument is a silently wrong scheduler.
 */
public final class PluginArgs {

  /** No arguments: every plugin gets its defaults. */
  public static final PluginArgs NONE = new PluginArgs(null, null);

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .build();

  private final JsonNode raw;
  private final String origin;

  private PluginArgs(JsonNode raw, String origin) {
    this.raw = raw;
    this.origin = origin;
  }

  /**
   * @param raw the arguments as a JSON tree, or null for none
   * @param origin the configuration field they were read from, for messages; may be null
   */
  public static PluginArgs of(JsonNode raw, String origin) {
    return raw == null || raw.isNull() || raw.isMissingNode() ? NONE : new PluginArgs(raw, origin);
  }

  /** The raw tree, or null. */
  public JsonNode raw() {
    return raw;
  }

  public boolean isEmpty() {
    return raw == null;
  }

  /**
   * {@code DecodeInto}: the arguments as a {@code type}, or {@code defaults} when there are none.
   *
   * @throws IllegalArgumentException naming the field for an unknown field or a mistyped value
   */
  public <T> T decode(Class<T> type, Supplier<T> defaults) {
    if (raw == null) {
      return defaults.get();
    }
    try {
      return MAPPER.treeToValue(raw, type);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(describe(e), e);
    }
  }

  private String describe(JacksonException e) {
    StringBuilder path = new StringBuilder(origin == null ? "args" : origin);
    List<JacksonException.Reference> refs = e.getPath();
    for (int i = 0; i < refs.size(); i++) {
      JacksonException.Reference r = refs.get(i);
      boolean last = i == refs.size() - 1;
      if (r.getPropertyName() != null) {
        if (last && e instanceof UnrecognizedPropertyException) {
          break;
        }
        path.append('.').append(r.getPropertyName());
      } else if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
      }
    }
    String problem;
    if (e instanceof UnrecognizedPropertyException u) {
      List<String> known = new ArrayList<>();
      if (u.getKnownPropertyIds() != null) {
        u.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
      }
      known.sort(null);
      problem =
          "unknown field \"" + u.getPropertyName() + "\" (known: " + String.join(", ", known) + ")";
    } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      problem = "cannot be read as " + typeName(m.getTargetType());
    } else {
      problem = e.getOriginalMessage();
    }
    return path + ": " + problem;
  }

  private static String typeName(Class<?> t) {
    if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
      return "an integer";
    }
    if (t == boolean.class || t == Boolean.class) {
      return "a boolean";
    }
    if (t == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(t) || t.isArray()) {
      return "a list";
    }
    return "an object (" + t.getSimpleName() + ")";
  }

  @Override
  public String toString() {
    return raw == null ? "<none>" : raw.toString();
  }
}
