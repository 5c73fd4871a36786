package io.kubelab.cluster.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What {@link MemoryStorage} offers the garbage collector: its two indexes, {@code getByUid} and
 * {@code dependents}, checked against a scan of every stored object after random creates, updates
 * that change an object's owners, and deletes (the scan reads the objects through {@code list}, not
 * the indexes); and a watch that delivers only the events its filter accepts.
 */
class StorageForGarbageCollectorTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int OBJECTS = 8;
  private static final String SHARED_UID = "uid-shared";

  @Test
  void byUidAndDependentsAgreeWithAScanAfterEveryWrite() {
    qt().withFixedSeed(0x0DDL)
        .withExamples(200)
        .forAll(lists().of(integers().between(0, 1_000_000)).ofSizeBetween(1, 80))
        .checkAssert(this::check);
  }

  @Test
  void aFilteredWatchGetsOnlyTheEventsItsFilterAccepts() throws InterruptedException {
    try (MemoryStorage storage = new MemoryStorage()) {
      storage.create("/registry/things/a", object(0, 1, 0));
      storage.create("/registry/things/b", object(1, 1, 0));
      storage.delete("/registry/things/a", o -> {});
      // from revision 0: the history is replayed through the filter, then live events follow
      Watch w = storage.watch("/registry/", 0, false, e -> e.type() == Storage.EventType.DELETED);
      storage.guaranteedUpdate("/registry/things/b", cur -> object(1, 1, 1));
      storage.delete("/registry/things/b", o -> {});
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Watch.Item item = w.next(10_000);
        Storage.Event e = ((Watch.Change) item).event();
        seen.add(e.type() + " " + e.key() + " @" + e.revision());
      }
      assertThat(seen)
          .containsExactly("DELETED /registry/things/a @3", "DELETED /registry/things/b @5");
      assertThat(w.next(0)).isNull();
      // with the initial state: the ADDED events of what is stored pass through the filter too
      storage.create("/registry/things/c", object(2, 1, 0));
      storage.create("/registry/things/d", object(3, 1, 1));
      Watch initial =
          storage.watch(
              "/registry/", 0, true, e -> e.object().path("metadata").has("ownerReferences"));
      Storage.Event added = ((Watch.Change) initial.next(10_000)).event();
      assertThat(added.type() + " " + added.key()).isEqualTo("ADDED /registry/things/d");
      assertThat(initial.next(0)).isNull();
    }
  }

  /** Each number is one write: which object, what to do, and which owners to give it. */
  private void check(List<Integer> steps) {
    try (MemoryStorage storage = new MemoryStorage()) {
      Map<String, Integer> generation = new TreeMap<>();
      for (int step : steps) {
        int which = step % OBJECTS;
        int what = (step / OBJECTS) % 3;
        int owners = step / (OBJECTS * 3);
        String key = "/registry/things/o" + which;
        boolean exists = storage.get(key) != null;
        if (!exists) {
          int g = generation.merge(key, 1, Integer::sum);
          storage.create(key, object(which, g, owners));
        } else if (what == 0) {
          storage.delete(key, o -> {});
        } else {
          int g = generation.get(key);
          storage.guaranteedUpdate(key, cur -> object(which, g, owners));
        }
        assertIndexesMatchScan(storage);
      }
    }
  }

  /**
   * Object {@code which}, whose uid changes with each re-creation ({@code g}), owned by the objects
   * picked by the low 8 bits of {@code owners} (their first generation's uids, so some references
   * dangle once an owner was re-created). Bit 8 gives it a uid shared with others instead (as
   * preloaded objects may), bit 9 names its first owner twice.
   */
  private static ObjectNode object(int which, int g, int owners) {
    ObjectNode o = JSON.createObjectNode();
    ObjectNode meta = o.putObject("metadata");
    meta.put("name", "o" + which);
    meta.put("uid", (owners >> 8 & 1) == 1 ? SHARED_UID : "uid-" + which + "-" + g);
    ArrayNode refs = JSON.createArrayNode();
    for (int i = 0; i < OBJECTS; i++) {
      if ((owners >> i & 1) == 1 && i != which) {
        refs.addObject().put("kind", "Thing").put("name", "o" + i).put("uid", "uid-" + i + "-1");
      }
    }
    if ((owners >> 9 & 1) == 1 && !refs.isEmpty()) {
      refs.add(refs.get(0).deepCopy());
    }
    if (!refs.isEmpty()) {
      meta.set("ownerReferences", refs);
    }
    return o;
  }

  private static void assertIndexesMatchScan(MemoryStorage storage) {
    List<ObjectNode> all = storage.list("/registry/", 0, "", 0, x -> true).items();
    List<String> uids = new ArrayList<>(List.of(SHARED_UID));
    for (int i = 0; i < OBJECTS; i++) {
      for (int g = 1; g <= 4; g++) {
        uids.add("uid-" + i + "-" + g);
      }
    }
    for (String uid : uids) {
      ObjectNode byScan = null;
      List<String> dependentsByScan = new ArrayList<>();
      for (ObjectNode o : all) { // in key order
        JsonNode meta = o.path("metadata");
        if (byScan == null && meta.path("uid").asString("").equals(uid)) {
          byScan = o;
        }
        for (JsonNode ref : meta.path("ownerReferences")) {
          if (ref.path("uid").asString("").equals(uid)) {
            dependentsByScan.add(meta.path("name").asString(""));
            break; // a dependent once, however many of its references name the owner
          }
        }
      }
      assertThat(storage.getByUid(uid)).as("getByUid(%s)", uid).isEqualTo(byScan);
      assertThat(
              storage.dependents(uid).stream()
                  .map(o -> o.path("metadata").path("name").asString(""))
                  .toList())
          .as("dependents(%s)", uid)
          .containsExactlyElementsOf(dependentsByScan);
    }
  }
}
