package io.kubelab.cluster.apiserver;

import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where the API server keeps objects: a key-value store with one revision counter, whose value is
 * every object's {@code metadata.resourceVersion}.
 *
 * <p>Upstream: {@code k8s.io/apiserver/pkg/storage/interfaces.go} ({@code storage.Interface}:
 * {@code Create}, {@code Get}, {@code GuaranteedUpdate}, {@code Delete}, {@code GetToList}/{@code
 * List}, {@code Watch}), implemented there over etcd3 and fronted by the watch cache ({@code
 * cacher}). Keys are upstream's: {@code /registry/pods/default/web-1}. Stored objects are JSON
 * trees that nobody mutates once stored: callers copy before they change one.
 *
 * <p>Every write takes the next revision and produces exactly one {@link Event}; {@link #watch}
 * replays them from any revision still in the bounded history, so a list at revision R followed by
 * a watch from R sees every change exactly once.
 */
public interface Storage extends AutoCloseable {

  /** The revision of the last write (0 before any). */
  long currentRevision();

  /** The stored object, or null. */
  ObjectNode get(String key);

  /**
   * Stores a new object at the next revision.
   *
   * @return the stored object, with {@code metadata.resourceVersion} set
   * @throws StorageException KEY_EXISTS if the key is taken
   */
  ObjectNode create(String key, ObjectNode object);

  /**
   * Read-modify-write, atomically: {@code tryUpdate} gets the current object and returns the new
   * one; returning an object equal to the current one (ignoring its resourceVersion) writes nothing
   * and keeps the revision, as upstream's GuaranteedUpdate skips no-op writes. {@code tryUpdate}
   * may throw to abort (an {@link ApiError}, for instance): nothing is written.
   *
   * @throws StorageException KEY_NOT_FOUND if there is no object
   */
  ObjectNode guaranteedUpdate(String key, UnaryOperator<ObjectNode> tryUpdate);

  /**
   * Deletes the object at the next revision after {@code precondition} accepted it (it throws to
   * refuse). Returns the object as it was.
   *
   * @throws StorageException KEY_NOT_FOUND if there is no object
   */
  ObjectNode delete(String key, java.util.function.Consumer<ObjectNode> precondition);

  /**
   * The objects under {@code prefix} whose keys follow {@code startKey} (inclusive; "" from the
   * start), in key order, as they were at {@code revision} (0: now), at most {@code limit} of them
   * that {@code filter} accepts (0: no limit).
   *
   * @throws StorageException EXPIRED if {@code revision} was compacted, TOO_LARGE if it is in the
   *     future
   */
  ListResult list(
      String prefix, long revision, String startKey, int limit, Predicate<ObjectNode> filter);

  /**
   * An object now stored with this {@code metadata.uid} (the first by key if preloaded objects
   * share it), or null: the garbage collector's lookup of an owner.
   */
  ObjectNode getByUid(String uid);

  /**
   * The objects now stored that name {@code ownerUid} in their {@code metadata.ownerReferences}, in
   * key order: the garbage collector's lookup of an owner's dependents (upstream's GraphBuilder
   * keeps the same edges in its {@code uidToNode} graph).
   */
  List<ObjectNode> dependents(String ownerUid);

  /**
   * Watches every key under {@code prefix}. With {@code initialState}, the watch starts with one
   * ADDED event per object now stored, then continues from now; otherwise it delivers every event
   * after {@code fromRevision}.
   *
   * @throws StorageException EXPIRED if events after {@code fromRevision} were compacted
   */
  Watch watch(String prefix, long fromRevision, boolean initialState);

  /**
   * As {@link #watch(String, long, boolean)}, delivering only the events {@code filter} accepts:
   * the others do not wake the watcher's thread. The garbage collector, which acts only on
   * deletions, watches this way.
   */
  Watch watch(String prefix, long fromRevision, boolean initialState, Predicate<Event> filter);

  @Override
  void close();

  /** One list page. */
  record ListResult(List<ObjectNode> items, long revision, String nextKey, long remaining) {}

  /** The kinds of change, as in upstream's {@code watch.EventType}. */
  enum EventType {
    ADDED,
    MODIFIED,
    DELETED
  }

  /**
   * One committed change. For DELETED, {@code object} is the last state with the deletion's
   * revision as its resourceVersion, as upstream's etcd3 watcher reports it.
   *
   * @param previous the object before the change, null for ADDED
   */
  record Event(EventType type, String key, ObjectNode object, ObjectNode previous, long revision) {}

  /** A storage failure, translated by the registry into an {@link ApiError}. */
  final class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Code {
      KEY_NOT_FOUND,
      KEY_EXISTS,
      EXPIRED,
      TOO_LARGE
    }

    private final Code code;
    private final long requested;
    private final long limit;

    StorageException(Code code, String key, long requested, long limit) {
      super(code + " " + key, null, false, false);
      this.code = code;
      this.requested = requested;
      this.limit = limit;
    }

    public Code code() {
      return code;
    }

    /** The revision asked for (EXPIRED, TOO_LARGE). */
    public long requested() {
      return requested;
    }

    /** EXPIRED: the oldest revision a watch may start from; TOO_LARGE: the current revision. */
    public long limit() {
      return limit;
    }
  }
}
