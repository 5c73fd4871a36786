package io.kubelab.cluster.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A live view of the cluster in a browser: {@code GET /dashboard/} on kubelab's API server answers
 * one HTML page whose script lists nodes, pods and events through the API (same origin, as kubectl
 * reads them) once a second, and shows each node with its pods, requests against allocatable, the
 * pods still pending with the scheduler's reason, and the latest events. Every other path goes to
 * the API.
 *
 * <p>Upstream has no counterpart in the API server: the Kubernetes Dashboard is a separate
 * application. kubelab serves its page from the API server so that {@code kubelab up} needs one
 * port and the page needs no credentials (the server listens on loopback only).
 */
public final class Dashboard extends Handler.Wrapper {

  /** Where the page is served. */
  public static final String PATH = "/dashboard/";

  private static final ByteBuffer PAGE = load();

  public Dashboard(Handler api) {
    super(api);
  }

  private static ByteBuffer load() {
    try (InputStream in = Dashboard.class.getResourceAsStream("index.html")) {
      if (in == null) {
        throw new IllegalStateException("dashboard page missing from the class path");
      }
      return ByteBuffer.wrap(in.readAllBytes()).asReadOnlyBuffer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    if (!path.equals("/dashboard") && !path.equals(PATH)) {
      return super.handle(request, response, callback);
    }
    if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
      response.setStatus(405);
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      response.write(true, null, callback);
      return true;
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, request.getMethod().equals("HEAD") ? null : PAGE.duplicate(), callback);
    return true;
  }
}
