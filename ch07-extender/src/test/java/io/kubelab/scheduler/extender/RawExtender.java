package io.kubelab.scheduler.extender;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An extender that answers every POST with one fixed JSON text, written by hand: for answers no
 * well-behaved encoder writes ({@code null} inside lists and maps, missing fields). It keeps the
 * request bodies it received.
 */
final class RawExtender implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService pool;
  final BlockingQueue<String> requests = new LinkedBlockingQueue<>();

  RawExtender(String answer) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        x -> {
          requests.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          byte[] body = answer.getBytes(StandardCharsets.UTF_8);
          x.sendResponseHeaders(200, body.length);
          try (OutputStream out = x.getResponseBody()) {
            out.write(body);
          }
        });
    pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "raw-extender"));
    server.setExecutor(pool);
    server.start();
  }

  /** {@code "urlPrefix":"http://127.0.0.1:port"} for {@link Configs}. */
  String urlPrefix() {
    return "\"urlPrefix\":\"" + url() + "\"";
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
    try {
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        throw new IllegalStateException("raw extender thread still running");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
