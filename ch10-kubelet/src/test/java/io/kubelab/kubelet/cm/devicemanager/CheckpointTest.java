package io.kubelab.kubelet.cm.devicemanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint file as upstream's file store writes it ({@code filestore.go} {@code writeFile}):
 * a temporary file of its own beside it, written and synced, then renamed over the old one.
 */
class CheckpointTest {

  @TempDir Path dir;

  private static Checkpoint.Data data(String... ids) {
    return new Checkpoint.Data(List.of(), Map.of("kubelab.io/fake-gpu", List.of(ids)));
  }

  @Test
  void aWrittenCheckpointReadsBackAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve(DevicePlugins.CHECKPOINT);
    Checkpoint.write(file, data("gpu-0"));
    Checkpoint.write(file, data("gpu-0", "gpu-1"));
    assertThat(Checkpoint.read(file)).isEqualTo(data("gpu-0", "gpu-1"));
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactly(DevicePlugins.CHECKPOINT);
    }
  }

  @Test
  void aFailedRenameRemovesTheTemporaryFileAndKeepsNothingHalfWritten() throws IOException {
    // A non-empty directory where the checkpoint should be: the rename over it fails.
    Path file = dir.resolve(DevicePlugins.CHECKPOINT);
    Files.createDirectories(file.resolve("occupied"));
    assertThatThrownBy(() -> Checkpoint.write(file, data("gpu-0"))).isInstanceOf(IOException.class);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactly(DevicePlugins.CHECKPOINT);
    }
    assertThat(file.resolve("occupied")).isDirectory();
  }

  @Test
  void concurrentWritersEachLeaveAWholeCheckpointNeverAMixture() throws Exception {
    Path file = dir.resolve(DevicePlugins.CHECKPOINT);
    List<Checkpoint.Data> written = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> writers = new java.util.ArrayList<>();
    for (int w = 0; w < 4; w++) {
      int writer = w;
      Thread t =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 25; i++) {
                    // Bodies of different lengths: a mixture would not parse or not match.
                    Checkpoint.Data d = data("gpu-" + writer + "-" + "x".repeat(i));
                    written.add(d);
                    Checkpoint.write(file, d);
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              },
              "checkpoint-writer-" + w);
      writers.add(t);
      t.start();
    }
    for (Thread t : writers) {
      t.join(60_000);
      assertThat(t.isAlive()).as(t.getName() + " finished").isFalse();
    }
    assertThat(failures).isEmpty();
    assertThat(written).contains(Checkpoint.read(file));
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactly(DevicePlugins.CHECKPOINT);
    }
  }
}
