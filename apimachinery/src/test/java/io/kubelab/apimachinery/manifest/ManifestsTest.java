package io.kubelab.apimachinery.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.labels.NodeSelectors;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.apimachinery.testing.Fixtures;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class ManifestsTest {

  private static Path sample() throws URISyntaxException {
    return Path.of(
        Objects.requireNonNull(
                ManifestsTest.class.getResource("/manifests/kubectl-get-nodes-pods.yaml"))
            .toURI());
  }

  @Test
  void loadsKubectlGetNodesPodsOutputInInputOrder() throws Exception {
    Manifest m = Manifests.read(sample());

    assertThat(m.objects())
        .extracting(o -> o.getKind() + " " + o.getMetadata().getName())
        .containsExactly(
            "Node gke-lab-pool-1-a1b2",
            "Node gke-lab-pool-1-c3d4",
            "Pod coredns-66bff467f8-x7k2p",
            "Pod web-1");
    assertThat(m.byKind()).containsOnlyKeys("Node", "Pod");
    assertThat(m.byKind().keySet()).containsExactly("Node", "Pod");

    Node n = m.nodes().get(0);
    assertThat(Resource.of(n.getStatus().getAllocatable(), "allocatable"))
        .isEqualTo(
            new Resource(
                3920,
                12698876L * 1024,
                47093746742L,
                110,
                // hugepages-2Mi: "0" stays, named with zero, as in upstream's ScalarResources
                java.util.Map.of("attachable-volumes-gce-pd", 127L, "hugepages-2Mi", 0L)));
    assertThat(n.getStatus().getImages().get(0).getSizeBytes()).isEqualTo(288426917L);
    assertThat(m.nodes().get(1).getSpec().getUnschedulable()).isTrue();
    assertThat(m.nodes().get(1).getSpec().getTaints().get(0).getKey())
        .isEqualTo("node-role.kubernetes.io/master");

    Pod coredns = m.pods().get(0);
    assertThat(coredns.getSpec().getPriority()).isEqualTo(2_000_000_000);
    assertThat(coredns.getSpec().getTolerations()).hasSize(4);
    assertThat(coredns.getMetadata().getOwnerReferences().get(0).getKind()).isEqualTo("ReplicaSet");
    assertThat(PodRequests.of(coredns)).isEqualTo(Resource.of(100, 70L << 20));

    Pod web = m.pods().get(1);
    // The init container's 1 CPU is more than the app's 500m: init-container max rule.
    assertThat(PodRequests.of(web)).isEqualTo(Resource.of(1000, 512L << 20));
    assertThat(web.getSpec().getContainers().get(0).getPorts().get(0).getHostPort())
        .isEqualTo(8080);
    assertThat(web.getStatus().getPhase()).isEqualTo("Pending");
  }

  @Test
  void multiDocumentYamlWithServicesEndpointsNamespacesPriorityClassesAndOtherGroups() {
    String yaml =
        """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: prod
        ---
        apiVersion: scheduling.k8s.io/v1
        kind: PriorityClass
        metadata:
          name: high
        value: 1000000
        globalDefault: false
        description: for the web tier
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: prod
        spec:
          selector:
            app: web
          ports:
          - port: 80
            targetPort: 8080
        ---
        apiVersion: v1
        kind: Endpoints
        metadata:
          name: web
          namespace: prod
        subsets:
        - addresses:
          - ip: 10.0.0.5
          ports:
          - port: 8080
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: prod
        spec:
          replicas: 3
        ---
        apiVersion: policy/v1beta1
        kind: PodDisruptionBudget
        metadata:
          name: web
          namespace: prod
        spec:
          minAvailable: 2
          selector:
            matchLabels:
              app: web
        ---
        """;
    Manifest m = Manifests.parse(yaml, "app.yaml");

    assertThat(m.byKind().keySet())
        .containsExactly(
            "Namespace",
            "PriorityClass",
            "Service",
            "Endpoints",
            "Deployment",
            "PodDisruptionBudget");
    assertThat(m.namespaces().get(0).getMetadata().getName()).isEqualTo("prod");
    assertThat(m.priorityClasses().get(0).getValue()).isEqualTo(1_000_000);
    assertThat(m.services().get(0).getSpec().getSelector()).containsEntry("app", "web");
    assertThat(m.endpoints().get(0).getSubsets().get(0).getAddresses().get(0).getIp())
        .isEqualTo("10.0.0.5");
    assertThat(m.podDisruptionBudgets().get(0).getSpec().getMinAvailable().getIntVal())
        .isEqualTo(2);
    GenericKubernetesResource d = m.generic().get(0);
    assertThat(d.getApiVersion()).isEqualTo("apps/v1");
    assertThat(d.getKind()).isEqualTo("Deployment");
    assertThat(m.size()).isEqualTo(6);
  }

  @Test
  void typedListItemsMayOmitTheirKindAndJsonIsAcceptedToo() {
    String json =
        """
        {"apiVersion": "v1", "kind": "PodList", "metadata": {"resourceVersion": "7"},
         "items": [
           {"metadata": {"name": "a", "namespace": "default"},
            "spec": {"containers": [{"name": "c", "image": "nginx",
                     "resources": {"requests": {"cpu": 0.5, "memory": "1e3"}}}]}},
           {"metadata": {"name": "b", "namespace": "default"}, "spec": {"containers": []}}
         ]}
        {"apiVersion": "v1", "kind": "NodeList", "items": [
           {"metadata": {"name": "n1"}, "status": {"allocatable": {"cpu": 4, "pods": "110"}}}]}
        """;
    Manifest m = Manifests.parse(json, "api.json");

    assertThat(m.objects()).extracting(HasMetadata::getKind).containsExactly("Pod", "Pod", "Node");
    assertThat(m.pods()).extracting(p -> p.getMetadata().getName()).containsExactly("a", "b");
    assertThat(PodRequests.of(m.pods().get(0))).isEqualTo(Resource.of(500, 1000));
    assertThat(Resource.of(m.nodes().get(0).getStatus().getAllocatable(), "n1").milliCpu())
        .isEqualTo(4000);
  }

  @Test
  void aTildeIsNullAsKubernetesReadsYamlButAQuotedOneIsAString() {
    String yaml =
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: p, namespace: ~, annotations: {note: "~"}}
        spec:
          nodeName: NULL
          containers: [{name: c, image: nginx}]
        """;
    Pod p = Manifests.parse(yaml, "pod.yaml").pods().get(0);

    assertThat(p.getMetadata().getNamespace()).isNull();
    assertThat(p.getSpec().getNodeName()).isNull();
    assertThat(p.getMetadata().getAnnotations()).containsEntry("note", "~");
  }

  @Test
  void emptyListsAndEmptyDocumentsLoadNothing() {
    assertThat(Manifests.parse("apiVersion: v1\nkind: List\nitems: []\n", "x").size()).isZero();
    assertThat(Manifests.parse("---\n---\n", "x").size()).isZero();
    assertThat(Manifests.parse("", "x").size()).isZero();
  }

  @Test
  void aQuantityThatDoesNotParseNamesDocumentObjectAndField() {
    String yaml =
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: a}
        ---
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Node
          metadata: {name: n1}
        - apiVersion: v1
          kind: Pod
          metadata: {name: web-1, namespace: default}
          spec:
            containers:
            - name: app
              resources:
                requests: {cpu: abc}
        """;
    assertThatThrownBy(() -> Manifests.parse(yaml, "cluster.yaml"))
        .isInstanceOf(ManifestException.class)
        .hasMessage(
            "cluster.yaml: document 1, items[1] (Pod default/web-1): "
                + "spec.containers[0].resources.requests.cpu \"abc\" is not a quantity");
  }

  @Test
  void nodeQuantitiesAreCheckedToo() {
    String yaml =
        "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n"
            + "status: {allocatable: {memory: 12 GiB}}\n";
    assertThatThrownBy(() -> Manifests.parse(yaml, "n.yaml"))
        .hasMessage(
            "n.yaml: document 0 (Node n1): status.allocatable.memory \"12 GiB\" is not a quantity");
  }

  @Test
  void aWrongTypeNamesTheFieldAndTheValue() {
    String yaml =
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: web-1, namespace: default}
        spec:
          priority: high
          containers: [{name: app}]
        """;
    assertThatThrownBy(() -> Manifests.parse(yaml, "p.yaml"))
        .isInstanceOf(ManifestException.class)
        .hasMessage(
            "p.yaml: document 0 (Pod default/web-1): spec.priority \"high\" cannot be read as an"
                + " integer")
        .satisfies(e -> assertThat(((ManifestException) e).field()).isEqualTo("spec.priority"));

    String list =
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: web-1}
        spec:
          containers: {name: app}
        """;
    assertThatThrownBy(() -> Manifests.parse(list, "p.yaml"))
        .hasMessageStartingWith("p.yaml: document 0 (Pod web-1): spec.containers a map cannot be");
  }

  @Test
  void quantitiesOfTheWrongShapeAreRejected() {
    String yaml =
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
          - name: app
            resources:
              requests:
                cpu: [1, 2]
        """;
    assertThatThrownBy(() -> Manifests.parse(yaml, "p.yaml"))
        .hasMessage(
            "p.yaml: document 0 (Pod p): spec.containers[0].resources.requests.cpu a list is not a"
                + " quantity");
  }

  @Test
  void missingKindApiVersionOrNameIsAnError() {
    assertThatThrownBy(() -> Manifests.parse("apiVersion: v1\nmetadata: {name: x}\n", "f"))
        .hasMessage("f: document 0: kind is missing");
    assertThatThrownBy(() -> Manifests.parse("kind: Pod\nmetadata: {name: x}\n", "f"))
        .hasMessage("f: document 0 (Pod x): apiVersion is missing");
    assertThatThrownBy(() -> Manifests.parse("apiVersion: v1\nkind: Pod\nmetadata: {}\n", "f"))
        .hasMessage("f: document 0 (Pod): metadata.name is missing");
    assertThatThrownBy(
            () ->
                Manifests.parse("apiVersion: v1\nkind: List\nitems:\n- metadata: {name: x}\n", "f"))
        .hasMessage("f: document 0, items[0]: kind is missing");
  }

  @Test
  void anUnknownCoreKindIsATypoNotAnExtension() {
    assertThatThrownBy(
            () -> Manifests.parse("apiVersion: v1\nkind: Pdo\nmetadata: {name: x}\n", "f"))
        .hasMessage(
            "f: document 0 (Pdo x): kind \"Pdo\" is not a kind of apiVersion v1 (the core group)");
  }

  @Test
  void malformedYamlNamesTheDocument() {
    assertThatThrownBy(
            () ->
                Manifests.parse(
                    "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: [unclosed\n",
                    "bad.yaml"))
        .isInstanceOf(ManifestException.class)
        .hasMessageStartingWith(
            "bad.yaml: document 1: malformed YAML: while parsing a flow sequence");
    assertThatThrownBy(() -> Manifests.parse("- 1\n- 2\n", "seq.yaml"))
        .hasMessage("seq.yaml: document 0: expected an object, got 1");
  }

  @Test
  void invalidTolerationsAndSelectorsAreRejectedAsTheApiServerWould() {
    String badToleration =
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers: [{name: app}]
          tolerations:
          - {key: a, operator: Exists, value: b}
        """;
    assertThatThrownBy(() -> Manifests.parse(badToleration, "t.yaml"))
        .hasMessage(
            "t.yaml: document 0 (Pod p): spec.tolerations[0].value must be empty when `operator` is"
                + " 'Exists'");
    assertThatThrownBy(
            () ->
                Manifests.parse(
                    pod("tolerations:\n  - {key: '', operator: Equal, value: v}"), "t.yaml"))
        .hasMessage(
            "t.yaml: document 0 (Pod p): spec.tolerations[0].operator must be Exists when `key` is"
                + " empty");
    assertThatThrownBy(
            () -> Manifests.parse(pod("tolerations:\n  - {key: a, operator: Like}"), "t.yaml"))
        .hasMessage(
            "t.yaml: document 0 (Pod p): spec.tolerations[0].operator \"Like\" is not Equal or Exists");
    assertThatThrownBy(
            () ->
                Manifests.parse(
                    pod("tolerations:\n  - {key: a, operator: Exists, effect: Never}"), "t.yaml"))
        .hasMessage(
            "t.yaml: document 0 (Pod p): spec.tolerations[0].effect \"Never\" is not a taint effect");
    // A toleration without key but with Exists tolerates everything, and is valid.
    assertThat(Manifests.parse(pod("tolerations:\n  - {operator: Exists}"), "t.yaml").pods())
        .hasSize(1);
    assertThatThrownBy(
            () ->
                Manifests.parse(
                    pod(affinity("{key: cores, operator: Near, values: [\"1\"]}")), "a.yaml"))
        .hasMessage(
            "a.yaml: document 0 (Pod p): spec.affinity.nodeAffinity"
                + ".requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]"
                + ".matchExpressions[0].operator: \"Near\": not a valid selector operator");
    assertThatThrownBy(
            () -> Manifests.parse(pod(affinity("{key: 'bad key', operator: Exists}")), "a.yaml"))
        .hasMessageContaining(".matchExpressions[0].key: Invalid value: \"bad key\": name part");
    assertThatThrownBy(
            () ->
                Manifests.parse(
                    pod(
                        "affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
                            + "      - topologyKey: kubernetes.io/hostname\n        labelSelector:\n"
                            + "          matchExpressions: [{key: app, operator: In}]"),
                    "a.yaml"))
        .hasMessage(
            "a.yaml: document 0 (Pod p): spec.affinity.podAntiAffinity"
                + ".requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector"
                + ".matchExpressions[0].values: must be specified when `operator` is 'In' or"
                + " 'NotIn'");
    assertThatThrownBy(() -> Manifests.parse(pod("nodeSelector: {disk: 's s d'}"), "n.yaml"))
        .hasMessageStartingWith(
            "n.yaml: document 0 (Pod p): spec.nodeSelector: Invalid value: \"s s d\": a valid label");
    assertThatThrownBy(
            () ->
                Manifests.parse(
                    "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {'x/y/z': a}}\n",
                    "n.yaml"))
        .hasMessageStartingWith(
            "n.yaml: document 0 (Node n1): metadata.labels: Invalid value: \"x/y/z\": a qualified"
                + " name");
  }

  @Test
  void whatTheApiServerAcceptsButTheSchedulerCannotBuildLoadsAndMatchesNothing() {
    // ValidateNodeSelectorRequirement checks neither label values nor Gt integers;
    // NewRequirement does, so the scheduler skips the term: NotIn of a bad value matches no node.
    Pod p =
        Manifests.parse(pod(affinity("{key: disk, operator: NotIn, values: ['s s d']}")), "a.yaml")
            .pods()
            .get(0);
    var terms =
        p.getSpec()
            .getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms();
    Node n = Fixtures.node("n1").label("disk", "hdd").build();
    assertThat(NodeSelectors.matchesAnyTerm(terms, n)).isFalse();
    Pod gt =
        Manifests.parse(pod(affinity("{key: cores, operator: Gt, values: [many]}")), "a.yaml")
            .pods()
            .get(0);
    assertThat(
            NodeSelectors.matchesAnyTerm(
                gt.getSpec()
                    .getAffinity()
                    .getNodeAffinity()
                    .getRequiredDuringSchedulingIgnoredDuringExecution()
                    .getNodeSelectorTerms(),
                Fixtures.node("n1").label("cores", "8").build()))
        .isFalse();
  }

  /** A pod named p with one container and {@code specTail} (YAML at spec's indentation). */
  private static String pod(String specTail) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: app}]\n  "
        + specTail
        + "\n";
  }

  /** A required node affinity with one term of one expression. */
  private static String affinity(String expression) {
    return "affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
        + "        nodeSelectorTerms:\n        - matchExpressions:\n          - "
        + expression;
  }

  @Test
  void readingAMissingFileIsAnIoError() {
    assertThatThrownBy(() -> Manifests.read(Path.of("/nonexistent/cluster.yaml")))
        .isInstanceOf(IOException.class);
  }

  @Test
  void everyObjectOfTheSampleIsKept() throws Exception {
    List<HasMetadata> all = Manifests.read(sample()).objects();
    assertThat(all).hasSize(4).doesNotContainNull();
  }
}
