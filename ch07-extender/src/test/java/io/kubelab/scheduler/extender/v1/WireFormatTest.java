package io.kubelab.scheduler.extender.v1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The messages on the wire, one JSON fixture per message kind and direction, written from
 * upstream's v1.17 types ({@code pkg/scheduler/apis/extender/v1/types.go}): untagged, so Go writes
 * the field names as declared and a nil pointer, slice or map as {@code null}. Each fixture exists
 * twice: as a v1.17 kube-scheduler writes it, and in lower case (the tags of the 1.15 types), which
 * Go's case-insensitive decoder reads as the same message.
 */
class WireFormatTest {

  /** An independent reader: plain Jackson trees, no knowledge of the message types. */
  private static final ObjectMapper TREES = JsonMapper.builder().build();

  static Stream<Arguments> fixtures() {
    return Stream.of(
        Arguments.of("ExtenderArgs-nodes", ExtenderArgs.class),
        Arguments.of("ExtenderArgs-names", ExtenderArgs.class),
        Arguments.of("ExtenderFilterResult", ExtenderFilterResult.class),
        Arguments.of("HostPriorityList", HostPriorityList.class),
        Arguments.of("ExtenderBindingArgs", ExtenderBindingArgs.class),
        Arguments.of("ExtenderBindingResult", ExtenderBindingResult.class),
        Arguments.of("ExtenderPreemptionArgs-victims", ExtenderPreemptionArgs.class),
        Arguments.of("ExtenderPreemptionArgs-meta", ExtenderPreemptionArgs.class),
        Arguments.of("ExtenderPreemptionResult", ExtenderPreemptionResult.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void aMessageInGoSpellingReEncodesToTheSameTree(String fixture, Class<?> type) {
    byte[] go = fixture(fixture + ".json");
    Object message = ExtenderJson.decode(go, type);
    assertThat(tree(ExtenderJson.encode(message))).isEqualTo(tree(go));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void theLowerCaseSpellingDecodesToTheSameMessage(String fixture, Class<?> type) {
    Object fromLower = ExtenderJson.decode(fixture(fixture + ".lower.json"), type);
    Object fromGo = ExtenderJson.decode(fixture(fixture + ".json"), type);
    assertThat(fromLower).isEqualTo(fromGo);
    assertThat(tree(ExtenderJson.encode(fromLower))).isEqualTo(tree(fixture(fixture + ".json")));
  }

  @Test
  void theSchedulerWritesGoFieldNamesAndNullForWhatItLeavesOut() {
    ExtenderArgs args = new ExtenderArgs(null, null, List.of("n1"));
    assertThat(new String(ExtenderJson.encode(args), StandardCharsets.UTF_8))
        .isEqualTo("{\"Pod\":null,\"Nodes\":null,\"NodeNames\":[\"n1\"]}");
    assertThat(
            new String(
                ExtenderJson.encode(new ExtenderBindingArgs("p", "ns", "u-1", "n1")),
                StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"PodName\":\"p\",\"PodNamespace\":\"ns\",\"PodUID\":\"u-1\",\"Node\":\"n1\"}");
    assertThat(
            new String(
                ExtenderJson.encode(
                    new ExtenderPreemptionResult(
                        Map.of(
                            "b",
                            new MetaVictims(List.of(new MetaPod("u")), 0),
                            "a",
                            new MetaVictims(null, 2)))),
                StandardCharsets.UTF_8))
        .as("map keys sorted, as Go writes them")
        .isEqualTo(
            "{\"NodeNameToMetaVictims\":{\"a\":{\"Pods\":null,\"NumPDBViolations\":2},"
                + "\"b\":{\"Pods\":[{\"UID\":\"u\"}],\"NumPDBViolations\":0}}}");
  }

  @Test
  void fieldNamesAreMatchedInAnyCase() {
    ExtenderFilterResult r =
        ExtenderJson.decode(
            "{\"NODENAMES\":[\"a\"],\"failednodes\":{\"b\":\"no\"},\"eRRoR\":\"x\"}"
                .getBytes(StandardCharsets.UTF_8),
            ExtenderFilterResult.class);
    assertThat(r.nodeNames()).containsExactly("a");
    assertThat(r.failedNodes()).containsExactly(Map.entry("b", "no"));
    assertThat(r.error()).isEqualTo("x");
  }

  @Test
  void unknownFieldsAreIgnoredAndNullMeansEveryFieldZero() {
    ExtenderFilterResult r =
        ExtenderJson.decode(
            "{\"FailedAndUnresolvableNodes\":{\"n\":\"later releases\"}}"
                .getBytes(StandardCharsets.UTF_8),
            ExtenderFilterResult.class);
    assertThat(r).isEqualTo(new ExtenderFilterResult(null, null, null, ""));
    assertThat(ExtenderJson.decode("null".getBytes(StandardCharsets.UTF_8), HostPriorityList.class))
        .isEqualTo(new HostPriorityList(List.of()));
  }

  @Test
  void absentStringsAreGosEmptyString() {
    byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
    assertThat(ExtenderJson.decode(empty, ExtenderBindingArgs.class))
        .isEqualTo(new ExtenderBindingArgs("", "", "", ""));
    assertThat(new ExtenderBindingArgs(null, null, null, null))
        .isEqualTo(new ExtenderBindingArgs("", "", "", ""));
    assertThat(ExtenderJson.decode(empty, ExtenderBindingResult.class).error()).isEmpty();
    assertThat(new MetaPod(null).uid()).isEmpty();
    assertThat(new HostPriority(null, 3)).isEqualTo(new HostPriority("", 3));
    assertThat(new ExtenderBindingResult(null).error()).isEmpty();
    assertThat(new HostPriorityList(null).hosts()).isEmpty();
    assertThat(
            ExtenderJson.decode(
                    "[{},{\"Score\":2}]".getBytes(StandardCharsets.UTF_8), HostPriorityList.class)
                .hosts())
        .containsExactly(new HostPriority("", 0), new HostPriority("", 2));
    assertThat(
            ExtenderJson.decode(
                    "{\"NodeNameToMetaVictims\":{\"n\":{\"Pods\":[{}]}}}"
                        .getBytes(StandardCharsets.UTF_8),
                    ExtenderPreemptionResult.class)
                .nodeNameToMetaVictims()
                .get("n")
                .pods())
        .containsExactly(new MetaPod(""));
  }

  @Test
  void malformedOrMistypedJsonIsAnErrorNamingTheMessage() {
    assertThatThrownBy(() -> ExtenderJson.decode(new byte[0], ExtenderFilterResult.class))
        .isInstanceOf(ExtenderJson.MalformedMessageException.class)
        .hasMessage("EOF");
    assertThatThrownBy(
            () ->
                ExtenderJson.decode(
                    " \t\r\n".getBytes(StandardCharsets.UTF_8), ExtenderFilterResult.class))
        .as("white space only is no value either")
        .hasMessage("EOF");
    assertThatThrownBy(
            () ->
                ExtenderJson.decode(
                    "{\"Error\":".getBytes(StandardCharsets.UTF_8), ExtenderFilterResult.class))
        .hasMessageStartingWith("cannot decode ExtenderFilterResult: ");
    assertThatThrownBy(
            () ->
                ExtenderJson.decode(
                    "[{\"Host\":\"n\",\"Score\":\"7\"}]".getBytes(StandardCharsets.UTF_8),
                    HostPriorityList.class))
        .as("Go does not turn a string into an int64")
        .hasMessageStartingWith("cannot decode HostPriorityList: ");
    assertThatThrownBy(
            () ->
                ExtenderJson.decode(
                    "[{\"Host\":\"n\",\"Score\":7.5}]".getBytes(StandardCharsets.UTF_8),
                    HostPriorityList.class))
        .as("nor a fraction")
        .hasMessageStartingWith("cannot decode HostPriorityList: ");
  }

  private static JsonNode tree(byte[] json) {
    return TREES.readTree(json);
  }

  private static byte[] fixture(String name) {
    try (InputStream in = WireFormatTest.class.getResourceAsStream("/wire/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
