package io.kubelab.kubelet.cm.devicemanager;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The device manager's checkpoint file, {@code kubelet_internal_checkpoint}, in upstream's JSON
 * shape: {@code {"Data":{"PodDeviceEntries":[{"PodUID","ContainerName","ResourceName",
 * "DeviceIDs":[...],"AllocResp":"<base64 protobuf>"}],"RegisteredDevices":{"res":[ids]}},
 * "Checksum":N}}.
 *
 * <p>Upstream: {@code pkg/kubelet/cm/devicemanager/checkpoint/checkpoint.go} (v1.18, flat device ID
 * lists) and {@code pkg/kubelet/checkpointmanager} (write to a temporary file, fsync, then rename;
 * verify the checksum on read). The checksum is FNV-32a, as upstream's, but over this class's
 * canonical text of {@code Data} (upstream hashes Go's {@code spew} dump of the struct), so the
 * shape matches upstream's and the checksum does not.
 */
final class Checkpoint {

  private Checkpoint() {}

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /** One container's devices of one resource. */
  record Entry(
      String podUid,
      String containerName,
      String resourceName,
      List<String> deviceIds,
      byte[] allocResp) {
    Entry {
      deviceIds = List.copyOf(deviceIds);
      allocResp = allocResp.clone();
    }

    @Override
    public byte[] allocResp() {
      return allocResp.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Entry e
          && podUid.equals(e.podUid)
          && containerName.equals(e.containerName)
          && resourceName.equals(e.resourceName)
          && deviceIds.equals(e.deviceIds)
          && java.util.Arrays.equals(allocResp, e.allocResp);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(podUid, containerName, resourceName, deviceIds)
          + 31 * java.util.Arrays.hashCode(allocResp);
    }
  }

  /** The checkpoint's data: the allocations and the healthy devices per registered resource. */
  record Data(List<Entry> podDeviceEntries, Map<String, List<String>> registeredDevices) {
    Data {
      podDeviceEntries = List.copyOf(podDeviceEntries);
      Map<String, List<String>> r = new TreeMap<>();
      registeredDevices.forEach((k, v) -> r.put(k, List.copyOf(v)));
      registeredDevices = java.util.Collections.unmodifiableMap(r);
    }
  }

  /** The file held something that is not a valid checkpoint. */
  static final class CorruptCheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    CorruptCheckpointException(String message) {
      super(message);
    }
  }

  static String marshal(Data d) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode data = dataNode(d);
    root.set("Data", data);
    root.put("Checksum", checksum(data));
    return JSON.writeValueAsString(root);
  }

  private static ObjectNode dataNode(Data d) {
    ObjectNode data = JSON.createObjectNode();
    if (d.podDeviceEntries().isEmpty()) {
      data.putNull("PodDeviceEntries"); // a nil Go slice
    } else {
      ArrayNode entries = data.putArray("PodDeviceEntries");
      for (Entry e : d.podDeviceEntries()) {
        ObjectNode n = entries.addObject();
        n.put("PodUID", e.podUid());
        n.put("ContainerName", e.containerName());
        n.put("ResourceName", e.resourceName());
        ArrayNode ids = n.putArray("DeviceIDs");
        e.deviceIds().forEach(ids::add);
        n.put("AllocResp", Base64.getEncoder().encodeToString(e.allocResp()));
      }
    }
    ObjectNode reg = data.putObject("RegisteredDevices");
    d.registeredDevices()
        .forEach(
            (r, ids) -> {
              ArrayNode a = reg.putArray(r);
              ids.forEach(a::add);
            });
    return data;
  }

  /** FNV-32a over the canonical (compact, key-ordered) JSON text of {@code Data}. */
  static long checksum(JsonNode data) {
    byte[] bytes = JSON.writeValueAsString(data).getBytes(StandardCharsets.UTF_8);
    int h = 0x811c9dc5;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    return Integer.toUnsignedLong(h);
  }

  static Data unmarshal(String text) throws CorruptCheckpointException {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JacksonException e) {
      throw new CorruptCheckpointException("checkpoint is corrupted: " + e.getOriginalMessage());
    }
    JsonNode data = root.get("Data");
    JsonNode sum = root.get("Checksum");
    if (data == null || !data.isObject() || sum == null || !sum.isIntegralNumber()) {
      throw new CorruptCheckpointException("checkpoint is corrupted: no Data or Checksum");
    }
    Data d;
    try {
      d = parseData(data);
    } catch (RuntimeException e) {
      throw new CorruptCheckpointException("checkpoint is corrupted: " + e.getMessage());
    }
    // Recompute over the canonical form of what was read, so key order in the file is free.
    if (checksum(dataNode(d)) != sum.asLong()) {
      throw new CorruptCheckpointException("checkpoint is corrupted");
    }
    return d;
  }

  private static Data parseData(JsonNode data) {
    List<Entry> entries = new ArrayList<>();
    JsonNode es = data.get("PodDeviceEntries");
    if (es != null && !es.isNull()) {
      for (JsonNode n : es) {
        List<String> ids = new ArrayList<>();
        for (JsonNode id : required(n, "DeviceIDs")) {
          ids.add(id.asString());
        }
        entries.add(
            new Entry(
                required(n, "PodUID").asString(),
                required(n, "ContainerName").asString(),
                required(n, "ResourceName").asString(),
                ids,
                Base64.getDecoder().decode(required(n, "AllocResp").asString())));
      }
    }
    Map<String, List<String>> reg = new TreeMap<>();
    JsonNode rs = data.get("RegisteredDevices");
    if (rs != null && !rs.isNull()) {
      for (Map.Entry<String, JsonNode> e : rs.properties()) {
        List<String> ids = new ArrayList<>();
        if (!e.getValue().isNull()) {
          for (JsonNode id : e.getValue()) {
            ids.add(id.asString());
          }
        }
        reg.put(e.getKey(), ids);
      }
    }
    return new Data(entries, reg);
  }

  private static JsonNode required(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("PodDeviceEntries: " + field + " is missing");
    }
    return v;
  }

  /**
   * Upstream's file store {@code writeFile} ({@code pkg/kubelet/util/store/filestore.go}): a
   * temporary file of its own in the same directory (Go's {@code ioutil.TempFile(dir, ".")}: a
   * {@code .} and a random suffix, so two writers never share one), written, forced to the disk
   * (Go's {@code Sync}, an fsync of data and metadata), closed, then renamed over the checkpoint.
   * On any error the temporary file is removed and the old checkpoint stays as it was.
   */
  static void write(Path file, Data d) throws IOException {
    byte[] bytes = marshal(d).getBytes(StandardCharsets.UTF_8);
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, ".", "");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Null when there is no checkpoint file. */
  static Data read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    return unmarshal(text);
  }
}
