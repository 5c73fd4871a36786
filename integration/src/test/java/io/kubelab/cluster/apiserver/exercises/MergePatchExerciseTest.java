package io.kubelab.cluster.apiserver.exercises;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Grades {@link MergePatch} with the examples of RFC 7386, Appendix A (target, patch, result), and
 * a Kubernetes-shaped case. Run with {@code -Pexercise}.
 */
@Tag("exercise")
class MergePatchExerciseTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** One example: target, patch, and the expected result. */
  record Example(String target, String patch, String result) {}

  static List<Example> rfc7386AppendixA() {
    return List.of(
        new Example("{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"),
        new Example("{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}"),
        new Example("{\"a\":\"b\"}", "{\"a\":null}", "{}"),
        new Example("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}"),
        new Example("{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"),
        new Example("{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}"),
        new Example(
            "{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}"),
        new Example("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}"),
        new Example("[\"a\",\"b\"]", "[\"c\",\"d\"]", "[\"c\",\"d\"]"),
        new Example("{\"a\":\"b\"}", "[\"c\"]", "[\"c\"]"),
        new Example("{\"a\":\"foo\"}", "null", "null"),
        new Example("{\"a\":\"foo\"}", "\"bar\"", "\"bar\""),
        new Example("{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}"),
        new Example("[1,2]", "{\"a\":\"b\",\"c\":null}", "{\"a\":\"b\"}"),
        new Example("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}"));
  }

  @ParameterizedTest
  @MethodSource("rfc7386AppendixA")
  void followsRfc7386AppendixA(Example example) {
    JsonNode target = JSON.readTree(example.target());
    JsonNode patch = JSON.readTree(example.patch());
    JsonNode targetBefore = target.deepCopy();
    JsonNode patchBefore = patch.deepCopy();
    assertThat(MergePatch.apply(target, patch)).isEqualTo(JSON.readTree(example.result()));
    assertThat(target).as("the target is not changed").isEqualTo(targetBefore);
    assertThat(patch).as("the patch is not changed").isEqualTo(patchBefore);
  }

  @Test
  void kubectlPatchTypeMergeRemovesALabelAndReplacesTheContainerList() {
    JsonNode pod =
        JSON.readTree(
            "{\"metadata\":{\"labels\":{\"app\":\"web\",\"tier\":\"fe\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"},{\"name\":\"b\",\"image\":\"y\"}]}}");
    JsonNode patch =
        JSON.readTree(
            "{\"metadata\":{\"labels\":{\"tier\":null}},\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"z\"}]}}");
    assertThat(MergePatch.apply(pod, patch))
        .isEqualTo(
            JSON.readTree(
                "{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"z\"}]}}"));
  }
}
