package io.kubelab.scheduler.extender.v1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encodes and decodes the extender messages as Go's {@code encoding/json} does for upstream's
 * untagged types, so that both sides of the wire agree with a v1.17/v1.18 kube-scheduler:
 *
 * <ul>
 *   <li>field names are written as Go declares them ({@code Pod}, {@code NodeNames}, {@code
 *       NumPDBViolations}); a nil pointer, slice or map is written as {@code null}, never left out;
 *   <li>map keys are written sorted, as Go sorts them;
 *   <li>the pods and nodes inside are written without {@code apiVersion} and {@code kind}: the
 *       scheduler's objects come from client-go's typed informers, which leave {@code TypeMeta}
 *       empty, and Go omits it then (fabric8 fills both in every object);
 *   <li>field names are read case-insensitively ({@code nodenames}, {@code NODENAMES} and {@code
 *       NodeNames} are one field), in the messages and in the pods and nodes inside them, which Go
 *       also reads with {@code encoding/json};
 *   <li>unknown fields are ignored; after the first JSON value anything is ignored, as {@code
 *       json.Decoder.Decode} reads one value;
 *   <li>types are strict: a string where a number belongs, or a number with a fraction where an
 *       integer belongs, is an error.
 * </ul>
 *
 * <p>Upstream counterpart: {@code json.Marshal} and {@code json.NewDecoder(...).Decode} in {@code
 * HTTPExtender.send} ({@code pkg/scheduler/core/extender.go}, v1.17). Go's error texts for
 * malformed JSON are not reproduced; ours are Jackson's, with the message type.
 */
public final class ExtenderJson {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .addMixIn(Pod.class, WithoutTypeMeta.class)
          .addMixIn(Node.class, WithoutTypeMeta.class)
          .addMixIn(NodeList.class, WithoutTypeMeta.class)
          .build();

  /** Leaves {@code apiVersion} and {@code kind} out when writing, still reads them. */
  @JsonIgnoreProperties(
      value = {"apiVersion", "kind"},
      allowSetters = true)
  private abstract static class WithoutTypeMeta {}

  private static volatile boolean warm;

  private ExtenderJson() {}

  /**
   * Builds Jackson's serializers and deserializers for every message type and the pod and node
   * types inside them, once per JVM. The first message otherwise pays for it: hundreds of fabric8
   * classes, a noticeable part of a call's timeout on a busy machine.
   */
  public static void warmUp() {
    if (warm) {
      return;
    }
    for (Class<?> type :
        List.of(
            ExtenderArgs.class,
            ExtenderFilterResult.class,
            HostPriorityList.class,
            ExtenderBindingArgs.class,
            ExtenderBindingResult.class,
            ExtenderPreemptionArgs.class,
            ExtenderPreemptionResult.class)) {
      byte[] json = encode(decode(type == HostPriorityList.class ? EMPTY_LIST : EMPTY, type));
      decode(json, type);
    }
    MAPPER.writeValueAsBytes(new Pod());
    MAPPER.writeValueAsBytes(new Node());
    warm = true;
  }

  /** The JSON of {@code message}, as a v1.17 kube-scheduler (or extender) writes it. */
  public static byte[] encode(Object message) {
    return MAPPER.writeValueAsBytes(message);
  }

  /**
   * Reads one message.
   *
   * @return the message; a {@code null} document gives the message with every field zero, as Go
   *     leaves its target untouched
   * @throws MalformedMessageException for an empty body ({@code EOF}, Go's text), malformed JSON or
   *     a value of the wrong type, naming the message type
   */
  public static <T> T decode(byte[] json, Class<T> type) {
    if (isBlank(json)) {
      throw new MalformedMessageException("EOF");
    }
    T value;
    try {
      value = MAPPER.readValue(json, type);
    } catch (JacksonException e) {
      throw new MalformedMessageException(
          "cannot decode " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
    if (value == null) {
      // Go decodes null into a value by leaving it as it was: every field zero.
      value = MAPPER.readValue(type == HostPriorityList.class ? "[]" : "{}", type);
    }
    return value;
  }

  private static final byte[] EMPTY = "{}".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMPTY_LIST = "[]".getBytes(StandardCharsets.US_ASCII);

  private static boolean isBlank(byte[] json) {
    for (byte b : json) {
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** A message that is not valid JSON for its type. */
  public static final class MalformedMessageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedMessageException(String message) {
      super(message);
    }

    MalformedMessageException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
