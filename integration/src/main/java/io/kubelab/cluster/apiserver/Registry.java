package io.kubelab.cluster.apiserver;

import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.cluster.apiserver.Storage.StorageException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The verbs of every resource over one {@link Storage}: create, get, list, update, patch, delete
 * and deletecollection, with each kind's strategy (defaults, what an update may change,
 * validation), the admission rules this server applies, and the pod subresources (binding, status,
 * eviction) and the scale subresource.
 *
 * <p>Upstream: {@code k8s.io/apiserver/pkg/registry/generic/registry/store.go} ({@code Store}:
 * {@code Create}, {@code Update}, {@code Delete} with graceful deletion and finalizers), {@code
 * k8s.io/apiserver/pkg/registry/rest} ({@code BeforeCreate}, {@code BeforeUpdate}, {@code
 * BeforeDelete}), {@code pkg/registry/core/pod/storage} ({@code BindingREST}, {@code
 * EvictionREST}), and the NamespaceLifecycle, Priority and DefaultTolerationSeconds admission
 * plugins. Nothing is stored when any step fails.
 */
final class Registry {

  /** Upstream {@code maxNameLength - randomLength}: generated names keep 58 prefix characters. */
  private static final int MAX_GENERATED_PREFIX = 58;

  private static final String NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private final Storage storage;
  private final Clock clock;
  private final Random random;
  private final ServiceIps serviceIps;

  Registry(Storage storage, Clock clock, Random random, ServiceIps serviceIps) {
    this.storage = storage;
    this.clock = clock;
    this.random = random;
    this.serviceIps = serviceIps;
  }

  Storage storage() {
    return storage;
  }

  Clock clock() {
    return clock;
  }

  String now() {
    return clock.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  // ---- reads -----------------------------------------------------------------------------------

  ObjectNode get(ResourceType t, String ns, String name) {
    ObjectNode o = storage.get(t.key(ns, name));
    if (o == null) {
      throw ApiError.notFound(t.groupResource(), name);
    }
    return o;
  }

  /** One page of a list. */
  record Page(List<ObjectNode> items, long revision, String continueToken, long remaining) {}

  Page list(ResourceType t, String ns, Selectors sel, ListOptions opts) {
    String prefix = t.listPrefix(ns);
    long atRevision = 0;
    String start = "";
    if (!opts.continueToken().isEmpty()) {
      Continue c = Continue.decode(opts.continueToken(), prefix);
      atRevision = c.revision();
      start = c.startKey();
    } else if (opts.exact()) {
      atRevision = opts.resourceVersion();
    } else if (opts.resourceVersion() > storage.currentRevision()) {
      throw ApiError.tooLargeResourceVersion(opts.resourceVersion(), storage.currentRevision());
    }
    // resourceVersion=0 is served from the watch cache upstream, which ignores limit.
    int limit = opts.resourceVersionZero() && opts.continueToken().isEmpty() ? 0 : opts.limit();
    Storage.ListResult r;
    try {
      r = storage.list(prefix, atRevision, start, limit, o -> sel.matches(t, o));
    } catch (StorageException e) {
      if (e.code() == StorageException.Code.EXPIRED) {
        if (!opts.continueToken().isEmpty()) {
          throw ApiError.expired(
              "The provided continue parameter is too old to display a consistent list result."
                  + " You can start a new list without the continue parameter, or use the continue"
                  + " token in this response to retrieve the remainder of the results. Continuing"
                  + " with the provided token results in an inconsistent list - objects that were"
                  + " created, modified, or deleted between the time the first chunk was returned"
                  + " and now may show up in the list.");
        }
        throw ApiError.expired(
            "too old resource version: " + e.requested() + " (" + e.limit() + ")");
      }
      throw ApiError.tooLargeResourceVersion(e.requested(), e.limit());
    }
    String token =
        r.nextKey() == null
            ? ""
            : new Continue(r.revision(), r.nextKey().substring(prefix.length())).encode();
    // remainingItemCount is only known when no selector filtered the list
    long remaining = r.nextKey() != null && sel.empty() ? r.remaining() : -1;
    return new Page(r.items(), r.revision(), token, remaining);
  }

  // ---- create ----------------------------------------------------------------------------------

  /**
   * {@code Store.Create}: {@code BeforeCreate} (namespace, generated name, uid, timestamp, the
   * kind's PrepareForCreate and validation), admission, then the write.
   *
   * @param restore keep uid, creationTimestamp and status as given (loading a file, not a client)
   */
  ObjectNode create(ResourceType t, String urlNamespace, ObjectNode obj, boolean restore) {
    ObjectNode meta = Json.obj(obj, "metadata");
    if (t.namespaced()) {
      String ns = meta.path("namespace").asString("");
      if (ns.isEmpty()) {
        meta.put("namespace", urlNamespace);
      } else if (!urlNamespace.isEmpty() && !ns.equals(urlNamespace)) {
        throw ApiError.badRequest(
            "the namespace of the provided object does not match the namespace sent on the"
                + " request");
      }
    } else {
      meta.remove("namespace");
    }
    if (!meta.path("resourceVersion").asString("").isEmpty()) {
      if (!restore) {
        // etcd3 store.Create returns a plain error here, which becomes a reason-less 500.
        throw ApiError.unknown("resourceVersion should not be set on objects to be created");
      }
      meta.remove("resourceVersion");
    }
    meta.remove("deletionTimestamp");
    meta.remove("deletionGracePeriodSeconds");
    String generateName = meta.path("generateName").asString("");
    if (meta.path("name").asString("").isEmpty() && !generateName.isEmpty()) {
      meta.put("name", generateName(generateName));
    }
    if (!restore || meta.path("uid").asString("").isEmpty()) {
      meta.put("uid", UUID.nameUUIDFromBytes(randomBytes()).toString());
    }
    if (!restore || meta.path("creationTimestamp").asString("").isEmpty()) {
      meta.put("creationTimestamp", now());
    }
    meta.remove("selfLink");
    t.defaults().accept(obj);
    if (!restore) {
      admit(t, obj); // a restore is not a client's write: no admission
    }
    prepareForCreate(t, obj, restore);
    Json.canonical(obj);
    validate(t, obj, null);
    String name = meta.path("name").asString("");
    String ns = meta.path("namespace").asString("");
    if (t == Kinds.SERVICES) {
      serviceIps.allocate(obj);
    }
    try {
      return storage.create(t.key(ns, name), obj);
    } catch (StorageException e) {
      if (t == Kinds.SERVICES) {
        serviceIps.release(obj);
      }
      throw ApiError.alreadyExists(t.groupResource(), name);
    }
  }

  private byte[] randomBytes() {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return b;
  }

  /** {@code names.SimpleNameGenerator}: the prefix (at most 58 characters) and 5 random ones. */
  String generateName(String base) {
    String prefix =
        base.length() > MAX_GENERATED_PREFIX ? base.substring(0, MAX_GENERATED_PREFIX) : base;
    StringBuilder b = new StringBuilder(prefix);
    for (int i = 0; i < 5; i++) {
      b.append(NAME_ALPHABET.charAt(random.nextInt(NAME_ALPHABET.length())));
    }
    return b.toString();
  }

  private void prepareForCreate(ResourceType t, ObjectNode obj, boolean restore) {
    // PriorityClass's strategy sets generation 1 on create but never bumps it on update.
    if (t.tracksGeneration() || t == Kinds.PRIORITY_CLASSES) {
      Json.obj(obj, "metadata").put("generation", 1);
    }
    if (restore) {
      if (t == Kinds.PODS && obj.path("status").path("phase").asString("").isEmpty()) {
        ObjectNode status = Json.obj(obj, "status");
        status.put("phase", "Pending");
        status.put("qosClass", Kinds.qosClass(obj.path("spec")));
      }
      return;
    }
    if (t == Kinds.PODS) {
      ObjectNode status = Json.object();
      status.put("phase", "Pending");
      status.put("qosClass", Kinds.qosClass(obj.path("spec")));
      obj.set("status", status);
    } else if (t == Kinds.REPLICA_SETS) {
      // The zero ReplicaSetStatus: `replicas` is the one field without omitempty.
      obj.putObject("status").put("replicas", 0);
    } else if (t == Kinds.PDBS) {
      // The zero PodDisruptionBudgetStatus (policy/v1beta1): four counts without omitempty.
      ObjectNode status = obj.putObject("status");
      for (String f :
          List.of("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods")) {
        status.put(f, 0);
      }
    } else if (t == Kinds.DEPLOYMENTS) {
      obj.putObject("status");
    } else if (t == Kinds.SERVICES) {
      ObjectNode status = Json.object();
      status.putObject("loadBalancer");
      obj.set("status", status);
    } else if (t == Kinds.NAMESPACES) {
      Json.obj(obj, "status").put("phase", "Active");
    }
  }

  /** NamespaceLifecycle, Priority and DefaultTolerationSeconds, for creates. */
  private void admit(ResourceType t, ObjectNode obj) {
    String ns = obj.path("metadata").path("namespace").asString("");
    String name = obj.path("metadata").path("name").asString("");
    if (t.namespaced()) {
      ObjectNode namespace = storage.get(Kinds.NAMESPACES.key("", ns));
      if (namespace == null) {
        throw ApiError.notFound(Kinds.NAMESPACES.groupResource(), ns);
      }
      if (namespace.path("metadata").has("deletionTimestamp")) {
        // the lifecycle admission plugin's error, with its NamespaceTerminating cause (which
        // controllers look for, so as not to count the refusal as a failure)
        throw ApiError.namespaceTerminating(t.groupResource(), name, ns);
      }
    }
    if (t == Kinds.PODS) {
      admitPriority(obj, name);
      Kinds.defaultTolerations(Json.obj(obj, "spec"));
    }
  }

  /** The Priority admission plugin: spec.priority from the pod's PriorityClass. */
  private void admitPriority(ObjectNode pod, String name) {
    ObjectNode spec = Json.obj(pod, "spec");
    String className = spec.path("priorityClassName").asString("");
    int value = 0;
    String preemption = "PreemptLowerPriority";
    if (className.isEmpty()) {
      for (ObjectNode pc :
          storage.list(Kinds.PRIORITY_CLASSES.keyPrefix(), 0, "", 0, o -> true).items()) {
        if (pc.path("globalDefault").asBoolean(false)) {
          value = pc.path("value").asInt(0);
          preemption = pc.path("preemptionPolicy").asString(preemption);
        }
      }
    } else {
      ObjectNode pc = storage.get(Kinds.PRIORITY_CLASSES.key("", className));
      if (pc == null) {
        throw ApiError.forbidden(
            Kinds.PODS.groupResource(),
            name,
            "no PriorityClass with name " + className + " was found");
      }
      value = pc.path("value").asInt(0);
      preemption = pc.path("preemptionPolicy").asString(preemption);
    }
    if (spec.has("priority") && spec.path("priority").asInt() != value) {
      throw ApiError.forbidden(
          Kinds.PODS.groupResource(),
          name,
          "the integer value of priority ("
              + spec.path("priority").asInt()
              + ") must not be provided in pod spec; priority admission controller computed "
              + value
              + " from the given PriorityClass name");
    }
    spec.put("priority", value);
    if (!spec.has("preemptionPolicy")) {
      spec.put("preemptionPolicy", preemption);
    }
  }

  private void validate(ResourceType t, ObjectNode obj, JsonNode old) {
    List<FieldError> errs = new ArrayList<>();
    Validation.objectMeta(obj, t.namespaced(), t.nameRule(), old == null, errs);
    t.validate().accept(new ResourceType.Validator(old, errs), obj);
    if (old != null) {
      if (!old.path("metadata").path("uid").equals(obj.path("metadata").path("uid"))) {
        errs.add(
            FieldError.invalid(
                "metadata.uid",
                obj.path("metadata").path("uid").asString(""),
                "field is immutable"));
      }
      if (t == Kinds.PODS) {
        podSpecUpdate(obj, old, errs);
      }
    }
    if (!errs.isEmpty()) {
      String name = obj.path("metadata").path("name").asString("");
      throw ApiError.invalid(t.group(), t.kind(), name, errs);
    }
  }

  /** {@code ValidatePodUpdate}: the spec is immutable but for images, deadline and tolerations. */
  private static void podSpecUpdate(ObjectNode pod, JsonNode old, List<FieldError> errs) {
    ObjectNode munged = ((ObjectNode) pod.path("spec")).deepCopy();
    JsonNode oldSpec = old.path("spec");
    for (String list : List.of("containers", "initContainers")) {
      JsonNode oldList = oldSpec.path(list);
      JsonNode newList = munged.path(list);
      for (int i = 0; i < newList.size() && i < oldList.size(); i++) {
        if (newList.get(i) instanceof ObjectNode c && oldList.get(i).has("image")) {
          c.set("image", oldList.get(i).get("image"));
        }
      }
    }
    if (oldSpec.has("activeDeadlineSeconds")) {
      munged.set("activeDeadlineSeconds", oldSpec.get("activeDeadlineSeconds"));
    } else {
      munged.remove("activeDeadlineSeconds");
    }
    // tolerations may only be added to
    boolean superset = true;
    for (JsonNode t : oldSpec.path("tolerations")) {
      boolean found = false;
      for (JsonNode n : munged.path("tolerations")) {
        found |= n.equals(t);
      }
      superset &= found;
    }
    if (superset) {
      if (oldSpec.has("tolerations")) {
        munged.set("tolerations", oldSpec.get("tolerations"));
      } else {
        munged.remove("tolerations");
      }
    }
    if (!munged.equals(oldSpec)) {
      errs.add(
          FieldError.forbidden(
              "spec",
              "pod updates may not change fields other than `spec.containers[*].image`,"
                  + " `spec.initContainers[*].image`, `spec.activeDeadlineSeconds` or"
                  + " `spec.tolerations` (only additions to existing tolerations)\n"
                  + Diff.of(oldSpec, munged)));
    }
  }

  // ---- update ----------------------------------------------------------------------------------

  /** The result of a PUT or PATCH: the object, and whether it was created. */
  record Written(ObjectNode object, boolean created) {}

  /**
   * {@code Store.Update}: optimistic concurrency on {@code metadata.resourceVersion} (409 when
   * stale; no version means unconditional), the kind's PrepareForUpdate, validation, write.
   *
   * @param subresource "" or "status"
   */
  Written update(ResourceType t, String ns, String name, ObjectNode body, String subresource) {
    return write(t, ns, name, subresource, current -> body);
  }

  /** PATCH: the patch applies to the current object, then it is an update like {@link #update}. */
  Written patch(
      ResourceType t, String ns, String name, String subresource, UnaryOperator<ObjectNode> patch) {
    return write(t, ns, name, subresource, patch);
  }

  private Written write(
      ResourceType t,
      String ns,
      String name,
      String subresource,
      UnaryOperator<ObjectNode> newFromCurrent) {
    String key = t.key(ns, name);
    if (storage.get(key) == null) {
      if (!t.allowCreateOnUpdate() || !subresource.isEmpty()) {
        throw ApiError.notFound(t.groupResource(), name);
      }
      ObjectNode obj = newFromCurrent.apply(null);
      if (obj == null) {
        throw ApiError.notFound(t.groupResource(), name);
      }
      checkName(obj, name);
      Json.obj(obj, "metadata").remove("resourceVersion");
      try {
        return new Written(create(t, ns, obj, false), true);
      } catch (ApiError e) {
        if (e.code() != 409) {
          throw e;
        }
        // lost a race with another create: fall through to update it
      }
    }
    ObjectNode[] before = new ObjectNode[1];
    ObjectNode out;
    try {
      out =
          storage.guaranteedUpdate(
              key,
              current -> {
                before[0] = current;
                ObjectNode obj = newFromCurrent.apply(current.deepCopy());
                checkName(obj, name);
                return prepareUpdate(t, ns, obj, current, subresource);
              });
    } catch (StorageException e) {
      throw ApiError.notFound(t.groupResource(), name);
    }
    if (shouldDeleteDuringUpdate(out)) {
      try {
        storage.delete(key, o -> {});
      } catch (StorageException e) {
        // already gone
      }
    }
    return new Written(out, false);
  }

  private static void checkName(ObjectNode obj, String name) {
    String bodyName = obj.path("metadata").path("name").asString("");
    if (!bodyName.isEmpty() && !bodyName.equals(name)) {
      throw ApiError.badRequest(
          "the name of the object ("
              + bodyName
              + ") does not match the name on the URL ("
              + name
              + ")");
    }
    Json.obj(obj, "metadata").put("name", name);
  }

  private ObjectNode prepareUpdate(
      ResourceType t, String ns, ObjectNode obj, ObjectNode old, String subresource) {
    ObjectNode meta = Json.obj(obj, "metadata");
    JsonNode oldMeta = old.path("metadata");
    if (t.namespaced()) {
      String bodyNs = meta.path("namespace").asString("");
      if (!bodyNs.isEmpty() && !bodyNs.equals(ns)) {
        throw ApiError.badRequest(
            "the namespace of the provided object does not match the namespace sent on the"
                + " request");
      }
      meta.put("namespace", ns);
    } else {
      meta.remove("namespace");
    }
    String rv = meta.path("resourceVersion").asString("");
    if (!rv.isEmpty() && !rv.equals(oldMeta.path("resourceVersion").asString(""))) {
      throw ApiError.staleResourceVersion(t.groupResource(), meta.path("name").asString(""));
    }
    // rest.BeforeUpdate: system fields an update may not change
    if (meta.path("uid").asString("").isEmpty()) {
      meta.set("uid", oldMeta.get("uid"));
    }
    meta.set("creationTimestamp", oldMeta.get("creationTimestamp"));
    for (String f : List.of("deletionTimestamp", "deletionGracePeriodSeconds", "generation")) {
      if (oldMeta.has(f)) {
        meta.set(f, oldMeta.get(f));
      } else {
        meta.remove(f);
      }
    }
    meta.remove("selfLink");
    ObjectNode result;
    if (subresource.equals("status")) {
      // the status strategies: everything but status comes from the stored object
      result = old.deepCopy();
      if (obj.has("status")) {
        result.set("status", obj.get("status"));
      } else {
        result.remove("status");
      }
      ObjectNode rmeta = Json.obj(result, "metadata");
      for (String f : List.of("labels", "annotations")) {
        if (meta.has(f)) {
          rmeta.set(f, meta.get(f));
        }
      }
    } else {
      result = obj;
      t.defaults().accept(result);
      if (t.statusSubresource()) {
        if (old.has("status")) {
          result.set("status", old.get("status"));
        } else {
          result.remove("status");
        }
      }
      if (t == Kinds.NAMESPACES) {
        Json.obj(result, "spec").set("finalizers", old.path("spec").path("finalizers"));
      }
      if (t.tracksGeneration() && !result.path("spec").equals(old.path("spec"))) {
        Json.obj(result, "metadata")
            .put("generation", old.path("metadata").path("generation").asLong(0) + 1);
      }
      if (t == Kinds.SERVICES) {
        ObjectNode spec = Json.obj(result, "spec");
        if (spec.path("clusterIP").asString("").isEmpty() && old.path("spec").has("clusterIP")) {
          spec.set("clusterIP", old.path("spec").get("clusterIP"));
          if (old.path("spec").has("clusterIPs")) {
            spec.set("clusterIPs", old.path("spec").get("clusterIPs"));
          }
        }
      }
    }
    Json.obj(result, "metadata").set("resourceVersion", oldMeta.get("resourceVersion"));
    Json.canonical(result);
    validate(t, result, old);
    return result;
  }

  private static boolean shouldDeleteDuringUpdate(ObjectNode o) {
    JsonNode meta = o.path("metadata");
    return meta.has("deletionTimestamp")
        && meta.path("finalizers").isEmpty()
        && meta.path("deletionGracePeriodSeconds").asLong(-1) == 0;
  }

  // ---- delete ----------------------------------------------------------------------------------

  /** What DELETE answers: the object (still there, or as it was) or a Success Status. */
  record Deleted(ObjectNode body, boolean gone) {}

  /**
   * {@code Store.Delete}: preconditions, graceful deletion (pods: deletionTimestamp plus the grace
   * period, until the kubelet confirms with grace 0), finalizers (the object stays, marked, until
   * they are removed) and the propagation policy's finalizers.
   */
  Deleted delete(ResourceType t, String ns, String name, DeleteOptions opts) {
    String key = t.key(ns, name);
    ObjectNode current = get(t, ns, name);
    checkPreconditions(t, name, current, opts);
    long grace = gracePeriod(t, current, opts);
    List<String> propagationFinalizers = propagationFinalizers(t, opts);
    boolean pendingFinalizers =
        !current.path("metadata").path("finalizers").isEmpty() || !propagationFinalizers.isEmpty();
    if (grace > 0 || pendingFinalizers || t == Kinds.NAMESPACES) {
      ObjectNode[] updated = new ObjectNode[1];
      boolean[] immediate = new boolean[1];
      try {
        updated[0] =
            storage.guaranteedUpdate(
                key,
                cur -> {
                  checkPreconditions(t, name, cur, opts);
                  ObjectNode meta = Json.obj(cur, "metadata");
                  ArrayNode fins =
                      meta.get("finalizers") instanceof ArrayNode a
                          ? a
                          : meta.putArray("finalizers");
                  for (String f : propagationFinalizers) {
                    boolean has = false;
                    for (JsonNode x : fins) {
                      has |= x.asString("").equals(f);
                    }
                    if (!has) {
                      fins.add(f);
                    }
                  }
                  if (fins.isEmpty()) {
                    meta.remove("finalizers");
                  }
                  if (t == Kinds.NAMESPACES) {
                    Json.obj(cur, "status").put("phase", "Terminating");
                  }
                  boolean hasFinalizers = !fins.isEmpty() || t == Kinds.NAMESPACES;
                  if (!hasFinalizers && grace == 0) {
                    immediate[0] = true;
                    return cur;
                  }
                  Instant deadline = clock.now().plusSeconds(grace);
                  String existing = meta.path("deletionTimestamp").asString("");
                  long existingGrace =
                      meta.path("deletionGracePeriodSeconds").asLong(Long.MAX_VALUE);
                  // a second graceful delete may only shorten the grace period
                  if (t == Kinds.NAMESPACES) {
                    // The namespace registry's own Delete: a deletion timestamp, no grace period.
                    if (existing.isEmpty()) {
                      meta.put(
                          "deletionTimestamp",
                          clock.now().truncatedTo(ChronoUnit.SECONDS).toString());
                    }
                  } else if (existing.isEmpty() || grace < existingGrace) {
                    meta.put(
                        "deletionTimestamp", deadline.truncatedTo(ChronoUnit.SECONDS).toString());
                    meta.put("deletionGracePeriodSeconds", grace);
                  }
                  return cur;
                });
      } catch (StorageException e) {
        throw ApiError.notFound(t.groupResource(), name);
      }
      if (!immediate[0]) {
        if (t == Kinds.NAMESPACES
            && updated[0].path("spec").path("finalizers").isEmpty()
            && updated[0].path("metadata").path("finalizers").isEmpty()) {
          return deleteNow(t, key, name, opts, updated[0]);
        }
        return new Deleted(updated[0], false);
      }
    }
    return deleteNow(t, key, name, opts, current);
  }

  private Deleted deleteNow(
      ResourceType t, String key, String name, DeleteOptions opts, ObjectNode current) {
    ObjectNode gone;
    try {
      gone = storage.delete(key, cur -> checkPreconditions(t, name, cur, opts));
    } catch (StorageException e) {
      throw ApiError.notFound(t.groupResource(), name);
    }
    if (t == Kinds.SERVICES) {
      serviceIps.release(gone);
    }
    if (t == Kinds.PODS || t == Kinds.SERVICES || t == Kinds.NAMESPACES) {
      return new Deleted(gone, true); // ReturnDeletedObject
    }
    ObjectNode status = Json.object();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Success");
    ObjectNode details = status.putObject("details");
    details.put("name", name);
    if (!t.group().isEmpty()) {
      details.put("group", t.group());
    }
    details.put("kind", t.resource());
    details.put("uid", gone.path("metadata").path("uid").asString(""));
    return new Deleted(status, true);
  }

  private static void checkPreconditions(
      ResourceType t, String name, JsonNode cur, DeleteOptions opts) {
    String uid = cur.path("metadata").path("uid").asString("");
    if (!opts.uid().isEmpty() && !opts.uid().equals(uid)) {
      throw ApiError.conflict(
          t.groupResource(),
          name,
          "Precondition failed: UID in precondition: "
              + opts.uid()
              + ", UID in object meta: "
              + uid);
    }
    String rv = cur.path("metadata").path("resourceVersion").asString("");
    if (!opts.resourceVersion().isEmpty() && !opts.resourceVersion().equals(rv)) {
      throw ApiError.conflict(
          t.groupResource(),
          name,
          "Precondition failed: ResourceVersion in precondition: "
              + opts.resourceVersion()
              + ", ResourceVersion in object meta: "
              + rv);
    }
  }

  /** {@code podStrategy.CheckGracefulDelete}; other kinds delete at once. */
  private static long gracePeriod(ResourceType t, JsonNode cur, DeleteOptions opts) {
    if (t != Kinds.PODS) {
      return 0;
    }
    long period =
        opts.gracePeriodSeconds() != null
            ? opts.gracePeriodSeconds()
            : cur.path("spec").path("terminationGracePeriodSeconds").asLong(0);
    if (cur.path("spec").path("nodeName").asString("").isEmpty()) {
      period = 0;
    }
    String phase = cur.path("status").path("phase").asString("");
    if (phase.equals("Failed") || phase.equals("Succeeded")) {
      period = 0;
    }
    return Math.max(0, period);
  }

  /** Foreground and Orphan propagation hold the owner with a finalizer until the GC acts. */
  private static List<String> propagationFinalizers(ResourceType t, DeleteOptions opts) {
    String policy = opts.propagationPolicy();
    if (policy.isEmpty() && opts.orphanDependents() != null) {
      policy = opts.orphanDependents() ? "Orphan" : "Background";
    }
    return switch (policy) {
      case "Foreground" -> List.of(GarbageCollector.FOREGROUND);
      case "Orphan" -> List.of(GarbageCollector.ORPHAN);
      default -> List.of();
    };
  }

  /** {@code Store.DeleteCollection}: deletes each listed object; returns the list of them. */
  List<ObjectNode> deleteCollection(ResourceType t, String ns, Selectors sel, DeleteOptions opts) {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode o : storage.list(t.listPrefix(ns), 0, "", 0, x -> sel.matches(t, x)).items()) {
      String name = o.path("metadata").path("name").asString("");
      String ons = o.path("metadata").path("namespace").asString("");
      try {
        Deleted d = delete(t, ons, name, opts);
        out.add(d.body().path("kind").asString("").equals("Status") ? o : d.body());
      } catch (ApiError e) {
        if (e.code() != 404) {
          throw e;
        }
      }
    }
    return out;
  }

  // ---- pods/binding ----------------------------------------------------------------------------

  /** {@code BindingREST.Create}: sets spec.nodeName once, and the PodScheduled condition. */
  void bind(String ns, String urlName, ObjectNode binding) {
    String name = binding.path("metadata").path("name").asString("");
    if (!urlName.isEmpty() && !name.equals(urlName)) {
      throw ApiError.badRequest("name in URL does not match name in Binding object");
    }
    String kind = binding.path("target").path("kind").asString("");
    String node = binding.path("target").path("name").asString("");
    List<String> errs = new ArrayList<>();
    if (!kind.isEmpty() && !kind.equals("Node")) {
      errs.add(FieldError.notSupported("target.kind", kind, List.of("Node", "<empty>")).toString());
    }
    if (node.isEmpty()) {
      errs.add(FieldError.required("target.name", "").toString());
    }
    if (!errs.isEmpty()) {
      throw ApiError.internal(errs.size() == 1 ? errs.get(0) : "[" + String.join(", ", errs) + "]");
    }
    GroupResource binding_ = new GroupResource("", "pods/binding");
    try {
      storage.guaranteedUpdate(
          Kinds.PODS.key(ns, name),
          pod -> {
            if (pod.path("metadata").has("deletionTimestamp")) {
              throw ApiError.conflict(
                  binding_,
                  name,
                  "pod " + name + " is being deleted, cannot be assigned to a host");
            }
            String current = pod.path("spec").path("nodeName").asString("");
            if (!current.isEmpty()) {
              throw ApiError.conflict(
                  binding_,
                  name,
                  "pod " + name + " is already assigned to node " + Json.goQuote(current));
            }
            Json.obj(pod, "spec").put("nodeName", node);
            ObjectNode meta = Json.obj(pod, "metadata");
            for (Map.Entry<String, JsonNode> a :
                binding.path("metadata").path("annotations").properties()) {
              Json.obj(meta, "annotations").set(a.getKey(), a.getValue());
            }
            setCondition(Json.obj(pod, "status"), "PodScheduled", "True", "", "");
            return pod;
          });
    } catch (StorageException e) {
      throw ApiError.notFound(Kinds.PODS.groupResource(), name);
    }
  }

  /** {@code podutil.UpdatePodCondition}: lastTransitionTime moves only when the status changes. */
  void setCondition(ObjectNode status, String type, String value, String reason, String message) {
    ArrayNode conds =
        status.get("conditions") instanceof ArrayNode a ? a : status.putArray("conditions");
    for (JsonNode c : conds) {
      if (c.path("type").asString("").equals(type)) {
        ObjectNode co = (ObjectNode) c;
        if (!co.path("status").asString("").equals(value)) {
          co.put("lastTransitionTime", now());
        }
        co.put("status", value);
        putOrRemove(co, "reason", reason);
        putOrRemove(co, "message", message);
        return;
      }
    }
    ObjectNode c = conds.addObject();
    c.put("type", type);
    c.put("status", value);
    c.putNull("lastProbeTime");
    c.put("lastTransitionTime", now());
    putOrRemove(c, "reason", reason);
    putOrRemove(c, "message", message);
  }

  private static void putOrRemove(ObjectNode o, String f, String v) {
    if (v.isEmpty()) {
      o.remove(f);
    } else {
      o.put(f, v);
    }
  }

  // ---- pods/eviction ---------------------------------------------------------------------------

  /** {@code EvictionREST.Create}: deletes the pod unless a disruption budget forbids it. */
  void evict(String ns, String name, ObjectNode eviction, Selectors.LabelMatcher labels) {
    ObjectNode pod = get(Kinds.PODS, ns, name);
    DeleteOptions opts = DeleteOptions.from(eviction.path("deleteOptions"));
    String phase = pod.path("status").path("phase").asString("");
    boolean ignorePdb =
        phase.equals("Succeeded")
            || phase.equals("Failed")
            || phase.equals("Pending")
            || pod.path("metadata").has("deletionTimestamp");
    if (!ignorePdb) {
      List<ObjectNode> pdbs = new ArrayList<>();
      for (ObjectNode pdb : storage.list(Kinds.PDBS.listPrefix(ns), 0, "", 0, o -> true).items()) {
        if (labels.selectorMatches(
            pdb.path("spec").path("selector"), pod.path("metadata").path("labels"))) {
          pdbs.add(pdb);
        }
      }
      if (pdbs.size() > 1) {
        throw ApiError.internal(
            "This pod has more than one PodDisruptionBudget, which the eviction subresource does"
                + " not support.");
      }
      if (pdbs.size() == 1) {
        ObjectNode pdb = pdbs.get(0);
        String pdbName = pdb.path("metadata").path("name").asString("");
        storage.guaranteedUpdate(
            Kinds.PDBS.key(ns, pdbName),
            cur -> {
              JsonNode st = cur.path("status");
              if (st.path("observedGeneration").asLong(0)
                  < cur.path("metadata").path("generation").asLong(0)) {
                throw ApiError.tooManyRequests(
                    "Cannot evict pod as it would violate the pod's disruption budget.",
                    0,
                    List.of(
                        new ApiError.Cause(
                            "DisruptionBudget",
                            "The disruption budget "
                                + pdbName
                                + " is still being processed by the server.",
                            "")));
              }
              long allowed = st.path("disruptionsAllowed").asLong(0);
              if (allowed < 0) {
                throw ApiError.forbidden(
                    new GroupResource("policy", "poddisruptionbudget"),
                    pdbName,
                    "pdb disruptions allowed is negative");
              }
              if (allowed == 0) {
                throw ApiError.tooManyRequests(
                    "Cannot evict pod as it would violate the pod's disruption budget.",
                    0,
                    List.of(
                        new ApiError.Cause(
                            "DisruptionBudget",
                            "The disruption budget "
                                + pdbName
                                + " needs "
                                + st.path("desiredHealthy").asLong(0)
                                + " healthy pods and has "
                                + st.path("currentHealthy").asLong(0)
                                + " currently",
                            "")));
              }
              ObjectNode status = Json.obj(cur, "status");
              status.put("disruptionsAllowed", allowed - 1);
              Json.obj(status, "disruptedPods").put(name, now());
              return cur;
            });
      }
    }
    delete(Kinds.PODS, ns, name, opts);
  }

  // ---- scale -----------------------------------------------------------------------------------

  /** The {@code autoscaling/v1 Scale} of a replicaset or deployment. */
  ObjectNode scale(ResourceType t, ObjectNode obj) {
    ObjectNode s = Json.object();
    s.put("kind", "Scale");
    s.put("apiVersion", "autoscaling/v1");
    ObjectNode meta = s.putObject("metadata");
    JsonNode om = obj.path("metadata");
    for (String f : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
      if (om.has(f)) {
        meta.set(f, om.get(f));
      }
    }
    s.putObject("spec").put("replicas", obj.path("spec").path("replicas").asInt(0));
    ObjectNode st = s.putObject("status");
    st.put("replicas", obj.path("status").path("replicas").asInt(0));
    st.put("selector", Selectors.selectorString(obj.path("spec").path("selector")));
    return s;
  }

  /** A write of the scale subresource: spec.replicas, under the Scale's resourceVersion. */
  ObjectNode updateScale(
      ResourceType t, String ns, String name, UnaryOperator<ObjectNode> newScale) {
    Written w =
        write(
            t,
            ns,
            name,
            "",
            cur -> {
              ObjectNode s = newScale.apply(scale(t, cur));
              if (!s.path("kind").asString("Scale").equals("Scale")) {
                throw ApiError.badRequest("expected a Scale, got " + s.path("kind").asString(""));
              }
              long replicas = s.path("spec").path("replicas").asLong(0);
              if (replicas < 0) {
                throw ApiError.invalid(
                    "autoscaling",
                    "Scale",
                    name,
                    List.of(
                        FieldError.invalid(
                            "spec.replicas", replicas, "must be greater than or equal to 0")));
              }
              Json.obj(cur, "spec").put("replicas", replicas);
              String rv = s.path("metadata").path("resourceVersion").asString("");
              Json.obj(cur, "metadata").put("resourceVersion", rv);
              return cur;
            });
    return scale(t, w.object());
  }

  /** Objects under a prefix (for the garbage collector). */
  List<ObjectNode> all(String prefix, Predicate<ObjectNode> filter) {
    return storage.list(prefix, 0, "", 0, filter).items();
  }
}
