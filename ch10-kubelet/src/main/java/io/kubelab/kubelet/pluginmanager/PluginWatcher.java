package io.kubelab.kubelet.pluginmanager;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Watches the plugin registry directory (and every directory below it) and feeds the desired state
 * of the world: a Unix socket created is added (again, with a new timestamp, if it was re-created),
 * a path removed is removed. Existing sockets count as created at start. Files whose name starts
 * with "." and anything but sockets and directories are ignored.
 *
 * <p>Upstream: {@code pkg/kubelet/pluginmanager/pluginwatcher/plugin_watcher.go} over fsnotify;
 * here the JDK's {@link WatchService} (inotify on Linux), on a thread named {@code plugin-watcher}.
 */
final class PluginWatcher implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(PluginWatcher.class.getName());
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;

  private final Path root;
  private final StatesOfWorld.Desired dsw;
  private final Map<WatchKey, Path> dirs = new HashMap<>(); // touched by the start and the loop
  private WatchService watcher;
  private Thread thread;

  PluginWatcher(Path root, StatesOfWorld.Desired dsw) {
    this.root = root;
    this.dsw = dsw;
  }

  /** Upstream {@code Start}: create the directory, watch it, take its existing sockets. */
  synchronized void start() throws IOException {
    Files.createDirectories(root);
    watcher = FileSystems.getDefault().newWatchService();
    traverse(root);
    thread = new Thread(this::loop, "plugin-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private void traverse(Path dir) throws IOException {
    synchronized (dirs) {
      dirs.put(
          dir.register(
              watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE),
          dir);
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        handleCreate(p);
      }
    }
  }

  private void handleCreate(Path p) {
    if (p.getFileName().toString().startsWith(".")) {
      return;
    }
    try {
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        traverse(p);
      } else if (isSocket(p)) {
        dsw.addOrUpdatePlugin(p.toString());
      }
    } catch (IOException e) {
      LOG.log(Level.ERROR, "error while handling create event for " + p + ": " + e);
    }
  }

  static boolean isSocket(Path p) throws IOException {
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return (mode & S_IFMT) == S_IFSOCK;
  }

  private void loop() {
    while (true) {
      WatchKey key;
      try {
        key = watcher.take();
      } catch (ClosedWatchServiceException | InterruptedException e) {
        return;
      }
      Path dir;
      synchronized (dirs) {
        dir = dirs.get(key);
      }
      for (WatchEvent<?> ev : key.pollEvents()) {
        if (dir == null || ev.kind() == StandardWatchEventKinds.OVERFLOW) {
          continue;
        }
        Path p = dir.resolve((Path) ev.context());
        if (ev.kind() == StandardWatchEventKinds.ENTRY_CREATE) {
          handleCreate(p);
        } else {
          dsw.removePlugin(p.toString());
        }
      }
      if (!key.reset()) {
        synchronized (dirs) {
          dirs.remove(key);
        }
      }
    }
  }

  /** Stops watching and joins the thread (at most 11 s, as upstream's stop waits). */
  @Override
  public synchronized void close() throws IOException {
    if (watcher == null) {
      return;
    }
    watcher.close();
    try {
      thread.join(11_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    watcher = null;
  }
}
