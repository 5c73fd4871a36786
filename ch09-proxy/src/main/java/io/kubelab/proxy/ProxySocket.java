package io.kubelab.proxy;

import java.net.InetSocketAddress;

/**
 * A listening socket that proxies one service port: TCP or UDP.
 *
 * <p>Upstream: the {@code ProxySocket} interface in {@code pkg/proxy/userspace/proxysocket.go}
 * ({@code Addr}, {@code Close}, {@code ProxyLoop}, {@code ListenPort}). {@link #start} runs the
 * proxy loop on its own named thread instead of taking over the caller's goroutine.
 */
sealed interface ProxySocket extends AutoCloseable permits TcpProxySocket, UdpProxySocket {

  /** The bound address, with the real port when the kernel chose it. */
  InetSocketAddress address();

  /** The port this socket was asked to listen on (0 if the kernel chose): what is released. */
  int listenPort();

  /** Starts the proxy loop on a thread named after the service. */
  void start(ServicePortName service, ServiceInfo info, LoadBalancerRR loadBalancer);

  /**
   * Stops accepting and waits for the loop thread to end. TCP connections already proxied keep
   * going; UDP client sessions end (upstream leaves them to time out).
   */
  @Override
  void close();
}
