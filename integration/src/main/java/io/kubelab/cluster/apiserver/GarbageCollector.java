package io.kubelab.cluster.apiserver;

import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The controllers that finish what a DELETE starts: the garbage collector (owner references:
 * dependents of a deleted owner are deleted, or orphaned, or deleted first with Foreground) and the
 * namespace controller (a terminating namespace's content is deleted, then the namespace).
 *
 * <p>Upstream: {@code pkg/controller/garbagecollector} ({@code attemptToDeleteItem}: a dependent
 * whose owners are all gone is deleted, one that still has a live owner loses the dangling
 * reference; {@code orphanDependents}; the {@code foregroundDeletion} and {@code orphan}
 * finalizers) and {@code pkg/controller/namespace/deletion}. Upstream runs them in
 * kube-controller-manager off informers; here one thread, {@code garbage-collector}, drains a watch
 * of the whole store.
 */
final class GarbageCollector implements AutoCloseable {

  static final String FOREGROUND = "foregroundDeletion";
  static final String ORPHAN = "orphan";

  private final Registry registry;
  private final Watch watch;
  private final Thread thread;

  GarbageCollector(Registry registry) {
    this.registry = registry;
    this.watch =
        registry
            .storage()
            .watch(
                "/registry/",
                registry.storage().currentRevision(),
                false,
                GarbageCollector::concerns);
    this.thread = new Thread(this::run, "garbage-collector");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (true) {
        Watch.Item item = watch.next(60_000);
        if (item == null || item instanceof Watch.Wake) {
          continue;
        }
        if (item instanceof Watch.End) {
          return;
        }
        Storage.Event e = ((Watch.Change) item).event();
        try {
          handle(e);
        } catch (ApiError ignored) {
          // a conflict or a vanished object: the next event about it retries
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The events {@link #handle} acts on: deletions, objects marked for deletion, and dependents
   * (objects with owner references), whose owners may be gone already. The rest would only wake
   * this thread for nothing (upstream's collector sees them all, as it keeps its own graph of
   * owners; here the storage keeps it, see {@link Storage#dependents}).
   */
  static boolean concerns(Storage.Event e) {
    JsonNode meta = e.object().path("metadata");
    return e.type() == Storage.EventType.DELETED
        || meta.has("deletionTimestamp")
        || !meta.path("ownerReferences").isEmpty();
  }

  /** How many deleted UIDs {@link #deletedUids} remembers (the oldest are forgotten first). */
  static final int DELETED_UIDS_REMEMBERED = 10_000;

  /**
   * The UIDs of objects deleted since the collector started, newest last: a dependent created or
   * updated afterwards that names one of them as an owner names an owner that is gone (a controller
   * whose cache had not yet seen its owner's deletion, say). Upstream's collector finds those
   * through its graph's virtual nodes.
   */
  private final java.util.LinkedHashSet<String> deletedUids = new java.util.LinkedHashSet<>();

  private void handle(Storage.Event e) {
    JsonNode meta = e.object().path("metadata");
    String uid = meta.path("uid").asString("");
    if (e.type() == Storage.EventType.DELETED) {
      if (!uid.isEmpty() && deletedUids.add(uid) && deletedUids.size() > DELETED_UIDS_REMEMBERED) {
        deletedUids.remove(deletedUids.iterator().next());
      }
      for (ObjectNode dep : dependents(uid)) {
        attemptToDelete(dep, uid);
      }
      // an owner waiting in the foreground for this dependent may be done now
      for (JsonNode ref : meta.path("ownerReferences")) {
        ObjectNode owner = byUid(ref.path("uid").asString(""));
        if (owner != null) {
          finalizeIfDone(owner);
        }
      }
      String ns = meta.path("namespace").asString("");
      if (!ns.isEmpty()) {
        ObjectNode namespace = registry.storage().get(Kinds.NAMESPACES.key("", ns));
        if (namespace != null && namespace.path("metadata").has("deletionTimestamp")) {
          cleanNamespace(namespace);
        }
      }
      return;
    }
    if (!meta.has("deletionTimestamp")) {
      // a dependent written after one of its owners was deleted; decided on the object as it is
      // now (the event may be old: it may have been re-owned since), as attemptToDeleteItem
      // re-reads it
      for (JsonNode ref : meta.path("ownerReferences")) {
        String owner = ref.path("uid").asString("");
        if (deletedUids.contains(owner) && byUid(owner) == null) {
          ObjectNode latest = byUid(uid);
          if (latest != null && namesOwner(latest, owner)) {
            attemptToDelete(latest, owner);
          }
          return;
        }
      }
      return;
    }
    if (e.key().startsWith(Kinds.NAMESPACES.keyPrefix())) {
      cleanNamespace(e.object());
      return;
    }
    if (hasFinalizer(meta, ORPHAN)) {
      for (ObjectNode dep : dependents(uid)) {
        removeOwnerRef(dep, uid);
      }
      removeFinalizer(e.object(), ORPHAN);
    } else if (hasFinalizer(meta, FOREGROUND)) {
      for (ObjectNode dep : dependents(uid)) {
        if (!dep.path("metadata").has("deletionTimestamp")) {
          delete(dep, "Foreground");
        }
      }
      finalizeIfDone(e.object());
    }
  }

  private static boolean namesOwner(JsonNode o, String ownerUid) {
    for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
      if (ref.path("uid").asString("").equals(ownerUid)) {
        return true;
      }
    }
    return false;
  }

  /** {@code attemptToDeleteItem}: delete a dependent whose owners are all gone. */
  private void attemptToDelete(ObjectNode dep, String deadOwner) {
    boolean liveOwner = false;
    for (JsonNode ref : dep.path("metadata").path("ownerReferences")) {
      String u = ref.path("uid").asString("");
      if (!u.equals(deadOwner) && byUid(u) != null) {
        liveOwner = true;
      }
    }
    if (liveOwner) {
      removeOwnerRef(dep, deadOwner);
    } else if (!dep.path("metadata").has("deletionTimestamp")) {
      delete(dep, "Background");
    }
  }

  private void finalizeIfDone(ObjectNode owner) {
    JsonNode meta = owner.path("metadata");
    if (meta.has("deletionTimestamp")
        && hasFinalizer(meta, FOREGROUND)
        && dependents(meta.path("uid").asString("")).isEmpty()) {
      removeFinalizer(owner, FOREGROUND);
    }
  }

  private void cleanNamespace(ObjectNode namespace) {
    String ns = namespace.path("metadata").path("name").asString("");
    boolean empty = true;
    for (ResourceType t : Kinds.ALL) {
      if (!t.namespaced()) {
        continue;
      }
      for (ObjectNode o : registry.all(t.listPrefix(ns), x -> true)) {
        empty = false;
        if (!o.path("metadata").has("deletionTimestamp")) {
          delete(o, "Background");
        }
      }
    }
    if (empty) {
      try {
        registry
            .storage()
            .guaranteedUpdate(
                Kinds.NAMESPACES.key("", ns),
                cur -> {
                  Json.obj(cur, "spec").remove("finalizers");
                  return cur;
                });
        registry.storage().delete(Kinds.NAMESPACES.key("", ns), o -> {});
      } catch (Storage.StorageException gone) {
        // finalized already
      }
    }
  }

  private void delete(ObjectNode o, String policy) {
    ResourceType t = typeOf(o);
    if (t == null) {
      return;
    }
    try {
      registry.delete(
          t,
          o.path("metadata").path("namespace").asString(""),
          o.path("metadata").path("name").asString(""),
          new DeleteOptions(null, o.path("metadata").path("uid").asString(""), "", policy, null));
    } catch (ApiError e) {
      if (e.code() != 404 && e.code() != 409) {
        throw e;
      }
    }
  }

  private void removeOwnerRef(ObjectNode dep, String ownerUid) {
    update(
        dep,
        cur -> {
          ObjectNode meta = Json.obj(cur, "metadata");
          if (meta.get("ownerReferences") instanceof ArrayNode refs) {
            ArrayNode kept = refs.arrayNode();
            for (JsonNode r : refs) {
              if (!r.path("uid").asString("").equals(ownerUid)) {
                kept.add(r);
              }
            }
            if (kept.isEmpty()) {
              meta.remove("ownerReferences");
            } else {
              meta.set("ownerReferences", kept);
            }
          }
          return cur;
        });
  }

  private void removeFinalizer(ObjectNode owner, String finalizer) {
    update(
        owner,
        cur -> {
          ObjectNode meta = Json.obj(cur, "metadata");
          if (meta.get("finalizers") instanceof ArrayNode fins) {
            ArrayNode kept = fins.arrayNode();
            for (JsonNode f : fins) {
              if (!f.asString("").equals(finalizer)) {
                kept.add(f);
              }
            }
            if (kept.isEmpty()) {
              meta.remove("finalizers");
            } else {
              meta.set("finalizers", kept);
            }
          }
          return cur;
        });
  }

  private void update(ObjectNode o, java.util.function.UnaryOperator<ObjectNode> change) {
    ResourceType t = typeOf(o);
    if (t == null) {
      return;
    }
    try {
      registry.patch(
          t,
          o.path("metadata").path("namespace").asString(""),
          o.path("metadata").path("name").asString(""),
          "",
          cur -> {
            if (cur == null) {
              throw ApiError.notFound(t.groupResource(), "");
            }
            Json.obj(cur, "metadata").remove("resourceVersion");
            return change.apply(cur);
          });
    } catch (ApiError e) {
      if (e.code() != 404) {
        throw e;
      }
    }
  }

  private static boolean hasFinalizer(JsonNode meta, String f) {
    for (JsonNode x : meta.path("finalizers")) {
      if (x.asString("").equals(f)) {
        return true;
      }
    }
    return false;
  }

  private List<ObjectNode> dependents(String uid) {
    return uid.isEmpty() ? List.of() : registry.storage().dependents(uid);
  }

  private ObjectNode byUid(String uid) {
    return uid.isEmpty() ? null : registry.storage().getByUid(uid);
  }

  private static ResourceType typeOf(JsonNode o) {
    String apiVersion = o.path("apiVersion").asString("");
    String kind = o.path("kind").asString("");
    for (ResourceType t : Kinds.ALL) {
      if (t.apiVersion().equals(apiVersion) && t.kind().equals(kind)) {
        return t;
      }
    }
    return null;
  }

  @Override
  public void close() {
    watch.close();
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
