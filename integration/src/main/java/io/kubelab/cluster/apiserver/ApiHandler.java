package io.kubelab.cluster.apiserver;

import io.kubelab.apimachinery.clock.Clock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The HTTP face of the server: routes upstream's paths ({@code /api/v1/namespaces/NS/pods/NAME},
 * {@code /apis/apps/v1/...}, the legacy {@code /api/v1/watch/...}) to the verbs of the {@link
 * Registry}, negotiates JSON, YAML bodies and Tables, streams watches, and turns every {@link
 * ApiError} into a {@code Status} with its code.
 *
 * <p>Upstream: {@code k8s.io/apiserver/pkg/endpoints/installer.go} (the routes), {@code
 * endpoints/handlers/{get,create,update,patch,delete,watch}.go}, {@code
 * endpoints/handlers/responsewriters} and the request-info parsing of {@code
 * endpoints/request/requestinfo.go}.
 */
final class ApiHandler extends Handler.Abstract {

  /** Upstream {@code MaxRequestBodyBytes}: 3 MiB. */
  static final int MAX_BODY = 3 * 1024 * 1024;

  private static final long DRAIN_LIMIT = 16L * 1024 * 1024;

  /** Upstream's default {@code --min-request-timeout}: a watch ends after 30 to 60 minutes. */
  static final Duration MIN_REQUEST_TIMEOUT = Duration.ofMinutes(30);

  /** How often a watcher that asked for bookmarks gets one (the cacher's bookmark frequency). */
  static final Duration BOOKMARK_FREQUENCY = Duration.ofMinutes(1);

  private static final List<String> ACCEPTED =
      List.of(
          "application/json",
          "application/yaml",
          "application/json-patch+json",
          "application/merge-patch+json",
          "application/strategic-merge-patch+json");

  private final Registry registry;
  private final MemoryStorage storage;
  private final Clock clock;
  private final Random random;
  private volatile Discovery discovery = new Discovery("127.0.0.1:0");

  /**
   * Each event is serialised once, however many watchers it goes to (upstream's cacher does the
   * same with its {@code cachingObject}): frames by revision, key and event type.
   */
  private final Map<FrameKey, byte[]> frames = new java.util.concurrent.ConcurrentHashMap<>();

  private record FrameKey(long revision, String key, String type) {}

  ApiHandler(Registry registry, MemoryStorage storage, Clock clock, Random random) {
    this.registry = registry;
    this.storage = storage;
    this.clock = clock;
    this.random = random;
  }

  void serverAddress(String hostPort) {
    discovery = new Discovery(hostPort);
  }

  /** One parsed request path. */
  private record Route(
      ResourceType type, String namespace, String name, String subresource, boolean legacyWatch) {}

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    try {
      serve(request, response, callback);
    } catch (ApiError e) {
      write(response, callback, e.code(), e.status());
    } catch (Patches.PatchException e) {
      ApiError err =
          e.malformed
              ? ApiError.badRequest(e.getMessage())
              : ApiError.unprocessable(e.getMessage());
      write(response, callback, err.code(), err.status());
    } catch (RuntimeException e) {
      ApiError err = ApiError.internal(String.valueOf(e));
      write(response, callback, 500, err.status());
    }
    return true;
  }

  private void serve(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    if ("websocket".equalsIgnoreCase(request.getHeaders().get(HttpHeader.UPGRADE))) {
      // WebSocket watches are not served. The answer is an empty 200 (not 101): a client that
      // tries a WebSocket first (fabric8) falls back to a plain HTTP watch at once. A 503 would
      // first be retried with back-off (about 20 s with fabric8's defaults), and the watch
      // stream itself as the 200's body would keep the WebSocket handshake waiting forever.
      response.setStatus(200);
      response.write(true, null, callback);
      return;
    }
    String method = request.getMethod();
    Map<String, String> q = query(request);
    switch (path) {
      case "/version", "/version/" -> {
        write(response, callback, 200, Discovery.version());
        return;
      }
      case "/api", "/api/" -> {
        write(response, callback, 200, discovery.api());
        return;
      }
      case "/apis", "/apis/" -> {
        write(response, callback, 200, discovery.apis());
        return;
      }
      case "/openapi/v2", "/openapi/v2/" -> {
        // An empty OpenAPI v2 document (protobuf, as client-go asks for it): it describes no
        // types, so kubectl (up to 1.26) validates nothing client-side and apply falls back to
        // its compiled-in types, instead of failing with "failed to download openapi".
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        response.write(true, ByteBuffer.allocate(0), callback);
        return;
      }
      case "/openapi/v3", "/openapi/v3/" -> {
        write(response, callback, 200, OpenApi.root());
        return;
      }
      case "/healthz", "/readyz", "/livez" -> {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, "ok", callback);
        return;
      }
      default -> {}
    }
    if (path.startsWith("/openapi/v3/")) {
      String[] p = path.substring("/openapi/v3/".length()).split("/");
      ObjectNode doc =
          p.length == 2 && p[0].equals("api")
              ? OpenApi.groupVersion("", p[1])
              : p.length == 3 && p[0].equals("apis") ? OpenApi.groupVersion(p[1], p[2]) : null;
      if (doc == null) {
        throw ApiError.pathNotFound();
      }
      write(response, callback, 200, doc);
      return;
    }
    List<String> segs = new ArrayList<>(Arrays.asList(path.substring(1).split("/")));
    segs.removeIf(String::isEmpty);
    String group;
    String version;
    if (segs.size() >= 2 && segs.get(0).equals("api")) {
      group = "";
      version = segs.get(1);
      segs = segs.subList(2, segs.size());
    } else if (segs.size() >= 2 && segs.get(0).equals("apis")) {
      group = segs.get(1);
      if (segs.size() == 2) {
        List<String> versions = Discovery.groups().get(group);
        if (versions == null) {
          throw ApiError.pathNotFound();
        }
        write(response, callback, 200, discovery.group(group, versions, true));
        return;
      }
      version = segs.get(2);
      segs = segs.subList(3, segs.size());
    } else {
      throw ApiError.pathNotFound();
    }
    if (segs.isEmpty()) {
      ObjectNode list = Discovery.resources(group, version);
      if (list == null) {
        throw ApiError.pathNotFound();
      }
      write(response, callback, 200, list);
      return;
    }
    Route route = route(group, version, segs);
    dispatch(route, method, q, request, response, callback);
  }

  private static ResourceType find(String group, String version, String resource) {
    for (ResourceType t : Kinds.ALL) {
      if (t.group().equals(group) && t.version().equals(version) && t.resource().equals(resource)) {
        return t;
      }
    }
    return null;
  }

  private static Route route(String group, String version, List<String> segs) {
    boolean legacyWatch = false;
    if (segs.get(0).equals("watch")) {
      legacyWatch = true;
      segs = segs.subList(1, segs.size());
      if (segs.isEmpty()) {
        throw ApiError.pathNotFound();
      }
    }
    String ns = "";
    if (segs.get(0).equals("namespaces") && segs.size() >= 3) {
      ResourceType inner = find(group, version, segs.get(2));
      if (inner != null && inner.namespaced()) {
        ns = segs.get(1);
        segs = segs.subList(2, segs.size());
      } else if (group.isEmpty() && segs.get(2).equals("bindings") && segs.size() == 3) {
        return new Route(null, segs.get(1), "", "bindings", false);
      } else if (!(group.isEmpty()
          && segs.size() == 3
          && List.of("status", "finalize").contains(segs.get(2)))) {
        throw ApiError.pathNotFound();
      }
    }
    ResourceType t = find(group, version, segs.get(0));
    if (t == null || segs.size() > 3) {
      throw ApiError.pathNotFound();
    }
    String name = segs.size() > 1 ? segs.get(1) : "";
    String sub = segs.size() > 2 ? segs.get(2) : "";
    if (!sub.isEmpty() && !t.subresources().contains(sub)) {
      throw ApiError.pathNotFound();
    }
    return new Route(t, ns, name, sub, legacyWatch);
  }

  private void dispatch(
      Route r,
      String method,
      Map<String, String> q,
      Request request,
      Response response,
      Callback callback) {
    if (r.type() == null) { // POST namespaces/NS/bindings
      if (!method.equals("POST")) {
        throw ApiError.methodNotAllowed();
      }
      ObjectNode binding =
          decodeAux(request, "v1", "Binding", io.fabric8.kubernetes.api.model.Binding.class, "");
      registry.bind(r.namespace(), "", binding);
      write(response, callback, 201, success());
      return;
    }
    ResourceType t = r.type();
    boolean watch = r.legacyWatch() || "true".equals(q.get("watch")) || "1".equals(q.get("watch"));
    boolean table = wantsTable(request);
    switch (method) {
      case "GET" -> {
        if (r.name().isEmpty()) {
          Selectors sel = Selectors.parse(t, q.get("labelSelector"), q.get("fieldSelector"));
          ListOptions opts = ListOptions.from(q);
          if (watch) {
            watch(t, r.namespace(), sel, opts, table, q, response, callback);
          } else {
            list(t, r.namespace(), sel, opts, table, q, response, callback);
          }
          return;
        }
        if (watch) {
          // a watch of one object: a field selector on its name
          Selectors sel = Selectors.parse(t, q.get("labelSelector"), "metadata.name=" + r.name());
          watch(t, r.namespace(), sel, ListOptions.from(q), table, q, response, callback);
          return;
        }
        ObjectNode o = registry.get(t, r.namespace(), r.name());
        if (r.subresource().equals("scale")) {
          write(response, callback, 200, registry.scale(t, o));
        } else if (table) {
          write(
              response,
              callback,
              200,
              tableOf(
                  t, List.of(o), o.path("metadata").path("resourceVersion").asString(""), "", q));
        } else {
          write(response, callback, 200, o);
        }
      }
      case "POST" -> {
        if (!r.name().isEmpty() && r.subresource().isEmpty()) {
          throw ApiError.methodNotAllowed();
        }
        if (r.subresource().equals("binding")) {
          ObjectNode b =
              decodeAux(
                  request,
                  "v1",
                  "Binding",
                  io.fabric8.kubernetes.api.model.Binding.class,
                  r.name());
          registry.bind(r.namespace(), r.name(), b);
          write(response, callback, 201, success());
          return;
        }
        if (r.subresource().equals("eviction")) {
          // v1.20 takes policy/v1beta1; policy/v1 (v1.22 and later, and today's clients) too
          JsonNode tree = parseBody(request, "Eviction");
          boolean v1 = "policy/v1".equals(tree.path("apiVersion").asString(""));
          ObjectNode e =
              Codec.decode(
                  v1 ? "policy/v1" : "policy/v1beta1",
                  "Eviction",
                  v1
                      ? io.fabric8.kubernetes.api.model.policy.v1.Eviction.class
                      : io.fabric8.kubernetes.api.model.policy.v1beta1.Eviction.class,
                  "policy",
                  tree,
                  false);
          registry.evict(r.namespace(), r.name(), e, Selectors.LABEL_SELECTORS);
          write(response, callback, 201, success());
          return;
        }
        if (!r.subresource().isEmpty()) {
          throw ApiError.methodNotAllowed();
        }
        ObjectNode obj = decodeBody(request, t, q);
        write(response, callback, 201, registry.create(t, r.namespace(), obj, false));
      }
      case "PUT" -> {
        requireName(r);
        if (r.subresource().equals("scale")) {
          ObjectNode s =
              Codec.decode(
                  "autoscaling/v1",
                  "Scale",
                  io.fabric8.kubernetes.api.model.autoscaling.v1.Scale.class,
                  "autoscaling",
                  parseBody(request, "Scale"),
                  false);
          write(
              response, callback, 200, registry.updateScale(t, r.namespace(), r.name(), cur -> s));
          return;
        }
        ObjectNode obj = decodeBody(request, t, q);
        Registry.Written w = registry.update(t, r.namespace(), r.name(), obj, r.subresource());
        write(response, callback, w.created() ? 201 : 200, w.object());
      }
      case "PATCH" -> {
        requireName(r);
        String ct = contentType(request);
        byte[] body = readBody(request);
        JsonNode patch;
        try {
          patch = Json.MAPPER.readTree(body);
        } catch (RuntimeException e) {
          throw ApiError.badRequest("error decoding patch: " + e.getMessage());
        }
        if (patch == null || patch.isMissingNode()) {
          throw ApiError.badRequest("error decoding patch: unexpected end of JSON input");
        }
        boolean strict = "Strict".equals(q.get("fieldValidation"));
        UnaryOperator<ObjectNode> apply = patcher(ct, t, patch, strict);
        if (r.subresource().equals("scale")) {
          write(
              response,
              callback,
              200,
              registry.updateScale(
                  t,
                  r.namespace(),
                  r.name(),
                  cur -> {
                    JsonNode p = apply(ct, "Scale", cur, patch);
                    return (ObjectNode) p;
                  }));
          return;
        }
        Registry.Written w =
            registry.patch(
                t,
                r.namespace(),
                r.name(),
                r.subresource(),
                cur -> {
                  if (cur == null) {
                    throw ApiError.notFound(t.groupResource(), r.name());
                  }
                  return apply.apply(cur);
                });
        write(response, callback, 200, w.object());
      }
      case "DELETE" -> {
        if (!r.subresource().isEmpty()) {
          throw ApiError.methodNotAllowed();
        }
        byte[] body = readBody(request);
        JsonNode opts =
            body.length == 0 ? null : Codec.parse(body, "application/json", "DeleteOptions");
        DeleteOptions d = DeleteOptions.from(opts).withQuery(q);
        if (r.name().isEmpty()) {
          Selectors sel = Selectors.parse(t, q.get("labelSelector"), q.get("fieldSelector"));
          List<ObjectNode> gone = registry.deleteCollection(t, r.namespace(), sel, d);
          write(response, callback, 200, listOf(t, gone, storage.currentRevision(), "", -1));
          return;
        }
        Registry.Deleted del = registry.delete(t, r.namespace(), r.name(), d);
        write(response, callback, 200, del.body());
      }
      default -> throw ApiError.methodNotAllowed();
    }
  }

  private static void requireName(Route r) {
    if (r.name().isEmpty()) {
      throw ApiError.methodNotAllowed();
    }
  }

  private static ObjectNode success() {
    ObjectNode s = Json.object();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Success");
    s.put("code", 201);
    return s;
  }

  /** The function a PATCH applies to the current object, by Content-Type. */
  private UnaryOperator<ObjectNode> patcher(
      String ct, ResourceType t, JsonNode patch, boolean strict) {
    return cur -> {
      JsonNode patched = apply(ct, t.kind(), cur, patch);
      ObjectNode obj = Codec.decode(t, patched, strict);
      // a patch that does not name a version does not pin it (upstream: unconditional)
      if (patch.path("metadata").path("resourceVersion").isMissingNode()) {
        Json.obj(obj, "metadata").remove("resourceVersion");
      }
      return obj;
    };
  }

  private static JsonNode apply(String ct, String kind, ObjectNode cur, JsonNode patch) {
    if (ct.startsWith("application/json-patch+json")) {
      return Patches.jsonPatch(cur, patch);
    }
    if (ct.startsWith("application/merge-patch+json")) {
      return Patches.mergePatch(cur, patch);
    }
    if (ct.startsWith("application/strategic-merge-patch+json")) {
      return Patches.strategicMerge(kind, cur, patch);
    }
    if (ct.startsWith("application/apply-patch+yaml")) {
      throw ApiError.unsupportedMediaType(ct, ACCEPTED.subList(2, 5));
    }
    throw ApiError.unsupportedMediaType(ct, ACCEPTED.subList(2, 5));
  }

  // ---- list and watch --------------------------------------------------------------------------

  private void list(
      ResourceType t,
      String ns,
      Selectors sel,
      ListOptions opts,
      boolean table,
      Map<String, String> q,
      Response response,
      Callback callback) {
    Registry.Page page = registry.list(t, ns, sel, opts);
    if (table) {
      List<JsonNode> items = new ArrayList<>(page.items());
      write(
          response,
          callback,
          200,
          tableOf(t, items, Long.toString(page.revision()), page.continueToken(), q));
      return;
    }
    write(
        response,
        callback,
        200,
        listOf(t, page.items(), page.revision(), page.continueToken(), page.remaining()));
  }

  private static ObjectNode listOf(
      ResourceType t, List<ObjectNode> items, long revision, String cont, long remaining) {
    ObjectNode l = Json.object();
    l.put("kind", t.kind() + "List");
    l.put("apiVersion", t.apiVersion());
    ObjectNode meta = l.putObject("metadata");
    meta.put("resourceVersion", Long.toString(revision));
    if (!cont.isEmpty()) {
      meta.put("continue", cont);
    }
    if (remaining >= 0) {
      meta.put("remainingItemCount", remaining);
    }
    ArrayNode arr = l.putArray("items");
    items.forEach(arr::add);
    return l;
  }

  private ObjectNode tableOf(
      ResourceType t, List<JsonNode> items, String rv, String cont, Map<String, String> q) {
    return Tables.table(
        t.table(),
        items,
        rv,
        cont,
        q.getOrDefault("includeObject", "Metadata"),
        false,
        clock.now());
  }

  /**
   * A watch: a chunked stream of {@code {"type":..., "object":...}} lines. Events a selector
   * filters turn into ADDED or DELETED when an object enters or leaves the selection, as the cacher
   * does; a too old resourceVersion is one ERROR event with a 410 Status.
   */
  private void watch(
      ResourceType t,
      String ns,
      Selectors sel,
      ListOptions opts,
      boolean table,
      Map<String, String> q,
      Response response,
      Callback callback) {
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.TRANSFER_ENCODING, "chunked");
    boolean initial = !opts.resourceVersionSet() || opts.resourceVersionZero();
    Watch w;
    try {
      w = storage.watch(t.listPrefix(ns), opts.resourceVersion(), initial);
    } catch (Storage.StorageException e) {
      ApiError err =
          ApiError.expired("too old resource version: " + e.requested() + " (" + e.limit() + ")");
      ObjectNode ev = Json.object();
      ev.put("type", "ERROR");
      ev.set("object", err.status());
      try {
        send(response, ev, true);
        callback.succeeded();
      } catch (IOException io) {
        callback.failed(io);
      }
      return;
    }
    Instant start = clock.now();
    Duration timeout =
        opts.timeoutSeconds() > 0
            ? Duration.ofSeconds(opts.timeoutSeconds())
            : MIN_REQUEST_TIMEOUT.plusSeconds(
                (long) (random.nextDouble() * MIN_REQUEST_TIMEOUT.toSeconds()));
    Instant deadline = start.plus(timeout);
    List<Clock.Timer> timers = new ArrayList<>();
    timers.add(clock.schedule(timeout, w::wake));
    Instant[] nextBookmark = {null};
    if (opts.bookmarks()) {
      nextBookmark[0] = nextBookmark(start, deadline);
      if (nextBookmark[0] != null) {
        timers.add(clock.schedule(Duration.between(start, nextBookmark[0]), w::wake));
      }
    }
    // Frames of events already queued go out together, in one write: under load one wake-up of
    // this thread then costs one write, not one per event. Nothing is held back while the queue is
    // empty, so no event waits for another.
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    try {
      response.write(false, ByteBuffer.allocate(0), Callback.NOOP);
      while (true) {
        Watch.Item item = w.next(5_000);
        if (item == null) {
          continue;
        }
        if (item instanceof Watch.Change c) {
          String type = eventType(t, sel, c.event());
          if (type != null) {
            if (table) {
              pending.writeBytes(frame(event(t, type, c.event().object(), true, q)));
            } else {
              Storage.Event e = c.event();
              if (frames.size() > 4096) {
                frames.clear();
              }
              pending.writeBytes(
                  frames.computeIfAbsent(
                      new FrameKey(e.revision(), e.key(), type),
                      k -> frame(event(t, type, e.object(), false, q))));
            }
          }
          if (pending.size() >= WATCH_WRITE_BATCH || w.isEmpty()) {
            flush(response, pending);
          }
          continue;
        }
        flush(response, pending);
        if (item instanceof Watch.End) {
          break;
        }
        Instant now = clock.now();
        if (!now.isBefore(deadline)) {
          break;
        }
        if (nextBookmark[0] != null && !now.isBefore(nextBookmark[0])) {
          long rev = storage.bookmarkRevision(w);
          if (rev < 0) {
            // events are queued: they go first; try again in a moment
            timers.add(clock.schedule(Duration.ofMillis(100), w::wake));
            continue;
          }
          ObjectNode bm = Json.object();
          bm.put("type", "BOOKMARK");
          ObjectNode o = bm.putObject("object");
          o.put("kind", t.kind());
          o.put("apiVersion", t.apiVersion());
          ObjectNode meta = o.putObject("metadata");
          meta.put("resourceVersion", Long.toString(rev));
          meta.putNull("creationTimestamp");
          send(response, bm, false);
          nextBookmark[0] = nextBookmark(now, deadline);
          if (nextBookmark[0] != null) {
            timers.add(clock.schedule(Duration.between(now, nextBookmark[0]), w::wake));
          }
        }
      }
      response.write(true, ByteBuffer.allocate(0), callback);
    } catch (IOException | RuntimeException e) {
      callback.failed(e); // the client went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      callback.failed(e);
    } finally {
      timers.forEach(Clock.Timer::close);
      w.close();
    }
  }

  /** {@code cacheWatcher.nextBookmarkTime}: a minute from now, or 2 s before the deadline. */
  private static Instant nextBookmark(Instant now, Instant deadline) {
    Instant heartbeat = now.plus(BOOKMARK_FREQUENCY);
    Instant preTimeout = deadline.minusSeconds(2);
    if (preTimeout.isBefore(heartbeat)) {
      heartbeat = preTimeout;
    }
    return heartbeat.isBefore(now) ? null : heartbeat;
  }

  /**
   * The watch event type a change means for a watcher with selector {@code sel} (an object that
   * enters the selection is ADDED, one that leaves it DELETED), or null for none.
   */
  private static String eventType(ResourceType t, Selectors sel, Storage.Event e) {
    boolean cur = sel.matches(t, e.object());
    boolean prev = e.previous() != null && sel.matches(t, e.previous());
    return switch (e.type()) {
      case ADDED -> cur ? "ADDED" : null;
      case DELETED -> prev ? "DELETED" : null;
      default -> cur && prev ? "MODIFIED" : cur ? "ADDED" : prev ? "DELETED" : null;
    };
  }

  private ObjectNode event(
      ResourceType t, String type, ObjectNode obj, boolean table, Map<String, String> q) {
    ObjectNode ev = Json.object();
    ev.put("type", type);
    if (table) {
      ev.set(
          "object",
          tableOf(
              t, List.of(obj), obj.path("metadata").path("resourceVersion").asString(""), "", q));
    } else {
      ev.set("object", obj);
    }
    return ev;
  }

  private static byte[] frame(ObjectNode ev) {
    byte[] b = Json.bytes(ev);
    byte[] f = java.util.Arrays.copyOf(b, b.length + 1);
    f[b.length] = '\n';
    return f;
  }

  /** Bytes of frames a watch gathers into one write at most. */
  static final int WATCH_WRITE_BATCH = 64 * 1024;

  private static void flush(Response response, ByteArrayOutputStream pending) throws IOException {
    if (pending.size() > 0) {
      send(response, pending.toByteArray(), false);
      pending.reset();
    }
  }

  private static void send(Response response, ObjectNode ev, boolean last) throws IOException {
    send(response, frame(ev), last);
  }

  private static void send(Response response, byte[] frame, boolean last) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(frame);
    try (Blocker.Callback cb = Blocker.callback()) {
      response.write(last, buf, cb);
      cb.block();
    }
  }

  // ---- bodies ----------------------------------------------------------------------------------

  private static String contentType(Request request) {
    String ct = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    return ct == null ? "application/json" : ct.trim().toLowerCase();
  }

  private static byte[] readBody(Request request) {
    try (InputStream in = Content.Source.asInputStream(request)) {
      byte[] b = in.readNBytes(MAX_BODY + 1);
      if (b.length > MAX_BODY) {
        // Read (and drop) a bounded rest of the body, so that a client still sending it reads
        // the 413 instead of a connection reset; beyond the bound the connection just closes.
        long left = DRAIN_LIMIT;
        while (left > 0 && in.read() >= 0) {
          left -= 1 + in.skip(left - 1);
        }
        throw ApiError.requestEntityTooLarge("limit is " + MAX_BODY);
      }
      return b;
    } catch (IOException e) {
      throw ApiError.badRequest("reading the request body: " + e.getMessage());
    }
  }

  private static JsonNode parseBody(Request request, String kind) {
    String ct = contentType(request);
    if (!ct.startsWith("application/json") && !ct.startsWith("application/yaml")) {
      throw ApiError.unsupportedMediaType(ct, ACCEPTED.subList(0, 2));
    }
    byte[] body = readBody(request);
    return Codec.parse(body, ct, kind);
  }

  private static ObjectNode decodeBody(Request request, ResourceType t, Map<String, String> q) {
    JsonNode tree = parseBody(request, t.kind());
    return Codec.decode(t, tree, "Strict".equals(q.get("fieldValidation")));
  }

  private static ObjectNode decodeAux(
      Request request, String apiVersion, String kind, Class<?> type, String urlName) {
    JsonNode tree = parseBody(request, kind);
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    return Codec.decode(apiVersion, kind, type, group, tree, false);
  }

  private static Map<String, String> query(Request request) {
    Map<String, String> q = new HashMap<>();
    Fields f = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
    for (Fields.Field field : f) {
      q.put(field.getName(), field.getValue());
    }
    return q;
  }

  private static boolean wantsTable(Request request) {
    String accept = request.getHeaders().get(HttpHeader.ACCEPT);
    return accept != null && accept.contains("as=Table");
  }

  private static void write(Response response, Callback callback, int code, JsonNode body) {
    response.setStatus(code);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    byte[] b = Json.bytes(body);
    ByteBuffer buf = ByteBuffer.allocate(b.length + 1).put(b).put((byte) '\n').flip();
    response.write(true, buf, callback);
  }
}
