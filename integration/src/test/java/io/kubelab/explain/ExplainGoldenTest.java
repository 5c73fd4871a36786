package io.kubelab.explain;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.apimachinery.manifest.Manifest;
import io.kubelab.apimachinery.manifest.Manifests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * For a fixed cluster and seed, {@code kubelab schedule -o json} prints exactly the checked-in
 * explanation ({@code golden-<profile>.json} next to {@code golden-cluster.yaml}). A change to any
 * plugin's verdict, score or message, to the recorder or to the annotation shapes shows up here as
 * a diff of the two documents.
 */
class ExplainGoldenTest {

  static final JsonMapper JSON = JsonMapper.builder().build();

  static String resource(String name) {
    try (InputStream in = ExplainGoldenTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static Manifest cluster() {
    return Manifests.parse(resource("golden-cluster.yaml"), "golden-cluster.yaml");
  }

  static List<PodResult> run(SchedulerProfile profile) {
    try (FrameworkSimulation sim = new FrameworkSimulation(cluster(), profile, 1)) {
      return sim.run();
    }
  }

  static SchedulerProfile profile(String name) {
    return SchedulerProfile.resolve(
        name,
        f -> {
          throw new AssertionError("no file " + f);
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"default-1.18", "legacy-1.17"})
  void theJsonExplanationEqualsTheCheckedInFile(String profile) {
    String actual = ExplainOutput.json(run(profile(profile)));
    JsonNode expected = JSON.readTree(resource("golden-" + profile + ".json"));

    assertThat(JSON.readTree(actual)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"default-1.18", "legacy-1.17"})
  void theYamlExplanationIsTheSameDocument(String profile) {
    List<PodResult> results = run(profile(profile));
    JsonNode yaml =
        tools.jackson.dataformat.yaml.YAMLMapper.builder()
            .build()
            .readTree(ExplainOutput.yaml(results));

    assertThat(yaml).isEqualTo(JSON.readTree(ExplainOutput.json(results)));
  }
}
