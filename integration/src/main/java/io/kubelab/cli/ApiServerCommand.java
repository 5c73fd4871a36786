package io.kubelab.cli;

import io.kubelab.cluster.apiserver.ApiServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kubelab apiserver}: the API server alone, on loopback, preloaded from a file, until
 * Ctrl-C.
 */
@Command(
    name = "apiserver",
    mixinStandardHelpOptions = true,
    description = {
      "Serve a cluster over the Kubernetes API (v1.20's paths and semantics) on loopback, until"
          + " Ctrl-C. kubectl and other clients work against it: kubectl --kubeconfig PATH get"
          + " pods.",
      "No authentication: it refuses a non-loopback address unless --allow-non-loopback."
    })
final class ApiServerCommand implements Callable<Integer> {

  private static volatile ApiServerCommand running;

  private final PrintStream out;
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile ApiServer server;

  @Option(
      names = "--port",
      paramLabel = "P",
      description = "port to listen on; 0 takes any free port (default 0)")
  int port;

  @Option(
      names = "--address",
      paramLabel = "HOST",
      description = "address to listen on (default 127.0.0.1)")
  String address = "127.0.0.1";

  @Option(
      names = "--allow-non-loopback",
      description =
          "allow an address other than loopback (anyone who can reach it has full access)")
  boolean allowNonLoopback;

  @Option(
      names = {"-f", "--filename"},
      paramLabel = "FILE",
      description = "objects to load first: nodes, pods, ... as `kubelab schedule -f` reads them")
  String file;

  @Option(
      names = "--kubeconfig-out",
      paramLabel = "PATH",
      description = "write a kubeconfig for this server to PATH")
  Path kubeconfigOut;

  ApiServerCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port " + port + " is not a port (0-65535)");
    }
    var manifest = file == null ? null : Kubelab.read(file);
    if (manifest != null) {
      Kubelab.checkQuantityRanges(manifest, file);
    }
    ApiServer s =
        ApiServer.builder().host(address).port(port).allowNonLoopback(allowNonLoopback).build();
    server = s;
    running = this;
    Thread hook = new Thread(this::stop, "apiserver-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      if (manifest != null) {
        int n = s.load(manifest.objects());
        out.println("kubelab apiserver: loaded " + n + " object(s) from " + file);
      }
      s.start();
      out.println("kubelab apiserver: serving the Kubernetes API on " + s.url());
      if (kubeconfigOut != null) {
        try {
          s.writeKubeconfig(kubeconfigOut);
        } catch (IOException e) {
          throw new UncheckedIOException(kubeconfigOut + ": " + e.getMessage(), e);
        }
        out.println(
            "kubeconfig: "
                + kubeconfigOut
                + "  (kubectl --kubeconfig "
                + kubeconfigOut
                + " get pods -A)");
      }
      out.println("Ctrl-C stops it.");
      out.flush();
      stop.await();
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    } finally {
      s.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it is what stopped us
      }
    }
  }

  /** Stops a running server (what Ctrl-C does). */
  void stop() {
    stop.countDown();
    ApiServer s = server;
    if (s != null) {
      s.close();
    }
  }

  /** The running server, once started (for tests). */
  ApiServer server() {
    return server;
  }

  /** The command last started in this JVM (for tests, which stop it as Ctrl-C would). */
  static ApiServerCommand runningForTests() {
    return running;
  }
}
