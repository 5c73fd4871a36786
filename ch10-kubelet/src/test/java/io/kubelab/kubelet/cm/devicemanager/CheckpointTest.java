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
 * a temporary {@code .<name>} beside it, written and synced, then renamed over the old one.
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
    assertThat(dir.resolve("." + DevicePlugins.CHECKPOINT)).doesNotExist();
    assertThat(file.resolve("occupied")).isDirectory();
  }

  @Test
  void aStaleTemporaryFileFromACrashIsOverwrittenNotAppendedTo() throws IOException {
    Path file = dir.resolve(DevicePlugins.CHECKPOINT);
    Files.writeString(dir.resolve("." + DevicePlugins.CHECKPOINT), "x".repeat(10_000));
    Checkpoint.write(file, data("gpu-0"));
    assertThat(Checkpoint.read(file)).isEqualTo(data("gpu-0"));
  }
}
