package io.kubelab.cluster.apiserver;

import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An API error: what the server answers, as a {@code metav1.Status}, instead of an object.
 *
 * <p>Upstream: {@code k8s.io/apimachinery/pkg/api/errors/errors.go} ({@code NewNotFound}, {@code
 * NewConflict}, {@code NewInvalid}, ...). The messages, codes and reasons are upstream's; {@link
 * #status()} renders the {@code Status} object the handler writes.
 */
public final class ApiError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** One entry of {@code details.causes}. */
  public record Cause(String type, String message, String field) {}

  private final int code;
  private final String reason;
  private final String group;
  private final String kind;
  private final String name;
  private final List<Cause> causes;
  private final int retryAfterSeconds;
  // Upstream's NewGenericServerResponse always has a (possibly empty) details object.
  private final boolean emptyDetails;

  ApiError(
      int code,
      String reason,
      String message,
      String group,
      String kind,
      String name,
      List<Cause> causes,
      int retryAfterSeconds) {
    this(code, reason, message, group, kind, name, causes, retryAfterSeconds, false);
  }

  private ApiError(
      int code,
      String reason,
      String message,
      String group,
      String kind,
      String name,
      List<Cause> causes,
      int retryAfterSeconds,
      boolean emptyDetails) {
    super(message, null, false, false);
    this.code = code;
    this.reason = reason;
    this.group = group;
    this.kind = kind;
    this.name = name;
    this.causes = List.copyOf(causes);
    this.retryAfterSeconds = retryAfterSeconds;
    this.emptyDetails = emptyDetails;
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  public List<Cause> causes() {
    return causes;
  }

  /** {@code pods "web" not found}: {@code resource} is the qualified resource, e.g. "pods". */
  static ApiError notFound(GroupResource gr, String name) {
    return new ApiError(
        404,
        "NotFound",
        gr + " \"" + name + "\" not found",
        gr.group(),
        gr.resource(),
        name,
        List.of(),
        0);
  }

  static ApiError alreadyExists(GroupResource gr, String name) {
    return new ApiError(
        409,
        "AlreadyExists",
        gr + " \"" + name + "\" already exists",
        gr.group(),
        gr.resource(),
        name,
        List.of(),
        0);
  }

  static ApiError conflict(GroupResource gr, String name, String why) {
    return new ApiError(
        409,
        "Conflict",
        "Operation cannot be fulfilled on " + gr + " \"" + name + "\": " + why,
        gr.group(),
        gr.resource(),
        name,
        List.of(),
        0);
  }

  /** The optimistic-concurrency conflict of {@code storage.Interface.GuaranteedUpdate}. */
  static ApiError staleResourceVersion(GroupResource gr, String name) {
    return conflict(
        gr,
        name,
        "the object has been modified; please apply your changes to the latest version and try"
            + " again");
  }

  static ApiError forbidden(GroupResource gr, String name, String why) {
    String message =
        name.isEmpty()
            ? gr + " is forbidden: " + why
            : gr + " \"" + name + "\" is forbidden: " + why;
    return new ApiError(403, "Forbidden", message, gr.group(), gr.resource(), name, List.of(), 0);
  }

  /**
   * Creating in a namespace being deleted ({@code NamespaceLifecycle} admission): 403 with the
   * {@code NamespaceTerminating} cause, whose message and field name the namespace.
   */
  static ApiError namespaceTerminating(GroupResource gr, String name, String ns) {
    String why =
        "unable to create new content in namespace " + ns + " because it is being terminated";
    String message =
        name.isEmpty()
            ? gr + " is forbidden: " + why
            : gr + " \"" + name + "\" is forbidden: " + why;
    return new ApiError(
        403,
        "Forbidden",
        message,
        gr.group(),
        gr.resource(),
        name,
        List.of(
            new Cause(
                "NamespaceTerminating",
                "namespace " + ns + " is being terminated",
                "metadata.namespace")),
        0);
  }

  /** {@code Pod "x" is invalid: [a, b]}, one cause per field error. */
  static ApiError invalid(String group, String kind, String name, List<FieldError> errs) {
    String qualified = group.isEmpty() ? kind : kind + "." + group;
    String body =
        errs.size() == 1
            ? errs.get(0).toString()
            : "["
                + String.join(", ", errs.stream().map(FieldError::toString).distinct().toList())
                + "]";
    return new ApiError(
        422,
        "Invalid",
        qualified + " \"" + name + "\" is invalid: " + body,
        group,
        kind,
        name,
        errs.stream().map(e -> new Cause(e.type().reason(), e.body(), e.field())).toList(),
        0);
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, "BadRequest", message, "", "", "", List.of(), 0);
  }

  static ApiError expired(String message) {
    return new ApiError(410, "Expired", message, "", "", "", List.of(), 0);
  }

  /**
   * A method no route serves, e.g. POST on a named pod: upstream registers a route per supported
   * verb, and the router's 405 becomes {@code NewGenericServerResponse(405, ...)} with an empty
   * details object.
   */
  static ApiError methodNotAllowed() {
    return new ApiError(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
        "",
        "",
        "",
        List.of(),
        0,
        true);
  }

  /**
   * A plain Go error that reaches the handler (upstream's {@code ErrorToAPIStatus} for an error
   * that is not an {@code APIStatus}): code 500, no reason, no details.
   */
  static ApiError unknown(String message) {
    return new ApiError(500, "", message, "", "", "", List.of(), 0);
  }

  static ApiError tooManyRequests(String message, int retryAfterSeconds, List<Cause> causes) {
    return new ApiError(429, "TooManyRequests", message, "", "", "", causes, retryAfterSeconds);
  }

  /** {@code NewGenericServerResponse(422, ...)}: a patch that does not apply. */
  static ApiError unprocessable(String serverMessage) {
    return new ApiError(
        422,
        "Invalid",
        "the server rejected our request due to an error in our request",
        "",
        "",
        "",
        List.of(new Cause("", serverMessage, "")),
        0);
  }

  static ApiError internal(String message) {
    return new ApiError(
        500,
        "InternalError",
        "Internal error occurred: " + message,
        "",
        "",
        "",
        List.of(new Cause("", message, "")),
        0);
  }

  /** {@code storage.NewTooLargeResourceVersionError}. */
  static ApiError tooLargeResourceVersion(long requested, long current) {
    return new ApiError(
        504,
        "Timeout",
        "Timeout: Too large resource version: " + requested + ", current: " + current,
        "",
        "",
        "",
        List.of(new Cause("ResourceVersionTooLarge", "Too large resource version", "")),
        1);
  }

  static ApiError requestEntityTooLarge(String message) {
    return new ApiError(
        413,
        "RequestEntityTooLarge",
        "Request entity too large: " + message,
        "",
        "",
        "",
        List.of(),
        0);
  }

  static ApiError unsupportedMediaType(String contentType, List<String> supported) {
    return new ApiError(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: "
            + String.join(", ", supported),
        "",
        "",
        "",
        List.of(),
        0);
  }

  static ApiError notAcceptable(List<String> supported) {
    return new ApiError(
        406,
        "NotAcceptable",
        "only the following media types are accepted: " + String.join(", ", supported),
        "",
        "",
        "",
        List.of(),
        0);
  }

  /** The 404 of a path no route serves (upstream's NotFoundHandler writes this Status). */
  static ApiError pathNotFound() {
    return new ApiError(
        404,
        "NotFound",
        "the server could not find the requested resource",
        "",
        "",
        "",
        List.of(),
        0,
        true);
  }

  /** The {@code Status} object, as upstream's {@code responsewriters.ErrorNegotiated} writes it. */
  public ObjectNode status() {
    ObjectNode s = Json.object();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure");
    s.put("message", getMessage());
    if (!reason.isEmpty()) {
      s.put("reason", reason);
    }
    ObjectNode d = Json.object();
    if (!name.isEmpty()) {
      d.put("name", name);
    }
    if (!group.isEmpty()) {
      d.put("group", group);
    }
    if (!kind.isEmpty()) {
      d.put("kind", kind);
    }
    if (!causes.isEmpty()) {
      ArrayNode cs = d.putArray("causes");
      for (Cause c : causes) {
        ObjectNode o = cs.addObject();
        if (!c.type().isEmpty()) {
          o.put("reason", c.type());
        }
        if (!c.message().isEmpty()) {
          o.put("message", c.message());
        }
        if (!c.field().isEmpty()) {
          o.put("field", c.field());
        }
      }
    }
    if (retryAfterSeconds > 0) {
      d.put("retryAfterSeconds", retryAfterSeconds);
    }
    if (!d.isEmpty() || emptyDetails) {
      s.set("details", d);
    }
    s.put("code", code);
    return s;
  }
}
