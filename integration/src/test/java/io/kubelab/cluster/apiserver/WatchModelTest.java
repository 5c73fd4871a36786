package io.kubelab.cluster.apiserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.kubelab.apimachinery.clock.FakeClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/**
 * Model-based: random creates, updates (some with a stale resourceVersion), deletes, and watches
 * opened from random past versions, some dropped halfway and resumed from the last version they
 * saw. A small model, sharing no code with the server, numbers the changes it expects to be
 * committed; every watcher must see exactly the committed changes after its version, in order, none
 * lost, none repeated, each carrying the revision the model gave it.
 */
class WatchModelTest {

  /** One expected change: its type, the pod, and the model's revision for it. */
  record Change(String type, String pod, long revision) {}

  /** The reference model: which pods exist and every change committed, numbered from 1. */
  static final class Model {
    final Map<String, Long> exists = new HashMap<>();
    final List<Change> log = new ArrayList<>();

    long commit(String type, String pod) {
      long rev = log.size() + 1;
      log.add(new Change(type, pod, rev));
      if (type.equals("DELETED")) {
        exists.remove(pod);
      } else {
        exists.put(pod, rev);
      }
      return rev;
    }

    List<Change> after(long rev) {
      return log.subList((int) rev, log.size());
    }
  }

  /** A watcher: where it started, and where it will drop its connection once. */
  record Watcher(long from, int dropAfter) {}

  @Test
  void everyWatcherSeesExactlyTheCommittedChangesAfterItsVersion() {
    qt().withFixedSeed(0x5EEDL)
        .withExamples(150)
        .forAll(lists().of(integers().between(0, 1_000_000)).ofSizeBetween(1, 60))
        .checkAssert(this::check);
  }

  private void check(List<Integer> script) {
    MemoryStorage storage = new MemoryStorage(10_000, 100_000);
    Registry registry =
        new Registry(
            storage,
            new FakeClock(),
            new Random(1),
            new ServiceIps("127.96.0.0/12", new Random(1)));
    ObjectNode ns = Json.object();
    ns.put("apiVersion", "v1");
    ns.put("kind", "Namespace");
    ns.putObject("metadata").put("name", "default");
    registry.create(Kinds.NAMESPACES, "", Codec.decode(Kinds.NAMESPACES, ns, false), false);
    long base = storage.currentRevision();
    Model model = new Model();
    List<Watcher> watchers = new ArrayList<>();
    int counter = 0;
    for (int v : script) {
      String pod = "p" + (v / 4) % 4;
      boolean stale = (v / 16) % 2 == 1;
      switch (v % 5) {
        case 0, 1 -> { // create
          try {
            registry.create(Kinds.PODS, "default", pod(pod, counter++), false);
            model.commit("ADDED", pod);
          } catch (ApiError e) {
            assertThat(model.exists).containsKey(pod);
            assertThat(e.code()).isEqualTo(409);
          }
        }
        case 2 -> { // update, with the current or a stale resourceVersion
          ObjectNode cur = storage.get(Kinds.PODS.key("default", pod));
          ObjectNode next = cur == null ? pod(pod, counter) : cur.deepCopy();
          Json.obj(Json.obj(next, "metadata"), "labels").put("n", String.valueOf(counter++));
          long rv =
              cur == null
                  ? 1
                  : Long.parseLong(cur.path("metadata").path("resourceVersion").asString());
          Json.obj(next, "metadata").put("resourceVersion", String.valueOf(stale ? rv - 1 : rv));
          try {
            registry.update(Kinds.PODS, "default", pod, next, "");
            assertThat(stale).isFalse();
            model.commit("MODIFIED", pod);
          } catch (ApiError e) {
            assertThat(e.code()).isEqualTo(model.exists.containsKey(pod) ? 409 : 404);
          }
        }
        case 3 -> { // delete (unbound pods go at once)
          try {
            registry.delete(Kinds.PODS, "default", pod, DeleteOptions.DEFAULT);
            model.commit("DELETED", pod);
          } catch (ApiError e) {
            assertThat(model.exists).doesNotContainKey(pod);
            assertThat(e.code()).isEqualTo(404);
          }
        }
        default -> // a watcher from a random version up to now
            watchers.add(new Watcher((v / 5) % (model.log.size() + 1), (v / 7) % 5));
      }
    }
    for (Watcher w : watchers) {
      assertThat(watch(storage, base, w))
          .as("watch from %d", w.from())
          .isEqualTo(model.after(w.from()));
    }
    storage.close();
  }

  /** Reads everything a watcher gets, dropping the connection once and resuming. */
  private static List<Change> watch(MemoryStorage storage, long base, Watcher w) {
    List<Change> seen = new ArrayList<>();
    long last = base + w.from();
    Watch watch = storage.watch(Kinds.PODS.keyPrefix(), last, false);
    int taken = 0;
    while (true) {
      Watch.Item item;
      try {
        item = watch.next(0);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      if (item == null) {
        break;
      }
      Storage.Event e = ((Watch.Change) item).event();
      long rv = Long.parseLong(e.object().path("metadata").path("resourceVersion").asString());
      assertThat(rv).isEqualTo(e.revision());
      seen.add(
          new Change(
              e.type().name(), e.object().path("metadata").path("name").asString(), rv - base));
      last = rv;
      if (++taken == w.dropAfter()) {
        watch.close(); // the connection drops; the client resumes from the last version it saw
        watch = storage.watch(Kinds.PODS.keyPrefix(), last, false);
      }
    }
    watch.close();
    return seen;
  }

  private static ObjectNode pod(String name, int n) {
    ObjectNode p = Json.object();
    p.put("apiVersion", "v1");
    p.put("kind", "Pod");
    ObjectNode meta = p.putObject("metadata");
    meta.put("name", name);
    meta.putObject("labels").put("n", String.valueOf(n));
    p.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "busybox");
    return Codec.decode(Kinds.PODS, p, false);
  }
}
