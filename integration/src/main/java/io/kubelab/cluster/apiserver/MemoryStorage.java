package io.kubelab.cluster.apiserver;

import io.kubelab.cluster.apiserver.Storage.StorageException.Code;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The in-memory {@link Storage}: MVCC in the way etcd does it, with one revision counter. The
 * current objects live in a sorted map; the last {@code historySize} events live in a ring that
 * both watches (replay from a revision) and old reads (a list at revision R undoes the events after
 * R) are served from. Events older than the ring are compacted: a watch or a list at a revision
 * before them is answered with EXPIRED, which the API turns into {@code 410 Gone}.
 *
 * <p>Upstream: etcd3's store ({@code k8s.io/apiserver/pkg/storage/etcd3/store.go}) for the
 * read-modify-write and list semantics, and the watch cache ({@code storage/cacher/watch_cache.go})
 * for the bounded event window and its "too old resource version" rule. One lock: writes and watch
 * registrations exclude each other, so a list at R followed by a watch from R never misses or
 * repeats a change.
 *
 * <p>Two indexes follow the current objects, updated with them under the lock: uid to keys, and
 * owner uid to the keys of the objects whose {@code ownerReferences} name it. The garbage collector
 * reads them instead of scanning every object for each deletion.
 */
public final class MemoryStorage implements Storage {

  /** Default number of events kept for watches and old reads. */
  public static final int DEFAULT_HISTORY = 10_000;

  /** Default number of events a watcher may fall behind before it is terminated. */
  public static final int DEFAULT_WATCHER_BACKLOG = 100_000;

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final TreeMap<String, ObjectNode> objects = new TreeMap<>();
  private final ArrayDeque<Event> history = new ArrayDeque<>();
  private final int historySize;
  private final int watcherBacklog;
  private final Set<Registration> watchers = new CopyOnWriteArraySet<>();
  private long revision;
  private long compacted; // events with revision <= compacted are gone
  // a set, not one key: preloaded objects keep the uids they come with, which may repeat
  private final Map<String, Set<String>> keysByUid = new HashMap<>();
  private final Map<String, Set<String>> dependentKeys = new HashMap<>();

  public MemoryStorage() {
    this(DEFAULT_HISTORY, DEFAULT_WATCHER_BACKLOG);
  }

  /**
   * @param historySize events kept for watches and reads at old revisions
   * @param watcherBacklog events a watcher may have queued before it is terminated
   */
  public MemoryStorage(int historySize, int watcherBacklog) {
    if (historySize < 1 || watcherBacklog < 1) {
      throw new IllegalArgumentException("historySize and watcherBacklog must be positive");
    }
    this.historySize = historySize;
    this.watcherBacklog = watcherBacklog;
  }

  private record Registration(String prefix, long from, Watch watch, Predicate<Event> filter) {

    boolean wants(Event e) {
      return e.revision() > from && e.key().startsWith(prefix) && filter.test(e);
    }
  }

  @Override
  public long currentRevision() {
    lock.readLock().lock();
    try {
      return revision;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Events with a revision up to this one are no longer in the history. */
  public long compactedRevision() {
    lock.readLock().lock();
    try {
      return compacted;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public ObjectNode get(String key) {
    lock.readLock().lock();
    try {
      return objects.get(key);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public ObjectNode create(String key, ObjectNode object) {
    lock.writeLock().lock();
    try {
      if (objects.containsKey(key)) {
        throw new StorageException(Code.KEY_EXISTS, key, 0, 0);
      }
      ObjectNode stored = withRevision(object, revision + 1);
      commit(new Event(EventType.ADDED, key, stored, null, revision + 1));
      return stored;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public ObjectNode guaranteedUpdate(String key, UnaryOperator<ObjectNode> tryUpdate) {
    lock.writeLock().lock();
    try {
      ObjectNode current = objects.get(key);
      if (current == null) {
        throw new StorageException(Code.KEY_NOT_FOUND, key, 0, 0);
      }
      ObjectNode updated = tryUpdate.apply(current.deepCopy());
      if (sameContent(updated, current)) {
        return current; // upstream skips writes that change nothing
      }
      ObjectNode stored = withRevision(updated, revision + 1);
      commit(new Event(EventType.MODIFIED, key, stored, current, revision + 1));
      return stored;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public ObjectNode delete(String key, Consumer<ObjectNode> precondition) {
    lock.writeLock().lock();
    try {
      ObjectNode current = objects.get(key);
      if (current == null) {
        throw new StorageException(Code.KEY_NOT_FOUND, key, 0, 0);
      }
      precondition.accept(current);
      commit(
          new Event(
              EventType.DELETED, key, withRevision(current, revision + 1), current, revision + 1));
      return current;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Applies one event: the map, the revision, the history, and every watcher under its key. */
  private void commit(Event e) {
    revision = e.revision();
    if (e.type() == EventType.DELETED) {
      objects.remove(e.key());
    } else {
      objects.put(e.key(), e.object());
    }
    unindex(e.key(), e.previous());
    if (e.type() != EventType.DELETED) {
      index(e.key(), e.object());
    }
    history.addLast(e);
    while (history.size() > historySize) {
      compacted = history.removeFirst().revision();
    }
    for (Registration r : watchers) {
      if (r.wants(e) && !r.watch().offer(e)) {
        watchers.remove(r);
      }
    }
  }

  private void index(String key, ObjectNode o) {
    JsonNode meta = o.path("metadata");
    String uid = meta.path("uid").asString("");
    if (!uid.isEmpty()) {
      keysByUid.computeIfAbsent(uid, u -> new TreeSet<>()).add(key);
    }
    for (JsonNode ref : meta.path("ownerReferences")) {
      String owner = ref.path("uid").asString("");
      if (!owner.isEmpty()) {
        dependentKeys.computeIfAbsent(owner, u -> new TreeSet<>()).add(key);
      }
    }
  }

  private static void remove(Map<String, Set<String>> index, String uid, String key) {
    Set<String> keys = index.get(uid);
    if (keys != null) {
      keys.remove(key);
      if (keys.isEmpty()) {
        index.remove(uid);
      }
    }
  }

  private void unindex(String key, ObjectNode old) {
    if (old == null) {
      return;
    }
    JsonNode meta = old.path("metadata");
    remove(keysByUid, meta.path("uid").asString(""), key);
    for (JsonNode ref : meta.path("ownerReferences")) {
      remove(dependentKeys, ref.path("uid").asString(""), key);
    }
  }

  @Override
  public ObjectNode getByUid(String uid) {
    lock.readLock().lock();
    try {
      Set<String> keys = keysByUid.get(uid);
      return keys == null ? null : objects.get(keys.iterator().next());
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<ObjectNode> dependents(String ownerUid) {
    lock.readLock().lock();
    try {
      List<ObjectNode> out = new ArrayList<>();
      for (String key : dependentKeys.getOrDefault(ownerUid, Set.of())) {
        out.add(objects.get(key));
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public ListResult list(
      String prefix, long atRevision, String startKey, int limit, Predicate<ObjectNode> filter) {
    lock.readLock().lock();
    try {
      checkReadable(atRevision, prefix);
      NavigableMap<String, ObjectNode> view = stateAt(prefix, atRevision);
      long rev = atRevision == 0 ? revision : atRevision;
      String from = startKey.isEmpty() ? prefix : startKey;
      NavigableMap<String, ObjectNode> tail = view.tailMap(from, true);
      List<ObjectNode> items = new ArrayList<>();
      String lastKey = null;
      Iterator<Map.Entry<String, ObjectNode>> it = tail.entrySet().iterator();
      while (it.hasNext() && (limit <= 0 || items.size() < limit)) {
        Map.Entry<String, ObjectNode> e = it.next();
        lastKey = e.getKey();
        if (filter.test(e.getValue())) {
          items.add(e.getValue());
        }
      }
      if (limit > 0 && it.hasNext() && lastKey != null) {
        long remaining = tail.tailMap(lastKey, false).size();
        return new ListResult(items, rev, lastKey + "\0", remaining);
      }
      return new ListResult(items, rev, null, 0);
    } finally {
      lock.readLock().unlock();
    }
  }

  private void checkReadable(long atRevision, String key) {
    if (atRevision > revision) {
      throw new StorageException(Code.TOO_LARGE, key, atRevision, revision);
    }
    if (atRevision != 0 && atRevision < compacted) {
      throw new StorageException(Code.EXPIRED, key, atRevision, compacted);
    }
  }

  /** The objects under {@code prefix} at {@code atRevision}: today's, with later events undone. */
  private NavigableMap<String, ObjectNode> stateAt(String prefix, long atRevision) {
    NavigableMap<String, ObjectNode> now = objects.subMap(prefix, true, prefix + '\uffff', false);
    if (atRevision == 0 || atRevision == revision) {
      return now;
    }
    TreeMap<String, ObjectNode> then = new TreeMap<>(now);
    Iterator<Event> back = history.descendingIterator();
    while (back.hasNext()) {
      Event e = back.next();
      if (e.revision() <= atRevision) {
        break;
      }
      if (!e.key().startsWith(prefix)) {
        continue;
      }
      if (e.previous() == null) {
        then.remove(e.key());
      } else {
        then.put(e.key(), e.previous());
      }
    }
    return then;
  }

  @Override
  public Watch watch(String prefix, long fromRevision, boolean initialState) {
    return watch(prefix, fromRevision, initialState, e -> true);
  }

  @Override
  public Watch watch(
      String prefix, long fromRevision, boolean initialState, Predicate<Event> filter) {
    lock.writeLock().lock();
    try {
      Registration[] reg = new Registration[1];
      Watch w = new Watch(watcherBacklog, () -> watchers.remove(reg[0]));
      reg[0] = new Registration(prefix, initialState ? revision : fromRevision, w, filter);
      if (initialState) {
        for (Map.Entry<String, ObjectNode> e :
            objects.subMap(prefix, true, prefix + '\uffff', false).entrySet()) {
          Event added = new Event(EventType.ADDED, e.getKey(), e.getValue(), null, revision);
          if (filter.test(added)) {
            w.offer(added);
          }
        }
      } else {
        // A version from the future is accepted: its events will come (v1.20's watch cache
        // does not wait for it either).
        if (fromRevision < compacted) {
          throw new StorageException(Code.EXPIRED, prefix, fromRevision, compacted);
        }
        for (Event e : history) {
          if (reg[0].wants(e)) {
            w.offer(e);
          }
        }
      }
      watchers.add(reg[0]);
      return w;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * The revision up to which {@code w} has been handed every event, if it has taken them all: what
   * a bookmark may carry. -1 if events are still queued.
   */
  long bookmarkRevision(Watch w) {
    lock.readLock().lock();
    try {
      return w.drained() ? revision : -1;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Number of open watches (for tests and the leak check). */
  public int watcherCount() {
    return watchers.size();
  }

  @Override
  public void close() {
    for (Registration r : watchers) {
      r.watch().end("storage closed");
    }
    watchers.clear();
  }

  private static ObjectNode withRevision(ObjectNode object, long rev) {
    ObjectNode copy = Json.canonical(object.deepCopy());
    Json.obj(copy, "metadata").put("resourceVersion", Long.toString(rev));
    return copy;
  }

  private static boolean sameContent(ObjectNode a, ObjectNode b) {
    ObjectNode x = a.deepCopy();
    ObjectNode y = b.deepCopy();
    Json.obj(x, "metadata").remove("resourceVersion");
    Json.obj(y, "metadata").remove("resourceVersion");
    return x.equals(y);
  }
}
