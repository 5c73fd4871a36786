package io.kubelab.cluster.apiserver.conformance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The differential conformance check: replays one request corpus against two API servers (kubelab's
 * and upstream's kube-apiserver v1.20.2) and reports every difference in status code, Status reason
 * and response shape (the set of field paths, two levels deep). Run by {@code
 * integration/conformance/compare.sh}, on demand: the upstream build takes minutes.
 *
 * <p>Usage: {@code ConformanceReplay KUBELAB_URL UPSTREAM_URL UPSTREAM_TOKEN}. A step's path and
 * body may name {@code {rv:NAME}}: the resourceVersion the same server returned for the step
 * labelled NAME, so both servers are asked the same question about their own history.
 */
public final class ConformanceReplay {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** One request of the corpus. */
  record Step(String label, String method, String path, String contentType, String body) {}

  private static String pod(String name, String extraSpec) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\""
        + name
        + "\"},\"spec\":{"
        + extraSpec
        + "\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1.19\"}]}}";
  }

  static List<Step> corpus() {
    String ns = "/api/v1/namespaces/conformance";
    String pods = ns + "/pods";
    String json = "application/json";
    List<Step> s = new ArrayList<>();
    s.add(
        new Step(
            "ns",
            "POST",
            "/api/v1/namespaces",
            json,
            "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"conformance\"}}"));
    s.add(new Step("create", "POST", pods, json, pod("web", "")));
    s.add(new Step("get", "GET", pods + "/web", null, null));
    s.add(new Step("list", "GET", pods, null, null));
    s.add(new Step("create-again", "POST", pods, json, pod("web", "")));
    s.add(new Step("update", "PUT", pods + "/web", json, null)); // body: the GET result, relabelled
    s.add(new Step("stale-update", "PUT", pods + "/web", json, null)); // body: the GET result again
    s.add(
        new Step(
            "merge-patch",
            "PATCH",
            pods + "/web",
            "application/merge-patch+json",
            "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}"));
    s.add(
        new Step(
            "json-patch",
            "PATCH",
            pods + "/web",
            "application/json-patch+json",
            "[{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{\"x\":\"y\"}}]"));
    s.add(
        new Step(
            "strategic-patch",
            "PATCH",
            pods + "/web",
            "application/strategic-merge-patch+json",
            "{\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1.20\"}]}}"));
    s.add(
        new Step(
            "immutable",
            "PATCH",
            pods + "/web",
            "application/merge-patch+json",
            "{\"spec\":{\"restartPolicy\":\"Never\"}}"));
    s.add(
        new Step(
            "watch-from-create",
            "GET",
            pods + "?watch=true&resourceVersion={rv:create}&timeoutSeconds=1",
            null,
            null));
    s.add(
        new Step(
            "watch-too-old",
            "GET",
            pods + "?watch=true&resourceVersion=1&timeoutSeconds=1",
            null,
            null));
    s.add(new Step("list-paged", "GET", pods + "?limit=1", null, null));
    s.add(
        new Step(
            "binding",
            "POST",
            pods + "/web/binding",
            json,
            "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"web\"},\"target\":{\"kind\":\"Node\",\"name\":\"n1\"}}"));
    s.add(
        new Step(
            "binding-again",
            "POST",
            pods + "/web/binding",
            json,
            "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"web\"},\"target\":{\"kind\":\"Node\",\"name\":\"n2\"}}"));
    s.add(new Step("status-get", "GET", pods + "/web/status", null, null));
    s.add(
        new Step(
            "status-patch",
            "PATCH",
            pods + "/web/status",
            "application/merge-patch+json",
            "{\"status\":{\"phase\":\"Running\"}}"));
    s.add(new Step("graceful-delete", "DELETE", pods + "/web", null, null));
    s.add(new Step("delete-confirm", "DELETE", pods + "/web", json, "{\"gracePeriodSeconds\":0}"));
    s.add(new Step("get-deleted", "GET", pods + "/web", null, null));
    s.add(
        new Step(
            "bad-json", "POST", pods, json, "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metad"));
    s.add(
        new Step(
            "bad-type",
            "POST",
            pods,
            json,
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"},\"spec\":{\"containers\":\"nginx\"}}"));
    s.add(
        new Step(
            "wrong-kind",
            "POST",
            pods,
            json,
            "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"x\"}}"));
    s.add(
        new Step(
            "unknown-kind",
            "POST",
            pods,
            json,
            "{\"apiVersion\":\"v1\",\"kind\":\"Frob\",\"metadata\":{\"name\":\"x\"}}"));
    s.add(
        new Step(
            "wrong-version",
            "POST",
            "/apis/apps/v1/namespaces/conformance/deployments",
            json,
            "{\"apiVersion\":\"apps/v1beta1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"x\"}}"));
    s.add(new Step("invalid-name", "POST", pods, json, pod("Bad_Name", "")));
    s.add(
        new Step(
            "no-containers",
            "POST",
            pods,
            json,
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"},\"spec\":{}}"));
    s.add(
        new Step(
            "bad-quantity",
            "POST",
            pods,
            json,
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\",\"resources\":{\"requests\":{\"cpu\":\"lots\"}}}]}}"));
    s.add(
        new Step(
            "ns-mismatch",
            "POST",
            pods,
            json,
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\",\"namespace\":\"other\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"i\"}]}}"));
    s.add(
        new Step(
            "rv-on-create",
            "POST",
            pods,
            json,
            pod("x", "").replace("\"name\":\"x\"", "\"name\":\"x\",\"resourceVersion\":\"5\"")));
    s.add(
        new Step(
            "no-such-namespace", "POST", "/api/v1/namespaces/nowhere/pods", json, pod("x", "")));
    s.add(new Step("create-on-name", "POST", pods + "/web", json, pod("web", "")));
    s.add(new Step("unknown-resource", "GET", "/api/v1/frobs", null, null));
    s.add(new Step("bad-selector", "GET", pods + "?labelSelector=a%20in%20(b", null, null));
    s.add(new Step("bad-field", "GET", pods + "?fieldSelector=spec.bogus%3Dx", null, null));
    s.add(
        new Step(
            "service",
            "POST",
            ns + "/services",
            json,
            "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"svc\"},\"spec\":{\"selector\":{\"app\":\"web\"},\"ports\":[{\"port\":80}]}}"));
    s.add(
        new Step(
            "replicaset",
            "POST",
            "/apis/apps/v1/namespaces/conformance/replicasets",
            json,
            "{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"metadata\":{\"name\":\"rs\"},\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"rs\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"rs\"}},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}}}"));
    s.add(
        new Step(
            "scale-get",
            "GET",
            "/apis/apps/v1/namespaces/conformance/replicasets/rs/scale",
            null,
            null));
    s.add(
        new Step(
            "scale-patch",
            "PATCH",
            "/apis/apps/v1/namespaces/conformance/replicasets/rs/scale",
            "application/merge-patch+json",
            "{\"spec\":{\"replicas\":3}}"));
    s.add(
        new Step(
            "delete-rs",
            "DELETE",
            "/apis/apps/v1/namespaces/conformance/replicasets/rs",
            null,
            null));
    s.add(
        new Step(
            "priorityclass",
            "POST",
            "/apis/scheduling.k8s.io/v1/priorityclasses",
            json,
            "{\"apiVersion\":\"scheduling.k8s.io/v1\",\"kind\":\"PriorityClass\",\"metadata\":{\"name\":\"conformance-high\"},\"value\":1000}"));
    s.add(
        new Step(
            "priorityclass-too-high",
            "POST",
            "/apis/scheduling.k8s.io/v1/priorityclasses",
            json,
            "{\"apiVersion\":\"scheduling.k8s.io/v1\",\"kind\":\"PriorityClass\",\"metadata\":{\"name\":\"conformance-huge\"},\"value\":2000000000}"));
    s.add(
        new Step(
            "lease",
            "POST",
            "/apis/coordination.k8s.io/v1/namespaces/conformance/leases",
            json,
            "{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\",\"metadata\":{\"name\":\"l\"},\"spec\":{\"holderIdentity\":\"me\"}}"));
    s.add(new Step("delete-collection", "DELETE", pods, null, null));
    s.add(new Step("discovery-v1", "GET", "/api/v1", null, null));
    s.add(new Step("discovery-apps", "GET", "/apis/apps/v1", null, null));
    s.add(
        new Step(
            "cleanup-pc",
            "DELETE",
            "/apis/scheduling.k8s.io/v1/priorityclasses/conformance-high",
            null,
            null));
    s.add(new Step("cleanup-ns", "DELETE", "/api/v1/namespaces/conformance", null, null));
    return s;
  }

  /** One server under test. */
  static final class Target {
    final String name;
    final String base;
    final String token;
    final HttpClient http;
    final Map<String, JsonNode> results = new HashMap<>();

    Target(String name, String base, String token) throws Exception {
      this.name = name;
      this.base = base;
      this.token = token;
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
      SSLParameters params = new SSLParameters();
      params.setEndpointIdentificationAlgorithm(null);
      this.http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .sslContext(ssl)
              .sslParameters(params)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
    }

    String resolve(String s) {
      if (s == null) {
        return null;
      }
      Matcher m = Pattern.compile("\\{rv:([a-z-]+)\\}").matcher(s);
      StringBuilder b = new StringBuilder();
      while (m.find()) {
        JsonNode r = results.get(m.group(1));
        m.appendReplacement(
            b, r == null ? "0" : r.path("metadata").path("resourceVersion").asString("0"));
      }
      return m.appendTail(b).toString();
    }

    /** Status code and parsed body (for a watch: the last event). */
    Object[] send(Step step) throws Exception {
      String body = step.body();
      if (body == null && step.method().equals("PUT")) {
        JsonNode got = results.get("get").deepCopy();
        ((tools.jackson.databind.node.ObjectNode) got.path("metadata"))
            .putObject("labels")
            .put("updated", step.label());
        body = JSON.writeValueAsString(got);
      }
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + resolve(step.path())))
              .timeout(Duration.ofSeconds(30));
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      if (step.contentType() != null) {
        b.header("Content-Type", step.contentType());
      }
      b.method(
          step.method(),
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body));
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      String text = r.body().strip();
      if (step.path().contains("watch=true")) {
        String[] lines = text.split("\n");
        text = lines[lines.length - 1];
      }
      JsonNode parsed;
      try {
        parsed = text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
      } catch (RuntimeException e) {
        parsed = JSON.createObjectNode().put("unparsed", text);
      }
      results.put(step.label(), parsed);
      return new Object[] {r.statusCode(), parsed};
    }
  }

  /** The field paths of a response, two levels deep (values and list contents ignored). */
  static TreeSet<String> shape(JsonNode n) {
    TreeSet<String> out = new TreeSet<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      out.add(e.getKey());
      if (e.getValue().isObject()) {
        for (String k : e.getValue().propertyNames()) {
          out.add(e.getKey() + "." + k);
        }
      }
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    Target ours = new Target("kubelab", args[0], null);
    Target theirs = new Target("kube-apiserver", args[1], args.length > 2 ? args[2] : null);
    int differences = 0;
    for (Step step : corpus()) {
      Object[] a = ours.send(step);
      Object[] b = theirs.send(step);
      JsonNode ja = (JsonNode) a[1];
      JsonNode jb = (JsonNode) b[1];
      List<String> diffs = new ArrayList<>();
      if (!a[0].equals(b[0])) {
        diffs.add("status code " + a[0] + " vs " + b[0]);
      }
      String ra = reason(ja);
      String rb = reason(jb);
      if (!ra.equals(rb)) {
        diffs.add("reason " + ra + " vs " + rb);
      }
      TreeSet<String> sa = shape(ja);
      TreeSet<String> sb = shape(jb);
      TreeSet<String> onlyA = new TreeSet<>(sa);
      onlyA.removeAll(sb);
      TreeSet<String> onlyB = new TreeSet<>(sb);
      onlyB.removeAll(sa);
      onlyB.removeIf(
          p -> p.startsWith("metadata.managedFields") || p.startsWith("metadata.selfLink"));
      if (!onlyA.isEmpty()) {
        diffs.add("only kubelab has " + onlyA);
      }
      if (!onlyB.isEmpty()) {
        diffs.add("only kube-apiserver has " + onlyB);
      }
      String msgA = ja.path("message").asString(ja.path("object").path("message").asString(""));
      String msgB = jb.path("message").asString(jb.path("object").path("message").asString(""));
      System.out.printf(
          "%-24s %-4s %-4s %s%n",
          step.label(), a[0], b[0], diffs.isEmpty() ? "same" : String.join("; ", diffs));
      if (!msgA.equals(msgB) && (!msgA.isEmpty() || !msgB.isEmpty())) {
        System.out.printf(
            "%-24s   kubelab:        %s%n%-24s   kube-apiserver: %s%n", "", msgA, "", msgB);
      }
      differences += diffs.isEmpty() ? 0 : 1;
    }
    System.out.printf(
        "%n%d of %d requests differ in code, reason or shape.%n", differences, corpus().size());
  }

  private static String reason(JsonNode n) {
    if (n.path("kind").asString("").equals("Status")) {
      return n.path("reason").asString("") + "/" + n.path("status").asString("");
    }
    if (n.path("type").asString("").equals("ERROR")) {
      return "watch ERROR " + n.path("object").path("reason").asString("");
    }
    return n.path("kind").asString(n.path("type").asString("-"));
  }

  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
