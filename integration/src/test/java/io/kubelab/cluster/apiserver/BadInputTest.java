package io.kubelab.cluster.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * The bad-input corpus: each malformed or invalid request gets upstream's Status code and reason
 * and a message that says what is wrong, and the store is unchanged afterwards (its revision does
 * not move).
 */
@Timeout(60)
class BadInputTest {

  private static ApiServer server;
  private static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    server = ApiServer.builder().build().start();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    send("POST", "/api/v1/namespaces/default/pods", "application/json", pod("existing"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String pod(String name) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\""
        + name
        + "\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}";
  }

  static HttpResponse<String> send(String method, String path, String contentType, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(30));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** One entry of the corpus. */
  record Case(
      String what,
      String method,
      String path,
      String contentType,
      String body,
      int code,
      String reason,
      String messagePart) {
    @Override
    public String toString() {
      return what;
    }
  }

  static List<Case> corpus() {
    String pods = "/api/v1/namespaces/default/pods";
    String deployments = "/apis/apps/v1/namespaces/default/deployments";
    return List.of(
        new Case(
            "truncated JSON",
            "POST",
            pods,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metad",
            400,
            "BadRequest",
            "json parse error"),
        new Case(
            "not an object",
            "POST",
            pods,
            "application/json",
            "[1,2]",
            400,
            "BadRequest",
            "cannot unmarshal array"),
        new Case(
            "wrong type",
            "POST",
            pods,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"},\"spec\":{\"containers\":\"nginx\"}}",
            400,
            "BadRequest",
            "Pod in version \"v1\" cannot be handled as a Pod: spec.containers"),
        new Case(
            "huge number",
            "POST",
            pods,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"},\"spec\":{\"terminationGracePeriodSeconds\":123456789012345678901234567890,\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}",
            400,
            "BadRequest",
            "cannot be handled as a Pod: spec.terminationGracePeriodSeconds"),
        new Case(
            "bad quantity",
            "POST",
            pods,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"resources\":{\"requests\":{\"cpu\":\"lots\"}}}]}}",
            400,
            "BadRequest",
            "quantities must match the regular expression"),
        new Case(
            "invalid name",
            "POST",
            pods,
            "application/json",
            pod("Bad_Name"),
            422,
            "Invalid",
            "Pod \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of"),
        new Case(
            "name too long",
            "POST",
            pods,
            "application/json",
            pod("a".repeat(254)),
            422,
            "Invalid",
            "must be no more than 253 characters"),
        new Case(
            "missing containers",
            "POST",
            pods,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"},\"spec\":{}}",
            422,
            "Invalid",
            "spec.containers: Required value"),
        new Case(
            "missing name",
            "POST",
            pods,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}",
            422,
            "Invalid",
            "metadata.name: Required value: name or generateName is required"),
        new Case(
            "unknown kind",
            "POST",
            pods,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Frob\",\"metadata\":{\"name\":\"x\"}}",
            400,
            "BadRequest",
            "no kind \"Frob\" is registered for version \"v1\""),
        new Case(
            "kind for another path",
            "POST",
            pods,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"x\"}}",
            400,
            "BadRequest",
            "Service in version \"v1\" cannot be handled as a Pod"),
        new Case(
            "apiVersion for another path",
            "POST",
            "/apis/apps/v1/namespaces/default/deployments",
            "application/json",
            "{\"apiVersion\":\"apps/v1beta1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"x\"}}",
            400,
            "BadRequest",
            "the API version in the data (apps/v1beta1) does not match the expected API version (apps/v1)"),
        new Case(
            "namespace mismatch",
            "POST",
            pods,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\",\"namespace\":\"other\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}",
            400,
            "BadRequest",
            "the namespace of the provided object does not match the namespace sent on the request"),
        new Case(
            "name mismatch on update",
            "PUT",
            pods + "/existing",
            "application/json",
            pod("other"),
            400,
            "BadRequest",
            "the name of the object (other) does not match the name on the URL (existing)"),
        new Case(
            "immutable spec",
            "PUT",
            pods + "/existing",
            "application/json",
            pod("existing").replace("nginx", "busybox").replace("\"c\"", "\"d\""),
            422,
            "Invalid",
            "pod updates may not change fields other than"),
        new Case(
            "unknown field, strict",
            "POST",
            pods + "?fieldValidation=Strict",
            "application/json",
            pod("x").replace("\"spec\":{", "\"spec\":{\"bogus\":1,"),
            400,
            "BadRequest",
            "strict decoding error: unknown field \"spec.bogus\""),
        new Case(
            "malformed YAML",
            "POST",
            pods,
            "application/yaml",
            "apiVersion: v1\nkind: Pod\nmetadata: {name: x\n",
            400,
            "BadRequest",
            "json parse error"),
        new Case(
            "unknown content type",
            "POST",
            pods,
            "text/plain",
            pod("x"),
            415,
            "UnsupportedMediaType",
            "the body of the request was in an unknown format"),
        new Case(
            "10 MiB body",
            "POST",
            pods,
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\",\"annotations\":{\"a\":\""
                + "x".repeat(10 * 1024 * 1024)
                + "\"}}}",
            413,
            "RequestEntityTooLarge",
            "Request entity too large: limit is 3145728"),
        new Case(
            "resourceVersion on create",
            "POST",
            pods,
            "application/json",
            pod("x").replace("\"name\":\"x\"", "\"name\":\"x\",\"resourceVersion\":\"5\""),
            500,
            "", // a plain error from etcd3's Create: no reason
            "resourceVersion should not be set on objects to be created"),
        new Case(
            "missing namespace",
            "POST",
            "/api/v1/namespaces/nowhere/pods",
            "application/json",
            pod("x"),
            404,
            "NotFound",
            "namespaces \"nowhere\" not found"),
        new Case(
            "unknown priority class",
            "POST",
            pods,
            "application/json",
            pod("x").replace("\"spec\":{", "\"spec\":{\"priorityClassName\":\"gold\","),
            403,
            "Forbidden",
            "pods \"x\" is forbidden: no PriorityClass with name gold was found"),
        new Case(
            "bad patch",
            "PATCH",
            pods + "/existing",
            "application/json-patch+json",
            "{\"op\":\"add\"}",
            400,
            "BadRequest",
            "cannot unmarshal object into Go value of type jsonpatch.Patch"),
        new Case(
            "patch of a missing path",
            "PATCH",
            pods + "/existing",
            "application/json-patch+json",
            "[{\"op\":\"replace\",\"path\":\"/spec/nothing/here\",\"value\":1}]",
            422,
            "Invalid",
            "the server rejected our request due to an error in our request"),
        new Case(
            "create on a name",
            "POST",
            pods + "/existing",
            "application/json",
            pod("existing"),
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource"),
        new Case(
            "unknown resource",
            "GET",
            "/api/v1/frobs",
            null,
            null,
            404,
            "NotFound",
            "the server could not find the requested resource"),
        new Case(
            "bad label selector",
            "GET",
            pods + "?labelSelector=a%20in%20(b",
            null,
            null,
            400,
            "BadRequest",
            "unable to parse requirement"),
        new Case(
            "bad resourceVersion",
            "GET",
            pods + "?resourceVersion=abc",
            null,
            null,
            400,
            "BadRequest",
            "resourceVersion"),
        new Case(
            "bad continue token",
            "GET",
            pods + "?limit=1&continue=xyz",
            null,
            null,
            400,
            "BadRequest",
            "continue key is not valid"),
        new Case(
            "deployment: maxSurge not a percentage",
            "POST",
            deployments,
            "application/json",
            DEPLOYMENT.replace(
                "STRATEGY",
                "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":\"lots\"}}"),
            422,
            "Invalid",
            "spec.strategy.rollingUpdate.maxSurge: Invalid value: \"lots\": a valid percent string"
                + " must be a numeric string followed by an ending '%'"),
        new Case(
            "deployment: surge and unavailable both 0",
            "POST",
            deployments,
            "application/json",
            DEPLOYMENT.replace(
                "STRATEGY",
                "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":0,"
                    + "\"maxUnavailable\":\"0%\"}}"),
            422,
            "Invalid",
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"0%\": may not be 0 when"
                + " `maxSurge` is 0"),
        new Case(
            "deployment: maxUnavailable over 100%",
            "POST",
            deployments,
            "application/json",
            DEPLOYMENT.replace(
                "STRATEGY",
                "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"101%\"}}"),
            422,
            "Invalid",
            "must not be greater than 100%"),
        new Case(
            "deployment: Recreate with rollingUpdate",
            "POST",
            deployments,
            "application/json",
            DEPLOYMENT.replace(
                "STRATEGY", "{\"type\":\"Recreate\",\"rollingUpdate\":{\"maxSurge\":1}}"),
            422,
            "Invalid",
            "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is"
                + " 'Recreate'"),
        new Case(
            "deployment: unknown strategy",
            "POST",
            deployments,
            "application/json",
            DEPLOYMENT.replace("STRATEGY", "{\"type\":\"BlueGreen\"}"),
            422,
            "Invalid",
            "spec.strategy: Unsupported value: \"BlueGreen\": supported values: \"Recreate\","
                + " \"RollingUpdate\""));
  }

  private static final String DEPLOYMENT =
      "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},\"spec\":{\"selector\":{\"matchLabels\":{\"a\":\"b\"}},\"template\":{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}},\"strategy\":STRATEGY}}";

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void eachBadRequestGetsUpstreamsStatusAndChangesNothing(Case c) throws Exception {
    long before = server.storage().currentRevision();
    HttpResponse<String> r = send(c.method(), c.path(), c.contentType(), c.body());
    JsonNode status = Json.parse(r.body());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(c.code());
    assertThat(status.path("kind").asString()).isEqualTo("Status");
    assertThat(status.path("status").asString()).isEqualTo("Failure");
    assertThat(status.path("code").asInt()).isEqualTo(c.code());
    assertThat(status.path("reason").asString()).isEqualTo(c.reason());
    assertThat(status.path("message").asString()).contains(c.messagePart());
    assertThat(server.storage().currentRevision()).as("nothing stored").isEqualTo(before);
    assertThat(server.storage().get("/registry/pods/default/x")).isNull();
  }

  @Test
  void invalidObjectsNameEachFieldInTheCauses() throws Exception {
    HttpResponse<String> r =
        send(
            "POST",
            "/api/v1/namespaces/default/pods",
            "application/json",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"},\"spec\":{\"restartPolicy\":\"Sometimes\",\"containers\":[{\"name\":\"Bad\"}]}}");
    JsonNode causes = Json.parse(r.body()).path("details").path("causes");
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(causes.findValuesAsString("field"))
        .containsExactlyInAnyOrder(
            "spec.containers[0].name", "spec.containers[0].image", "spec.restartPolicy");
    assertThat(Json.parse(r.body()).path("message").asString())
        .startsWith("Pod \"x\" is invalid: [")
        .contains(
            "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"");
  }
}
