package io.kubelab.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.perf.DataItems.DataItem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The DataItems file, field by field, and {@code --compare}'s ratios on a fixed pair of files. */
class DataItemsTest {

  private static final String NAME =
      "BenchmarkPerfScheduling/SchedulingBasic/5000Nodes/namespace-2";

  @Test
  void jsonHasUpstreamsShapeFieldByField() {
    DataItems items =
        new DataItems(
            "v1",
            List.of(
                new DataItem(
                    Map.of(
                        "Perc99", 2560.0,
                        "Average", 2000.25,
                        "Perc50", 1920.0,
                        "Perc90", 2400.0,
                        "Perc95", 2440.0),
                    "pods/s",
                    Map.of("Name", NAME, "Metric", "SchedulingThroughput"))));
    String json = items.toJson();
    // Go's encoding/json: map keys sorted, whole float64s without a fraction, one line
    assertThat(json)
        .isEqualTo(
            "{\"version\":\"v1\",\"dataItems\":[{\"data\":{\"Average\":2000.25,\"Perc50\":1920,"
                + "\"Perc90\":2400,\"Perc95\":2440,\"Perc99\":2560},\"unit\":\"pods/s\","
                + "\"labels\":{\"Metric\":\"SchedulingThroughput\",\"Name\":\""
                + NAME
                + "\"}}]}");
    JsonNode root = JsonMapper.builder().build().readTree(json);
    assertThat(root.propertyNames()).containsExactly("version", "dataItems");
    JsonNode item = root.get("dataItems").get(0);
    assertThat(item.propertyNames()).containsExactly("data", "unit", "labels");
    assertThat(item.get("data").propertyNames())
        .containsExactly("Average", "Perc50", "Perc90", "Perc95", "Perc99");
    assertThat(item.get("data").get("Perc50").isNumber()).isTrue();
    assertThat(item.get("unit").asString()).isEqualTo("pods/s");
    assertThat(item.get("labels").propertyNames()).containsExactly("Metric", "Name");
    assertThat(DataItems.parse(json, "x.json")).isEqualTo(items);
  }

  @Test
  void anItemWithoutSamplesHasNoMetricLabelAsUpstreamWritesIt() {
    String json =
        new DataItems("v1", List.of(new DataItem(Map.of(), "", Map.of("Name", NAME)))).toJson();
    assertThat(json)
        .isEqualTo(
            "{\"version\":\"v1\",\"dataItems\":[{\"data\":{},\"unit\":\"\",\"labels\":{\"Name\":\""
                + NAME
                + "\"}}]}");
  }

  @Test
  void compareDividesEachValueByTheBaselinesForItemsWithTheSameLabels() throws Exception {
    DataItems baseline = DataItems.read(resource("baseline.json"));
    DataItems current = DataItems.read(resource("current.json"));
    List<Compare.Row> rows = Compare.rows(baseline, current);
    // TopologySpreading has no baseline; the latency baseline has no Perc95
    assertThat(rows)
        .extracting(r -> r.name().substring("BenchmarkPerfScheduling/".length()) + " " + r.stat())
        .containsExactly(
            "SchedulingBasic/5000Nodes/namespace-2 Average",
            "SchedulingBasic/5000Nodes/namespace-2 Perc50",
            "SchedulingBasic/5000Nodes/namespace-2 Perc90",
            "SchedulingBasic/5000Nodes/namespace-2 Perc95",
            "SchedulingBasic/5000Nodes/namespace-2 Perc99",
            "SchedulingBasic/5000Nodes/namespace-2 Average",
            "SchedulingBasic/5000Nodes/namespace-2 Perc50",
            "SchedulingBasic/5000Nodes/namespace-2 Perc90",
            "SchedulingBasic/5000Nodes/namespace-2 Perc99",
            "SchedulingPodAntiAffinity/5000Nodes/sched-test Average",
            "Unschedulable/5000Nodes/200InitPods/namespace-2 Average");
    assertThat(rows.subList(0, 5)).allSatisfy(r -> assertThat(r.ratio()).isEqualTo(4.0));
    assertThat(rows.subList(5, 9)).allSatisfy(r -> assertThat(r.ratio()).isEqualTo(0.25));
    assertThat(rows.get(9).ratio()).isEqualTo(2.0);
    assertThat(rows.get(10).ratio()).isNaN();

    StringWriter text = new StringWriter();
    Compare.print(new PrintWriter(text), rows, "baseline.json");
    assertThat(text.toString())
        .contains("Compared with baseline.json (ratio = this run / baseline):")
        .containsPattern(
            "SchedulingPodAntiAffinity/5000Nodes/sched-test +SchedulingThroughput +Average +60\\.5"
                + " +121 +2\\.00")
        .containsPattern("Unschedulable/5000Nodes/200InitPods/namespace-2 .* 0\\.0 +700 +-\n");
  }

  @Test
  void compareSaysSoWhenNothingMatches() {
    StringWriter text = new StringWriter();
    Compare.print(new PrintWriter(text), List.of(), "b.json");
    assertThat(text.toString())
        .isEqualTo(
            System.lineSeparator()
                + "compare: no data item of this run has a match (same Metric and Name) in b.json"
                + System.lineSeparator());
  }

  @Test
  void aFileThatIsNotDataItemsIsAnError() {
    assertThatThrownBy(() -> DataItems.parse("{\"version\":\"v1\"}", "b.json"))
        .isInstanceOf(PerfConfigException.class)
        .hasMessage("b.json: dataItems: Required value");
    assertThatThrownBy(() -> DataItems.parse("{", "b.json"))
        .hasMessageStartingWith("b.json: malformed JSON");
    assertThatThrownBy(() -> DataItems.read(Path.of("no/such.json")))
        .hasMessage("no/such.json: no such file");
  }

  @Test
  void wholeNumbersBelow1e15AreWrittenWithoutAFractionOthersAsDoubles() {
    DataItems items =
        new DataItems(
            "v1",
            List.of(
                new DataItem(
                    Map.of(
                        "a", 999_999_999_999_999.0,
                        "b", 1e15,
                        "c", -3.0,
                        "d", -1e15,
                        "e", 0.5,
                        "f", 0.0),
                    "u",
                    Map.of())));
    JsonNode data = JsonMapper.builder().build().readTree(items.toJson()).get("dataItems").get(0);
    assertThat(data.has("labels")).as("no labels, no labels object").isFalse();
    JsonNode d = data.get("data");
    assertThat(d.get("a").isIntegralNumber()).isTrue();
    assertThat(d.get("a").longValue()).isEqualTo(999_999_999_999_999L);
    assertThat(d.get("b").isFloatingPointNumber()).isTrue();
    assertThat(d.get("c").isIntegralNumber()).isTrue();
    assertThat(d.get("c").longValue()).isEqualTo(-3L);
    assertThat(d.get("d").isFloatingPointNumber()).isTrue();
    assertThat(d.get("e").isFloatingPointNumber()).isTrue();
    assertThat(d.get("e").doubleValue()).isEqualTo(0.5);
    assertThat(d.get("f").isIntegralNumber()).isTrue();
    assertThat(DataItems.parse(items.toJson(), "x").dataItems().get(0).data())
        .isEqualTo(items.dataItems().get(0).data());
  }

  @Test
  void parsingFillsWhatIsMissingWithEmptyValues() {
    DataItems d = DataItems.parse("{\"dataItems\":[{},{\"data\":3,\"labels\":[1]}]}", "b.json");
    assertThat(d.version()).isEmpty();
    assertThat(d.dataItems())
        .hasSize(2)
        .allSatisfy(
            it -> {
              assertThat(it.data()).isEmpty();
              assertThat(it.labels()).isEmpty();
              assertThat(it.unit()).isEmpty();
              assertThat(it.metric()).isEmpty();
              assertThat(it.name()).isEmpty();
            });
    DataItem full =
        DataItems.parse(
                "{\"version\":\"v2\",\"dataItems\":[{\"data\":{\"Perc50\":1.5},"
                    + "\"unit\":\"ms\",\"labels\":{\"Metric\":\"m\",\"Name\":\"n\",\"x\":\"y\"}}]}",
                "b.json")
            .dataItems()
            .get(0);
    assertThat(full.data()).containsExactly(Map.entry("Perc50", 1.5));
    assertThat(full.unit()).isEqualTo("ms");
    assertThat(full.metric()).isEqualTo("m");
    assertThat(full.name()).isEqualTo("n");
    assertThat(full.labels()).containsEntry("x", "y");
  }

  @Test
  void eachShapeErrorNamesTheFileAndTheItem() {
    assertThatThrownBy(() -> DataItems.parse("[]", "b.json"))
        .isInstanceOf(PerfConfigException.class)
        .hasMessage("b.json: not a DataItems object");
    assertThatThrownBy(() -> DataItems.parse("", "b.json"))
        .isInstanceOf(PerfConfigException.class)
        .hasMessage("b.json: not a DataItems object");
    assertThatThrownBy(() -> DataItems.parse("{\"dataItems\":{}}", "b.json"))
        .isInstanceOf(PerfConfigException.class)
        .hasMessage("b.json: dataItems: Required value");
    assertThatThrownBy(
            () ->
                DataItems.parse(
                    "{\"dataItems\":[{},{\"data\":{\"Perc50\":1,\"Average\":\"fast\"}}]}",
                    "b.json"))
        .isInstanceOf(PerfConfigException.class)
        .hasMessage("b.json: dataItems[1]: data.Average: must be a number");
  }

  @Test
  void aFileThatCannotBeReadIsAnUncheckedIoError(@TempDir Path dir) {
    assertThatThrownBy(() -> DataItems.read(dir))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith(dir + ": ");
  }

  @Test
  void aFileIsReadAsUtf8(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("r.json");
    Files.writeString(
        f,
        "{\"version\":\"v1\",\"dataItems\":[{\"data\":{},\"labels\":{\"Name\":\"µs\"}}]}",
        StandardCharsets.UTF_8);
    assertThat(DataItems.read(f).dataItems().get(0).name()).isEqualTo("µs");
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(DataItemsTest.class.getResource(name).toURI());
  }
}
