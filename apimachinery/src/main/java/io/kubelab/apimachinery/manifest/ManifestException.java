package io.kubelab.apimachinery.manifest;

/**
 * A manifest that cannot be loaded. The message names the source, the document (its index in the
 * stream, and {@code items[i]} inside a list), the object's kind and name when known, and the
 * field: {@code cluster.yaml: document 0, items[3] (Pod default/web-1):
 * spec.containers[0].resources.requests.cpu "abc" is not a quantity}.
 *
 * <p>Upstream counterpart: the decoding errors of {@code
 * k8s.io/apimachinery/pkg/runtime/serializer} and {@code kubectl}'s "error validating" messages,
 * which also name the document and field.
 */
public final class ManifestException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String document;
  private final String field;

  /** {@code field} is empty, never null, when the problem is the whole document or object. */
  ManifestException(String document, String field, String problem, Throwable cause) {
    super(document + ": " + (field.isEmpty() ? "" : field + " ") + problem, cause);
    this.document = document;
    this.field = field;
  }

  /** Where the bad object is: source, document index, list item, kind and name. */
  public String document() {
    return document;
  }

  /** The field path inside the object ({@code spec.containers[0].image}); empty if the whole. */
  public String field() {
    return field;
  }
}
