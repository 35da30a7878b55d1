package dev.forge.internal;

import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Random spread for reconnect and retry waits, so that many clients cut off by the same outage (a Redis
 * restart, a PBX failover) do not all come back in the same millisecond and knock the server over again.
 *
 * <p>Every Forge backoff keeps its own schedule of ceilings (doubling up to a maximum) and waits a random time
 * in the upper half of the current one, {@code [delay - delay/2, delay]} ("equal jitter"): the wait never exceeds
 * the documented maximum, never falls below half of it, so a loop never spins, and clients spread over half
 * the interval.
 *
 * <p>Thread-safety: stateless; the default draws from {@link ThreadLocalRandom}.
 */
public final class Jitter {

    private Jitter() {
    }

    /** A wait in {@code [delay - delay/2, delay]}, in the unit of {@code delay}; 0 stays 0. */
    public static long spread(long delay) {
        return spread(delay, ThreadLocalRandom.current());
    }

    /** As {@link #spread(long)}, drawing from {@code random} (seeded in tests). */
    public static long spread(long delay, RandomGenerator random) {
        if (delay < 0) {
            throw new IllegalArgumentException("delay: must be 0 or more, got " + delay);
        }
        long lowest = delay - delay / 2;
        return lowest == delay ? delay : random.nextLong(lowest, delay + 1);
    }
}
