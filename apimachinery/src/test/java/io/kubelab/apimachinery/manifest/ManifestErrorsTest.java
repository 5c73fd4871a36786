package io.kubelab.apimachinery.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

/**
 * How the manifest reader tells lists from objects, fills a typed list's defaults, and words its
 * errors: every error names the document, the object and the field, and quotes the bad value.
 */
class ManifestErrorsTest {

  private static ManifestException failure(String text) {
    try {
      Manifests.parse(text, "f");
    } catch (ManifestException e) {
      return e;
    }
    throw new AssertionError("expected a ManifestException for:\n" + text);
  }

  /** A pod named p in namespace ns whose spec is {@code spec} (YAML at spec's indentation). */
  private static String pod(String spec) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  " + spec + "\n";
  }

  @Test
  void nullTextIsRejectedNamingTheSource() {
    assertThatThrownBy(() -> Manifests.parse(null, "stdin"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stdin: manifest text must not be null");
  }

  @Test
  void jsonIsRecognisedAfterLeadingWhitespaceAndAsAnArray() {
    assertThat(failure("  \n {\"apiVersion\": \"v1\", \"kind\": ").getMessage())
        .startsWith("f: document 0: malformed JSON: ");
    assertThat(
            failure(
                    "[{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"a\"}},")
                .getMessage())
        .startsWith("f: document 1: malformed JSON: ");
    assertThat(failure("kind: [unclosed\n").getMessage())
        .startsWith("f: document 0: malformed YAML");
    // Objects concatenated without separators are a JSON stream, which YAML could not read.
    Manifest m =
        Manifests.parse(
            "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"a\"}}"
                + "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"b\"}}",
            "f");
    assertThat(m.namespaces()).extracting(n -> n.getMetadata().getName()).containsExactly("a", "b");
    assertThat(Manifests.parse("  \n\t ", "f").size()).isZero();
  }

  @Test
  void aMalformedDocumentIsReportedOnOneLineWithItsLineNumber() {
    ManifestException e =
        failure("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: [unclosed\n");
    assertThat(e.getMessage()).doesNotContain("\n").endsWith(")").contains("(line ");
    assertThat(e.document()).isEqualTo("f: document 1");
    assertThat(e.field()).isEmpty();
    assertThat(e.getMessage()).startsWith("f: document 1: malformed YAML: ");
  }

  @Test
  void nullAndAbsentItemsAreAnEmptyListButItemsMustBeAList() {
    assertThat(Manifests.parse("apiVersion: v1\nkind: List\nitems: null\n", "f").size()).isZero();
    assertThat(
            Manifests.parse(
                "{\"apiVersion\": \"v1\", \"kind\": \"PodList\", \"items\": null}", "f"))
        .extracting(Manifest::size)
        .isEqualTo(0);
    ManifestException e = failure("apiVersion: v1\nkind: PodList\nitems: {a: 1}\n");
    assertThat(e).hasMessage("f: document 0 (PodList): items is not a list but a map");
    assertThat(e.field()).isEqualTo("items");
    assertThat(e.document()).isEqualTo("f: document 0 (PodList)");
  }

  @Test
  void aKindEndingInListWithoutItemsIsAnObjectAsUpstreamsUnstructuredDecoderSeesIt() {
    // Upstream's unstructured decoder takes a document for a list only when it has "items".
    Manifest m =
        Manifests.parse(
            "apiVersion: example.com/v1\nkind: AllowList\nmetadata: {name: a}\nspec: {}\n", "f");
    assertThat(m.generic()).hasSize(1);
    assertThat(m.generic().get(0).getKind()).isEqualTo("AllowList");
  }

  @Test
  void itemsOfAPlainListCarryTheirOwnApiVersion() {
    assertThat(failure("apiVersion: v1\nkind: List\nitems:\n- kind: Pod\n  metadata: {name: x}\n"))
        .hasMessage("f: document 0, items[0] (Pod x): apiVersion is missing");
  }

  @Test
  void itemsOfATypedListTakeTheListsApiVersionAndKindWhereTheyOmitThem() {
    String yaml =
        """
        apiVersion: apps/v1
        kind: DeploymentList
        items:
        - metadata: {name: a}
        - kind: Deployment
          metadata: {name: b}
        - apiVersion: apps/v1
          metadata: {name: c}
        - apiVersion: apps/v1
          kind: Deployment
          metadata: {name: d}
        """;
    Manifest m = Manifests.parse(yaml, "f");
    assertThat(m.generic())
        .extracting(
            GenericKubernetesResource::getApiVersion,
            GenericKubernetesResource::getKind,
            d -> d.getMetadata().getName())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("apps/v1", "Deployment", "a"),
            org.assertj.core.groups.Tuple.tuple("apps/v1", "Deployment", "b"),
            org.assertj.core.groups.Tuple.tuple("apps/v1", "Deployment", "c"),
            org.assertj.core.groups.Tuple.tuple("apps/v1", "Deployment", "d"));
  }

  @Test
  void metadataMustBeAMapWithANameOrAGenerateName() {
    assertThat(failure("apiVersion: v1\nkind: Pod\n"))
        .hasMessage("f: document 0 (Pod): metadata is missing");
    assertThat(failure("apiVersion: v1\nkind: Pod\nmetadata: web\n"))
        .hasMessage("f: document 0 (Pod): metadata is missing");
    assertThat(failure("apiVersion: v1\nkind: Pod\nmetadata: {name: '', generateName: ''}\n"))
        .hasMessage("f: document 0 (Pod): metadata.name is missing");
    Manifest m =
        Manifests.parse(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: '', generateName: web-, namespace: ns}\n",
            "f");
    assertThat(m.pods().get(0).getMetadata().getGenerateName()).isEqualTo("web-");
    // The object is named by its generateName when it has no name.
    assertThat(
            failure(
                "apiVersion: v1\nkind: Pod\nmetadata: {generateName: web-, namespace: ns}\n"
                    + "spec: {overhead: {cpu: lots}}\n"))
        .hasMessage("f: document 0 (Pod ns/web-): spec.overhead.cpu \"lots\" is not a quantity");
  }

  @Test
  void apiVersionAndKindMustBeNonEmptyStrings() {
    assertThat(failure("apiVersion: v1\nkind: ''\nmetadata: {name: x}\n"))
        .hasMessage("f: document 0: kind \"\" is not a non-empty string");
    assertThat(failure("apiVersion: 1\nkind: Pod\nmetadata: {name: x}\n"))
        .hasMessage("f: document 0: apiVersion 1 is not a non-empty string");
    assertThat(failure("apiVersion: v1\nkind: {a: b}\nmetadata: {name: x}\n"))
        .hasMessage("f: document 0: kind a map is not a non-empty string");
  }

  @Test
  void everyQuantityOfEveryContainerAndTheOverheadIsChecked() {
    assertThat(
            failure(
                pod(
                    "containers:\n  - {name: a}\n  - name: b\n    resources: {requests: {cpu: x}}")))
        .hasMessage(
            "f: document 0 (Pod ns/p): spec.containers[1].resources.requests.cpu \"x\" is"
                + " not a quantity");
    assertThat(
            failure(
                pod(
                    "containers: [{name: a}]\n  initContainers:\n  - name: i\n"
                        + "    resources: {limits: {memory: 1Gb}}")))
        .hasMessage(
            "f: document 0 (Pod ns/p): spec.initContainers[0].resources.limits.memory"
                + " \"1Gb\" is not a quantity");
    assertThat(failure(pod("containers: [{name: a}]\n  overhead: {memory: 10 Mi}")))
        .hasMessage("f: document 0 (Pod ns/p): spec.overhead.memory \"10 Mi\" is not a quantity");
    assertThat(failure(pod("containers: [{name: a, resources: {requests: '1'}}]")))
        .hasMessage(
            "f: document 0 (Pod ns/p): spec.containers[0].resources.requests \"1\" is not a"
                + " map of resource names to quantities");
    // Null maps are absent maps; numbers are quantities.
    assertThat(
            Manifests.parse(
                    pod("containers: [{name: a, resources: {requests: null, limits: {cpu: 2}}}]"),
                    "f")
                .pods())
        .hasSize(1);
  }

  @Test
  void aNodesCapacityIsCheckedAsItsAllocatableIs() {
    assertThat(
            failure(
                "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n"
                    + "status: {capacity: {cpu: four}}\n"))
        .hasMessage("f: document 0 (Node n1): status.capacity.cpu \"four\" is not a quantity");
  }

  @Test
  void aLongValueIsQuotedShortenedToFortyCharacters() {
    String longValue = "x".repeat(45);
    assertThat(
            failure(
                pod("containers: [{name: a, resources: {requests: {cpu: " + longValue + "}}}]")))
        .hasMessage(
            "f: document 0 (Pod ns/p): spec.containers[0].resources.requests.cpu \""
                + "x".repeat(45)
                + "\" is not a quantity");
    assertThat(
            failure("apiVersion: v1\nkind: '" + longValue + "'\nmetadata: {name: x}\n")
                .getMessage())
        .isEqualTo(
            "f: document 0 ("
                + longValue
                + " x): kind \""
                + longValue
                + "\" is not a kind of apiVersion v1 (the core group)");
    assertThat(failure(pod("containers: [{name: a}]\n  priority: " + longValue)))
        .hasMessage(
            "f: document 0 (Pod ns/p): spec.priority \""
                + "x".repeat(40)
                + "...\" cannot be read as an integer");
  }

  @Test
  void aTypeErrorNamesTheFieldPathThroughListsAndTheExpectedType() {
    assertThat(
            failure(
                pod(
                    "containers:\n  - name: a\n    ports: [{containerPort: 80}, {containerPort: web}]")))
        .hasMessage(
            "f: document 0 (Pod ns/p): spec.containers[0].ports[1].containerPort \"web\""
                + " cannot be read as an integer")
        .satisfies(
            e -> assertThat(e.field()).isEqualTo("spec.containers[0].ports[1].containerPort"));
    assertThat(failure(pod("containers: [{name: a}]\n  hostNetwork: {on: true}")))
        .hasMessage("f: document 0 (Pod ns/p): spec.hostNetwork a map cannot be read as a boolean");
    assertThat(failure(pod("containers: [{name: a}]\n  nodeName: [n1, n2]")))
        .hasMessage("f: document 0 (Pod ns/p): spec.nodeName a list cannot be read as a string");
    assertThat(failure(pod("containers: [{name: a}]\n  nodeSelector: fast")))
        .hasMessage("f: document 0 (Pod ns/p): spec.nodeSelector \"fast\" cannot be read as a map");
    assertThat(failure(pod("containers: [{name: a}]\n  tolerations: lenient")))
        .hasMessage(
            "f: document 0 (Pod ns/p): spec.tolerations \"lenient\" cannot be read as a list");
    assertThat(failure(pod("containers: [{name: a}]\n  affinity: strong")))
        .hasMessage(
            "f: document 0 (Pod ns/p): spec.affinity \"strong\" cannot be read as a Affinity");
  }

  @Test
  void aPodWithoutASpecLoads() {
    Pod p = Manifests.parse("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n", "f").pods().get(0);
    assertThat(p.getMetadata().getName()).isEqualTo("p");
  }

  @Test
  void preferredNodeAffinityAndPodAffinityTermsAreValidatedLikeTheRequiredOnes() {
    assertThat(
            failure(
                pod(
                    """
                    containers: [{name: a}]
                      affinity:
                        nodeAffinity:
                          preferredDuringSchedulingIgnoredDuringExecution:
                          - weight: 1
                            preference: {matchExpressions: [{key: disk, operator: Exists}]}
                          - weight: 2
                            preference: {matchExpressions: [{key: disk, operator: Near}]}
                    """)))
        .hasMessage(
            "f: document 0 (Pod ns/p): spec.affinity.nodeAffinity"
                + ".preferredDuringSchedulingIgnoredDuringExecution[1].preference.nodeSelectorTerms[0]"
                + ".matchExpressions[0].operator: \"Near\": not a valid selector operator");
    assertThat(
            failure(
                pod(
                    """
                    containers: [{name: a}]
                      affinity:
                        podAffinity:
                          requiredDuringSchedulingIgnoredDuringExecution:
                          - topologyKey: zone
                            labelSelector: {matchLabels: {app: web}}
                          - topologyKey: zone
                            labelSelector: {matchExpressions: [{key: app, operator: Exists, values: [web]}]}
                    """)))
        .hasMessage(
            "f: document 0 (Pod ns/p): spec.affinity.podAffinity"
                + ".requiredDuringSchedulingIgnoredDuringExecution[1].labelSelector.matchExpressions[0]"
                + ".values: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    assertThat(
            failure(
                pod(
                    """
                    containers: [{name: a}]
                      affinity:
                        podAntiAffinity:
                          preferredDuringSchedulingIgnoredDuringExecution:
                          - weight: 1
                            podAffinityTerm: {topologyKey: zone, labelSelector: {matchLabels: {app: web}}}
                          - weight: 1
                            podAffinityTerm: {topologyKey: zone, labelSelector: {matchLabels: {'a b': web}}}
                    """)))
        .hasMessageStartingWith(
            "f: document 0 (Pod ns/p): spec.affinity.podAntiAffinity"
                + ".preferredDuringSchedulingIgnoredDuringExecution[1].podAffinityTerm.labelSelector"
                + ".matchLabels: Invalid value: \"a b\"");
    // Valid affinity of every kind loads.
    Pod ok =
        Manifests.parse(
                pod(
                    """
                    containers: [{name: a}]
                      affinity:
                        nodeAffinity:
                          preferredDuringSchedulingIgnoredDuringExecution:
                          - weight: 1
                            preference: {matchExpressions: [{key: disk, operator: In, values: [ssd]}]}
                        podAffinity:
                          preferredDuringSchedulingIgnoredDuringExecution:
                          - weight: 1
                            podAffinityTerm: {topologyKey: zone, labelSelector: {matchLabels: {app: web}}}
                        podAntiAffinity:
                          requiredDuringSchedulingIgnoredDuringExecution:
                          - topologyKey: zone
                            labelSelector: {matchLabels: {app: db}}
                    """),
                "f")
            .pods()
            .get(0);
    assertThat(ok.getSpec().getAffinity().getPodAntiAffinity()).isNotNull();
  }

  @Test
  void aTolerationsIndexIsNamedAndExistsWithoutValueIsValid() {
    assertThat(
            failure(
                pod(
                    "containers: [{name: a}]\n  tolerations:\n  - {operator: Exists}\n"
                        + "  - {key: a, operator: Equal, value: b, effect: NoExecute}\n"
                        + "  - {key: a, value: b, effect: Evict}")))
        .hasMessage(
            "f: document 0 (Pod ns/p): spec.tolerations[2].effect \"Evict\" is not a taint"
                + " effect");
  }

  @Test
  void byKindListsAreReadOnlyViews() {
    Manifest m = Manifests.parse("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n", "f");
    assertThat(m.byKind().get("Namespace")).hasSize(1);
    assertThatThrownBy(() -> m.byKind().get("Namespace").add(m.objects().get(0)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> m.byKind().clear()).isInstanceOf(UnsupportedOperationException.class);
    HasMetadata only = m.objects().get(0);
    assertThat(m.ofType(HasMetadata.class)).containsExactly(only);
  }

  @Test
  void explicitNullsAreAbsentFields() {
    assertThat(failure("apiVersion: v1\nkind: null\nmetadata: {name: x}\n"))
        .hasMessage("f: document 0: kind is missing");
    assertThat(
            Manifests.parse(
                    "null\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n", "f")
                .size())
        .isEqualTo(1);
    Pod p =
        Manifests.parse(
                pod(
                    """
                    containers: [{name: a}]
                      tolerations: null
                      affinity:
                        nodeAffinity:
                          requiredDuringSchedulingIgnoredDuringExecution: null
                          preferredDuringSchedulingIgnoredDuringExecution: null
                        podAffinity:
                          requiredDuringSchedulingIgnoredDuringExecution: null
                          preferredDuringSchedulingIgnoredDuringExecution:
                          - {weight: 1, podAffinityTerm: null}
                        podAntiAffinity:
                          requiredDuringSchedulingIgnoredDuringExecution: null
                          preferredDuringSchedulingIgnoredDuringExecution: null
                    """),
                "f")
            .pods()
            .get(0);
    assertThat(
            p.getSpec()
                .getAffinity()
                .getPodAffinity()
                .getPreferredDuringSchedulingIgnoredDuringExecution())
        .hasSize(1);
    Pod t =
        Manifests.parse(
                pod("containers: [{name: a}]\n  tolerations:\n  - {operator: Exists, value: null}"),
                "f")
            .pods()
            .get(0);
    assertThat(t.getSpec().getTolerations()).hasSize(1);
  }

  @Test
  void aValueOfExactlyFortyCharactersIsQuotedWhole() {
    String forty = "y".repeat(40);
    assertThat(failure(pod("containers: [{name: a}]\n  priority: " + forty)))
        .hasMessage(
            "f: document 0 (Pod ns/p): spec.priority \""
                + forty
                + "\" cannot be read as an integer");
  }

  @Test
  void aLongFieldIsAnIntegerToo() {
    assertThat(failure(pod("containers: [{name: a}]\n  activeDeadlineSeconds: soon")))
        .hasMessage(
            "f: document 0 (Pod ns/p): spec.activeDeadlineSeconds \"soon\" cannot be read as an integer");
    assertThat(failure(pod("containers: [{name: a}]\n  automountServiceAccountToken: sometimes")))
        .hasMessage(
            "f: document 0 (Pod ns/p): spec.automountServiceAccountToken \"sometimes\" cannot be read as a boolean");
  }
}
