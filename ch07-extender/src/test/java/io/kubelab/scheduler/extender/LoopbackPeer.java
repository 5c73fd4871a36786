package io.kubelab.scheduler.extender;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The far end of the extender's client, written by hand so that a test decides each byte it sends
 * and sees each connection it gets: which connection a call came on, what the request said, and
 * whether the client closed a connection. Every wait is bounded by {@link #WAIT_MILLIS}.
 */
final class LoopbackPeer implements AutoCloseable {
  static final int WAIT_MILLIS = 10_000;

  private final ServerSocket listener;

  LoopbackPeer() {
    this(plainListener(InetAddress.getLoopbackAddress()));
  }

  /** A peer on a listener the test made (TLS, another address). */
  LoopbackPeer(ServerSocket listener) {
    this.listener = listener;
    try {
      listener.setSoTimeout(WAIT_MILLIS);
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ServerSocket plainListener(InetAddress address) {
    try {
      return new ServerSocket(0, 4, address);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return listener.getLocalPort();
  }

  /** The next connection the client opens; fails when none comes within the bound. */
  Conn accept() throws IOException {
    Socket s = listener.accept();
    s.setSoTimeout(WAIT_MILLIS);
    return new Conn(s);
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }

  /** A request as it arrived: request line, headers (names in lower case) and body. */
  record Request(String line, Map<String, String> headers, String body) {}

  /** One accepted connection. */
  static final class Conn implements AutoCloseable {
    final Socket socket;
    private final InputStream in;

    Conn(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
    }

    Request read() throws IOException {
      String line = line();
      Map<String, String> headers = new LinkedHashMap<>();
      for (String h = line(); !h.isEmpty(); h = line()) {
        int colon = h.indexOf(':');
        headers.put(
            h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      String body = new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
      return new Request(line, headers, body);
    }

    private String line() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new IOException("end of stream inside a request");
        }
        if (c != '\r') {
          b.write(c);
        }
      }
      return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Writes {@code raw} as it is. */
    void write(String raw) throws IOException {
      socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
    }

    /** A kept-alive JSON answer with status 200. */
    void ok(String json) throws IOException {
      write(
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
              + json.length()
              + "\r\n\r\n"
              + json);
    }

    /**
     * Whether the client ended this connection within the bound: end of stream, or a reset (the
     * client closes without lingering). Bytes the client sends instead count as no.
     */
    boolean clientClosed() throws IOException {
      try {
        return in.read() < 0;
      } catch (SocketTimeoutException e) {
        return false;
      } catch (SocketException e) {
        return true;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
