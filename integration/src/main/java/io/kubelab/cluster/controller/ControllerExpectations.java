package io.kubelab.cluster.controller;

import io.kubelab.apimachinery.clock.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * What a controller is still waiting to see in its informer after it created or deleted pods, so
 * that it does not act twice on the same gap between the spec and a cache that has not caught up.
 *
 * <p>Upstream: {@code ControllerExpectations} and {@code UIDTrackingControllerExpectations} of
 * {@code pkg/controller/controller_utils.go} (v1.18), as the ReplicaSet controller uses them:
 *
 * <ul>
 *   <li>{@link #expectCreations}: the controller is about to create {@code n} pods; each pod the
 *       informer reports added lowers the count ({@link #creationObserved});
 *   <li>{@link #expectDeletions}: it is about to delete these pods (by {@code namespace/name});
 *       only a deletion of one of them lowers the count, and only once ({@link #deletionObserved});
 *   <li>{@link #satisfiedExpectations}: true when there is no record, when both counts are at or
 *       below zero, or when the record is older than {@link #EXPECTATIONS_TIMEOUT} (a watch event
 *       lost for good must not stop the controller forever). The sync acts only then.
 * </ul>
 *
 * <p>Setting expectations replaces the key's record (and its timestamp), as upstream's store does.
 */
public final class ControllerExpectations {

  private static final Logger LOG = Logger.getLogger(ControllerExpectations.class.getName());

  /** Upstream {@code ExpectationsTimeout}. */
  public static final Duration EXPECTATIONS_TIMEOUT = Duration.ofMinutes(5);

  private final Clock clock;
  private final Map<String, Record> records = new HashMap<>();
  private final Map<String, Set<String>> uids = new HashMap<>();

  /** One controller's outstanding adds and deletes ({@code ControlleeExpectations}). */
  public record Record(long add, long del, Instant timestamp) {
    boolean fulfilled() {
      return add <= 0 && del <= 0;
    }
  }

  public ControllerExpectations(Clock clock) {
    this.clock = clock;
  }

  /** The record of {@code key}, or null. */
  public synchronized Record get(String key) {
    return records.get(key);
  }

  /** Whether the controller of {@code key} may act: nothing outstanding, or waited long enough. */
  public synchronized boolean satisfiedExpectations(String key) {
    Record r = records.get(key);
    if (r == null) {
      return true; // a new controller, or one whose expectations were deleted
    }
    if (r.fulfilled()) {
      return true;
    }
    return clock.since(r.timestamp()).compareTo(EXPECTATIONS_TIMEOUT) > 0;
  }

  /** Expect {@code adds} pods to be created (replacing any earlier record). */
  public synchronized void expectCreations(String key, int adds) {
    records.put(key, new Record(adds, 0, clock.now()));
  }

  /** Expect exactly these pods ({@code namespace/name}) to be deleted. */
  public synchronized void expectDeletions(String key, List<String> podKeys) {
    Set<String> expected = new HashSet<>(podKeys);
    Set<String> existing = uids.get(key);
    if (existing != null && !existing.isEmpty()) {
      LOG.severe("Clobbering existing delete keys: " + existing);
    }
    uids.put(key, expected);
    records.put(key, new Record(0, expected.size(), clock.now()));
  }

  /** The informer saw one of the pods created (or a create failed and will not be seen). */
  public synchronized void creationObserved(String key) {
    lower(key, 1, 0);
  }

  /** The informer saw {@code podKey} deleted; counts only for a pod this key expects to delete. */
  public synchronized void deletionObserved(String key, String podKey) {
    Set<String> expected = uids.get(key);
    if (expected != null && expected.remove(podKey)) {
      lower(key, 0, 1);
    }
  }

  /** Forgets {@code key}: its controller was deleted. */
  public synchronized void deleteExpectations(String key) {
    records.remove(key);
    uids.remove(key);
  }

  private void lower(String key, long add, long del) {
    Record r = records.get(key);
    if (r != null) {
      records.put(key, new Record(r.add() - add, r.del() - del, r.timestamp()));
    }
  }
}
