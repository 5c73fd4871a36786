package io.kubelab.cluster.apiserver;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One field's validation error, as upstream's {@code field.Error}: {@code metadata.name: Invalid
 * value: "Bad_Name": a lowercase RFC 1123 subdomain must ...}.
 *
 * <p>Upstream: {@code k8s.io/apimachinery/pkg/util/validation/field/errors.go}.
 *
 * @param badValue the offending value: a String is quoted, a Number or Boolean printed plain, null
 *     is "null"; ignored for Required, Forbidden, TooLong and Internal
 */
record FieldError(Type type, String field, Object badValue, String detail) {

  /** {@code field.ErrorType}: the cause reason and the words of the message. */
  enum Type {
    NOT_FOUND("FieldValueNotFound", "Not found"),
    REQUIRED("FieldValueRequired", "Required value"),
    DUPLICATE("FieldValueDuplicate", "Duplicate value"),
    INVALID("FieldValueInvalid", "Invalid value"),
    NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value"),
    FORBIDDEN("FieldValueForbidden", "Forbidden"),
    TOO_LONG("FieldValueTooLong", "Too long"),
    TOO_MANY("FieldValueTooMany", "Too many"),
    INTERNAL("InternalError", "Internal error");

    private final String reason;
    private final String words;

    Type(String reason, String words) {
      this.reason = reason;
      this.words = words;
    }

    String reason() {
      return reason;
    }
  }

  static FieldError required(String field, String detail) {
    return new FieldError(Type.REQUIRED, field, null, detail);
  }

  static FieldError invalid(String field, Object value, String detail) {
    return new FieldError(Type.INVALID, field, value, detail);
  }

  static FieldError forbidden(String field, String detail) {
    return new FieldError(Type.FORBIDDEN, field, null, detail);
  }

  static FieldError duplicate(String field, Object value) {
    return new FieldError(Type.DUPLICATE, field, value, "");
  }

  static FieldError notSupported(String field, Object value, List<String> valid) {
    String detail =
        valid.isEmpty()
            ? ""
            : "supported values: "
                + valid.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", "));
    return new FieldError(Type.NOT_SUPPORTED, field, value, detail);
  }

  /** {@code ErrorBody}: the message without the field name. */
  String body() {
    String s =
        switch (type) {
          case REQUIRED, FORBIDDEN, TOO_LONG, INTERNAL -> type.words;
          default -> type.words + ": " + render(badValue);
        };
    return detail == null || detail.isEmpty() ? s : s + ": " + detail;
  }

  private static String render(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String s) {
      return Json.goQuote(s);
    }
    return String.valueOf(v);
  }

  @Override
  public String toString() {
    return field + ": " + body();
  }
}
