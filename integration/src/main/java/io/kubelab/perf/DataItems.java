package io.kubelab.perf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * The results file of scheduler_perf, the shape the Kubernetes perf dashboard reads: {@code
 * {"version":"v1","dataItems":[{"data":{"Average":..,"Perc50":..},"unit":"pods/s","labels":
 * {"Metric":"SchedulingThroughput","Name":"..."}}]}}.
 *
 * <p>Upstream: {@code DataItem} and {@code DataItems} in {@code
 * test/integration/scheduler_perf/util.go}, written by {@code dataItems2JSONFile} with Go's {@code
 * encoding/json}, which writes map keys sorted; so do we, and whole numbers without a fraction, as
 * Go formats a float64.
 */
public record DataItems(String version, List<DataItem> dataItems) {

  public static final String VERSION = "v1";

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  public DataItems {
    dataItems = List.copyOf(dataItems);
  }

  /** One data point: buckets (Average, Perc50, ...) to values, a unit, labels. */
  public record DataItem(Map<String, Double> data, String unit, Map<String, String> labels) {
    public DataItem {
      data = java.util.Collections.unmodifiableMap(new TreeMap<>(data));
      labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    }

    /** The {@code Metric} label. */
    public String metric() {
      return labels.getOrDefault("Metric", "");
    }

    /** The {@code Name} label. */
    public String name() {
      return labels.getOrDefault("Name", "");
    }
  }

  /** The JSON text, one line, as upstream writes it. */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", version);
    ArrayNode items = root.putArray("dataItems");
    for (DataItem d : dataItems) {
      ObjectNode item = items.addObject();
      ObjectNode data = item.putObject("data");
      d.data().forEach((k, v) -> putNumber(data, k, v));
      item.put("unit", d.unit());
      if (!d.labels().isEmpty()) {
        ObjectNode labels = item.putObject("labels");
        d.labels().forEach(labels::put);
      }
    }
    return JSON.writeValueAsString(root);
  }

  private static void putNumber(ObjectNode o, String k, double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      o.put(k, (long) v);
    } else {
      o.put(k, v);
    }
  }

  /**
   * Parses a results file.
   *
   * @param source names it in error messages
   * @throws PerfConfigException when it is not DataItems JSON
   */
  public static DataItems parse(String json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JacksonException e) {
      throw new PerfConfigException(source + ": malformed JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new PerfConfigException(source + ": not a DataItems object");
    }
    JsonNode items = root.get("dataItems");
    if (items == null || !items.isArray()) {
      throw new PerfConfigException(source + ": dataItems: Required value");
    }
    List<DataItem> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      JsonNode it = items.get(i);
      String at = source + ": dataItems[" + i + "]";
      Map<String, Double> data = new TreeMap<>();
      JsonNode d = it.get("data");
      if (d != null && d.isObject()) {
        for (Map.Entry<String, JsonNode> e : d.properties()) {
          if (!e.getValue().isNumber()) {
            throw new PerfConfigException(at + ": data." + e.getKey() + ": must be a number");
          }
          data.put(e.getKey(), e.getValue().doubleValue());
        }
      }
      Map<String, String> labels = new TreeMap<>();
      JsonNode l = it.get("labels");
      if (l != null && l.isObject()) {
        for (Map.Entry<String, JsonNode> e : l.properties()) {
          labels.put(e.getKey(), e.getValue().asString());
        }
      }
      JsonNode unit = it.get("unit");
      out.add(new DataItem(data, unit == null ? "" : unit.asString(), labels));
    }
    JsonNode v = root.get("version");
    return new DataItems(v == null ? "" : v.asString(), out);
  }

  /** Reads a results file. */
  public static DataItems read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (NoSuchFileException e) {
      throw new PerfConfigException(file + ": no such file");
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }
}
