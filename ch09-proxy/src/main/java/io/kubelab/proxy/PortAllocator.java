package io.kubelab.proxy;

import java.util.BitSet;
import java.util.Random;

/**
 * Hands out proxy ports.
 *
 * <p>Upstream: {@code PortAllocator}, {@code randomAllocator} and {@code rangeAllocator} in {@code
 * pkg/proxy/userspace/port_allocator.go}. With an empty range every allocation is port 0 and the
 * kernel chooses; with a range, a bitmap of used ports and upstream's search: one random probe,
 * then a scan forward to the end of the range, then from the start up to the probe. The scan is
 * bounded by the range size, so allocation never degrades into open-ended random retries as the
 * range fills.
 */
public sealed interface PortAllocator
    permits PortAllocator.RandomAllocator, PortAllocator.RangeAllocator {

  /**
   * A free port, now held; 0 means "let the kernel choose".
   *
   * @throws PortRangeExhaustedException if every port in the range is held
   */
  int allocateNext() throws PortRangeExhaustedException;

  /** Returns a port to the pool. Ports outside the range (and 0) are ignored, as upstream. */
  void release(int port);

  /**
   * {@code newPortAllocator}: the random allocator when the range's base is 0, else a range
   * allocator.
   *
   * @throws IllegalArgumentException for a range with a base but no ports, where upstream panics
   *     with the same text
   */
  static PortAllocator forRange(PortRange range, Random random) {
    return range.isEmpty() ? new RandomAllocator() : new RangeAllocator(range, random);
  }

  /** Always port 0: the kernel picks an ephemeral port, the proxier reads it back. */
  final class RandomAllocator implements PortAllocator {
    @Override
    public int allocateNext() {
      return 0;
    }

    @Override
    public void release(int port) {
      // Nothing is held: the kernel owns ephemeral ports.
    }
  }

  /** A bitmap over {@code [base, base+size)}; bit i set means port base+i is held. */
  final class RangeAllocator implements PortAllocator {
    private final PortRange range;
    private final Random random;
    private final BitSet used;

    RangeAllocator(PortRange range, Random random) {
      if (range.base() == 0 || range.size() == 0) {
        throw new IllegalArgumentException("illegal argument: may not specify an empty port range");
      }
      this.range = range;
      this.random = random;
      this.used = new BitSet(range.size());
    }

    @Override
    public synchronized int allocateNext() throws PortRangeExhaustedException {
      int j = random.nextInt(range.size());
      // Upstream scans j+1..size-1 then 0..j-1 bit by bit; BitSet.nextClearBit is the same
      // search a word (64 ports) at a time.
      int i = used.nextClearBit(j);
      if (i >= range.size()) {
        i = used.nextClearBit(0);
        if (i >= j) {
          throw new PortRangeExhaustedException(range);
        }
      }
      used.set(i);
      return range.base() + i;
    }

    @Override
    public synchronized void release(int port) {
      if (range.contains(port)) {
        used.clear(port - range.base());
      }
    }

    /** How many ports are held now. */
    synchronized int inUse() {
      return used.cardinality();
    }

    PortRange range() {
      return range;
    }
  }
}
