package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.priorities.ImageLocality.MB;
import static io.kubelab.scheduler.priorities.TestSupport.expect;
import static io.kubelab.scheduler.priorities.TestSupport.run;
import static io.kubelab.scheduler.priorities.TestSupport.runWithMetadata;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.cache.ImageStateSummary;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Upstream's {@code TestImageLocalityPriority} and {@code TestNormalizedImageName}. */
class ImageLocalityTest {

  private static Pod pod(String... images) {
    Fixtures.PodFixture f = Fixtures.pod("p");
    for (int i = 0; i < images.length; i++) {
      f.container("c" + i).image(images[i]);
    }
    return f.build();
  }

  /** gcr.io/40 (40 MB, three names), gcr.io/300 (300 MB), gcr.io/2000 (2000 MB). */
  private static Node node403002000(String name) {
    return Fixtures.node(name)
        .image(40 * MB, "gcr.io/40:latest", "gcr.io/40:v1", "gcr.io/40:v1")
        .image(300 * MB, "gcr.io/300:latest", "gcr.io/300:v1")
        .image(2000 * MB, "gcr.io/2000:latest")
        .build();
  }

  /** gcr.io/250 (250 MB) and gcr.io/10 (10 MB). */
  private static Node node25010(String name) {
    return Fixtures.node(name)
        .image(250 * MB, "gcr.io/250:latest")
        .image(10 * MB, "gcr.io/10:latest", "gcr.io/10:v1")
        .build();
  }

  @Test
  void twoImagesOnTwoNodesPreferTheLargerImage() {
    // machine1 has gcr.io/40: 40 MB × 1/2 = 20 MB < 23 MB -> 0
    // machine2 has gcr.io/250: 250 MB × 1/2 = 125 MB -> 100 × (125 − 23) / (1000 − 23) = 10
    assertThat(
            runWithMetadata(
                ImageLocality::imageLocalityPriorityMap,
                null,
                pod("gcr.io/40", "gcr.io/250"),
                List.of(),
                List.of(node403002000("machine1"), node25010("machine2"))))
        .isEqualTo(expect("machine1", 0, "machine2", 10));
  }

  @Test
  void twoImagesOnOneNodePreferThatNode() {
    // machine1: (40 + 300) MB / 2 = 170 MB -> 100 × (170 − 23) / 977 = 15
    assertThat(
            runWithMetadata(
                ImageLocality::imageLocalityPriorityMap,
                null,
                pod("gcr.io/40", "gcr.io/300"),
                List.of(),
                List.of(node403002000("machine1"), node25010("machine2"))))
        .isEqualTo(expect("machine1", 15, "machine2", 0));
  }

  @Test
  void beyondTheMaximumThresholdTheScoreIsCapped() {
    // 2000 MB / 2 = 1000 MB -> 100; 10 MB / 2 -> 0
    assertThat(
            runWithMetadata(
                ImageLocality::imageLocalityPriorityMap,
                null,
                pod("gcr.io/10", "gcr.io/2000"),
                List.of(),
                List.of(node403002000("machine1"), node25010("machine2"))))
        .isEqualTo(expect("machine1", 100, "machine2", 0));
  }

  @Test
  void aNodeWithoutImagesDilutesTheSpreadAndScoresZero() {
    // three nodes: 2000 MB / 3 = 666.67 MB -> 100 × (666.67 − 23) / 977 = 65
    assertThat(
            runWithMetadata(
                ImageLocality::imageLocalityPriorityMap,
                null,
                pod("gcr.io/10", "gcr.io/2000"),
                List.of(),
                List.of(
                    node403002000("machine1"),
                    node25010("machine2"),
                    Fixtures.node("machine3").build())))
        .isEqualTo(expect("machine1", 65, "machine2", 0, "machine3", 0));
  }

  @Test
  void withoutMetadataThePriorityScoresNothing() {
    assertThat(
            run(
                ImageLocality::imageLocalityPriorityMap,
                null,
                null,
                pod("gcr.io/2000"),
                List.of(),
                List.of(node403002000("machine1"))))
        .isEqualTo(expect("machine1", 0));
  }

  @Test
  void namesWithoutATagGetLatest() {
    assertThat(ImageLocality.normalizedImageName("root")).isEqualTo("root:latest");
    assertThat(ImageLocality.normalizedImageName("root:tag")).isEqualTo("root:tag");
    assertThat(ImageLocality.normalizedImageName("gcr.io:5000/root"))
        .isEqualTo("gcr.io:5000/root:latest");
    String digest = "root@sha256:4a5e7d1c0b6f2a9e8d3c7b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e";
    assertThat(ImageLocality.normalizedImageName(digest)).isEqualTo(digest);
  }

  @Test
  void theSizeIsScaledByTheShareOfNodesWithTheImage() {
    assertThat(ImageLocality.scaledImageScore(new ImageStateSummary(300 * MB, 1), 3))
        .isEqualTo(100 * MB);
    assertThat(ImageLocality.scaledImageScore(new ImageStateSummary(1000, 2), 3)).isEqualTo(666);
    assertThat(ImageLocality.calculatePriority(ImageLocality.MIN_THRESHOLD)).isZero();
    assertThat(ImageLocality.calculatePriority(ImageLocality.MAX_THRESHOLD)).isEqualTo(100);
    assertThat(ImageLocality.calculatePriority(Long.MAX_VALUE)).isEqualTo(100);
  }

  @Test
  void eachContainerCountsEvenWithTheSameImage() {
    // one node of one: 2 × 20 MB = 40 MB -> 100 × 17 / 977 = 1
    Node n = Fixtures.node("n").image(20 * MB, "app:latest").build();
    assertThat(
            runWithMetadata(
                ImageLocality::imageLocalityPriorityMap,
                null,
                pod("app", "app"),
                List.of(),
                List.of(n)))
        .isEqualTo(expect("n", 1));
  }
}
