package io.kubelab.proxy.bench;

import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Short-connection load for bench/compare.sh: {@code ConnRateClient host port clients seconds
 * bytes}. Each client thread loops: connect, write {@code bytes}, read them back, close. The first
 * second is warm-up and not counted. Prints {@code conns_per_s=N errors=E}; any error, in the
 * warm-up too, makes the exit status 1 and prints the first one, so that a contender that drops or
 * resets connections fails the comparison instead of merely scoring lower.
 */
public final class ConnRateClient {
  private ConnRateClient() {}

  public static void main(String[] args) throws Exception {
    InetSocketAddress to = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    int clients = Integer.parseInt(args[2]);
    double seconds = Double.parseDouble(args[3]);
    int size = Integer.parseInt(args[4]);
    AtomicBoolean counting = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicReference<Exception> firstError = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Thread t =
          new Thread(
              () -> {
                byte[] request = new byte[size];
                Arrays.fill(request, (byte) 'k');
                byte[] reply = new byte[size];
                while (!stop.get()) {
                  try (Socket s = new Socket()) {
                    s.setTcpNoDelay(true);
                    s.connect(to, 5_000);
                    s.setSoTimeout(5_000);
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    out.write(request);
                    int got = 0;
                    while (got < size) {
                      int n = in.read(reply, got, size - got);
                      if (n < 0) {
                        throw new EOFException("short echo: " + got + " of " + size + " bytes");
                      }
                      got += n;
                    }
                    if (counting.get()) {
                      done.incrementAndGet();
                    }
                  } catch (Exception e) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, e);
                  }
                }
              },
              "conn-rate-client-" + c);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    Thread.sleep(1_000); // warm-up: JIT, pools, listen backlogs
    counting.set(true);
    long start = System.nanoTime();
    Thread.sleep((long) (seconds * 1000));
    long n = done.get();
    double elapsed = (System.nanoTime() - start) / 1e9;
    counting.set(false);
    stop.set(true);
    for (Thread t : threads) {
      t.join(10_000);
    }
    System.out.printf("conns_per_s=%.0f errors=%d%n", n / elapsed, errors.get());
    if (errors.get() > 0) {
      System.err.println("first client error: " + firstError.get());
      System.exit(1);
    }
  }
}
