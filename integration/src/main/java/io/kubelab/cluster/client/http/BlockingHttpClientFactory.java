package io.kubelab.cluster.client.http;

import io.fabric8.kubernetes.client.http.HttpClient;

/**
 * fabric8's HTTP transport in kubelab's processes: each request runs to its response on the thread
 * that makes it, over Apache HttpClient 5's blocking HTTP/1.1 and a pool of kept-alive connections;
 * only a streamed body (a watch) gets a thread of its own, which reads it as the consumer asks for
 * more.
 *
 * <p>Why not the JDK's {@code HttpClient}, fabric8's default here before: its asynchronous pipeline
 * hands every request between four or five threads (the caller, the selector, the client's
 * executor, the common pool), and on the 2-core machines kubelab is measured on those hand-offs and
 * their futex calls cost more than the HTTP itself. client-go, the client that upstream's
 * components use, also runs a request on the goroutine that makes it.
 *
 * <p>Found through {@code java.util.ServiceLoader} ({@code
 * META-INF/services/io.fabric8.kubernetes.client.http.HttpClient$Factory}) with a priority above
 * fabric8's own transports, so every {@code KubernetesClientBuilder} in kubelab uses it. It speaks
 * no WebSocket: fabric8 then watches over plain HTTP, as it does when a server refuses the upgrade.
 */
public final class BlockingHttpClientFactory implements HttpClient.Factory {

  /**
   * Above fabric8's transports (0 and below), so that this one is chosen when several are found.
   */
  public static final int PRIORITY = 10;

  @Override
  public BlockingHttpClient.Builder newBuilder() {
    return new BlockingHttpClient.Builder(this);
  }

  @Override
  public int priority() {
    return PRIORITY;
  }
}
