package io.kubelab.scheduler.extender;

import static io.kubelab.scheduler.extender.HttpExtenderTest.N1;
import static io.kubelab.scheduler.extender.HttpExtenderTest.N2;
import static io.kubelab.scheduler.extender.HttpExtenderTest.N3;
import static io.kubelab.scheduler.extender.HttpExtenderTest.NODES;
import static io.kubelab.scheduler.extender.HttpExtenderTest.POD;
import static io.kubelab.scheduler.extender.HttpExtenderTest.SNAPSHOT;
import static io.kubelab.scheduler.extender.HttpExtenderTest.VICTIM_A;
import static io.kubelab.scheduler.extender.HttpExtenderTest.VICTIM_C;
import static io.kubelab.scheduler.extender.HttpExtenderTest.candidates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubelab.scheduler.algorithm.SchedulerExtender;
import io.kubelab.scheduler.algorithm.Victims;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an extender may answer beyond the happy path, as a Go extender's JSON can say it: fields
 * left out or {@code null} (Go's zero values), {@code null} inside lists and maps, full nodes from
 * a node-cache-capable extender, nodes it was not asked about. Each answer is written by hand.
 */
@Timeout(60)
class ExtenderAnswersTest {

  static HttpExtender extender(RawExtender raw, String fields) {
    return Configs.http(raw.urlPrefix() + "," + fields);
  }

  static String nodeJson(String name) {
    return "{\"metadata\":{\"name\":\"" + name + "\"}}";
  }

  @Test
  void aNodeCacheCapableExtenderMayAnswerWithFullNodes() {
    // Upstream reads NodeNames only when the extender has a node cache and sent them.
    try (RawExtender raw =
            new RawExtender(
                "{\"Nodes\":{\"items\":[" + nodeJson("n3") + "," + nodeJson("n2") + "]}}");
        HttpExtender e = extender(raw, "\"filterVerb\":\"filter\",\"nodeCacheCapable\":true")) {
      assertThat(e.nodeCacheCapable()).isTrue();
      assertThat(e.filter(POD, NODES, SNAPSHOT).nodes()).containsExactly(N3, N2);
    }
  }

  @Test
  void nodesWithoutItemsOrNoAnswerAtAllFilterOutEveryNode() {
    for (String answer : List.of("{\"Nodes\":{\"items\":null}}", "{}", "null")) {
      try (RawExtender raw = new RawExtender(answer);
          HttpExtender e = extender(raw, "\"filterVerb\":\"filter\"")) {
        SchedulerExtender.FilterResult r = e.filter(POD, NODES, SNAPSHOT);
        assertThat(r.nodes()).as(answer).isEmpty();
        assertThat(r.failedNodes()).as(answer).isEmpty();
      }
    }
  }

  @Test
  void aNodeWithoutANameIsANodeTheSchedulerDoesNotKnow() {
    // Go decodes a null element as the zero Node, whose name is "".
    for (String answer :
        List.of(
            "{\"Nodes\":{\"items\":[" + nodeJson("n1") + ",null]}}",
            "{\"Nodes\":{\"items\":[{\"metadata\":{}}]}}",
            "{\"Nodes\":{\"items\":[{}]}}")) {
      try (RawExtender raw = new RawExtender(answer);
          HttpExtender e = extender(raw, "\"filterVerb\":\"filter\"")) {
        assertThatThrownBy(() -> e.filter(POD, NODES, SNAPSHOT))
            .as(answer)
            .isInstanceOf(ExtenderException.class)
            .hasMessage(
                "extender \""
                    + raw.url()
                    + "\" claims a filtered node \"\" which is not found in nodeNameToInfo map");
      }
    }
    try (RawExtender raw = new RawExtender("{\"NodeNames\":[\"n1\",null]}");
        HttpExtender e = extender(raw, "\"filterVerb\":\"filter\",\"nodeCacheCapable\":true")) {
      assertThatThrownBy(() -> e.filter(POD, NODES, SNAPSHOT))
          .hasMessageEndingWith(
              " claims a filtered node \"\" which is not found in nodeNameToInfo map");
    }
  }

  @Test
  void aFailedNodeWithANullReasonHasTheEmptyReason() {
    try (RawExtender raw =
            new RawExtender(
                "{\"NodeNames\":[\"n1\"],\"FailedNodes\":{\"n2\":null,\"n3\":\"full\"}}");
        HttpExtender e = extender(raw, "\"filterVerb\":\"filter\",\"nodeCacheCapable\":true")) {
      SchedulerExtender.FilterResult r = e.filter(POD, NODES, SNAPSHOT);
      assertThat(r.nodes()).containsExactly(N1);
      assertThat(r.failedNodes()).containsOnly(Map.entry("n2", ""), Map.entry("n3", "full"));
    }
  }

  @Test
  void aNullScoreEntryIsGosZeroHostPriorityAndCountsForNoNode() {
    try (RawExtender raw =
            new RawExtender(
                "[null,{\"Host\":\"n1\",\"Score\":2},{\"Score\":5},{\"Host\":\"n1\"}]");
        HttpExtender e = extender(raw, "\"prioritizeVerb\":\"prioritize\",\"weight\":3")) {
      SchedulerExtender.PrioritizeResult r = e.prioritize(POD, NODES);
      assertThat(r.weight()).isEqualTo(3);
      assertThat(r.scores()).containsOnly(Map.entry("", 5L), Map.entry("n1", 2L));
    }
  }

  @Test
  void noVictimsMapMeansNoCandidateLeft() {
    for (String answer : List.of("{\"NodeNameToMetaVictims\":null}", "{}")) {
      try (RawExtender raw = new RawExtender(answer);
          HttpExtender e = extender(raw, "\"preemptVerb\":\"preempt\"")) {
        assertThat(e.processPreemption(POD, candidates(), SNAPSHOT)).as(answer).isEmpty();
      }
    }
  }

  @Test
  void aCandidateWithoutPodsKeepsItsNodeWithNoVictims() {
    try (RawExtender raw =
            new RawExtender(
                "{\"NodeNameToMetaVictims\":{\"n2\":{\"Pods\":null},\"n1\":{\"Pods\":[]}}}");
        HttpExtender e = extender(raw, "\"preemptVerb\":\"preempt\"")) {
      assertThat(e.processPreemption(POD, candidates(), SNAPSHOT))
          .containsExactly(
              Map.entry("n1", new Victims(List.of(), 0)),
              Map.entry("n2", new Victims(List.of(), 0)));
    }
  }

  @Test
  void candidatesKeepTheSchedulersOrderAndNodesItDidNotOfferComeLast() {
    // The extender may name a node the scheduler did not offer (n3, without victims on it).
    try (RawExtender raw =
            new RawExtender(
                "{\"NodeNameToMetaVictims\":{"
                    + "\"n3\":{\"Pods\":[]},"
                    + "\"n2\":{\"Pods\":[{\"UID\":\"uid-c\"}]},"
                    + "\"n1\":{\"Pods\":[{\"UID\":\"uid-a\"}]}}}");
        HttpExtender e = extender(raw, "\"preemptVerb\":\"preempt\"")) {
      assertThat(e.processPreemption(POD, candidates(), SNAPSHOT))
          .containsExactly(
              Map.entry("n1", new Victims(List.of(VICTIM_A), 0)),
              Map.entry("n2", new Victims(List.of(VICTIM_C), 0)),
              Map.entry("n3", new Victims(List.of(), 0)));
    }
  }

  @Test
  void nullVictimsOrANullPodAreErrorsWhereUpstreamPanics() {
    try (RawExtender raw = new RawExtender("{\"NodeNameToMetaVictims\":{\"n1\":null}}");
        HttpExtender e = extender(raw, "\"preemptVerb\":\"preempt\"")) {
      assertThatThrownBy(() -> e.processPreemption(POD, candidates(), SNAPSHOT))
          .isInstanceOf(ExtenderException.class)
          .hasMessage("extender: " + raw.url() + " returned null victims for node: n1");
    }
    try (RawExtender raw =
            new RawExtender("{\"NodeNameToMetaVictims\":{\"n1\":{\"Pods\":[null]}}}");
        HttpExtender e = extender(raw, "\"preemptVerb\":\"preempt\"")) {
      assertThatThrownBy(() -> e.processPreemption(POD, candidates(), SNAPSHOT))
          .hasMessage(
              "extender: "
                  + raw.url()
                  + " claims to preempt pod (UID: <nil>) on node: n1,"
                  + " but the pod is not found on that node");
    }
  }

  @Test
  void aCandidateWithoutVictimsGoesOutWithGosNilPods() {
    // selectVictimsOnNode leaves the slice nil when no pod has to go.
    try (RawExtender raw = new RawExtender("{}");
        HttpExtender e = extender(raw, "\"preemptVerb\":\"preempt\"")) {
      Map<String, Victims> asked = new java.util.LinkedHashMap<>(candidates());
      asked.put("n3", new Victims(List.of(), 0));
      e.processPreemption(POD, asked, SNAPSHOT);
      assertThat(raw.requests.poll())
          .contains("\"n3\":{\"Pods\":null,\"NumPDBViolations\":0}")
          .contains("\"NodeNameToMetaVictims\":null");
    }
  }
}
