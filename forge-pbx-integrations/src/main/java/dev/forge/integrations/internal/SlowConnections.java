package dev.forge.integrations.internal;

import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closes connections that take too long to send a request head: Jetty's idle timeout is reset by every byte,
 * so a client sending one byte a second would otherwise keep its connection for ever. A connection is watched
 * while it waits for a head (from its opening, or from its previous answer): Jetty counts a request when its
 * head is complete and an answer when it is sent, so equal counts that have not moved for the header timeout
 * mean a head that is late. Jetty offers no such bound of its own (its minimum data rate covers bodies), hence
 * this sweep; it costs one look per open connection every quarter of a second.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class SlowConnections implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SlowConnections.class);

    private final long headerTimeoutNanos;
    private final Map<Connection, Watch> open = new ConcurrentHashMap<>();
    private final AtomicLong closed = new AtomicLong();
    private volatile ScheduledExecutorService sweeper;

    public SlowConnections(Duration headerTimeout) {
        this.headerTimeoutNanos = headerTimeout.toNanos();
    }

    /** The listener to add to a connector (as a bean): it enters and removes its connections. */
    public Connection.Listener listener() {
        return new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                open.put(connection, new Watch(System.nanoTime()));
            }

            @Override
            public void onClosed(Connection connection) {
                open.remove(connection);
            }
        };
    }

    /** Starts the sweep on a daemon thread of its own. */
    public void start() {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "forge-integrations-http-heads");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(10, Math.min(250, TimeUnit.NANOSECONDS.toMillis(headerTimeoutNanos) / 4));
        s.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
        sweeper = s;
    }

    /** Connections closed so far for a late head. */
    public long closed() {
        return closed.get();
    }

    void sweep() {
        long now = System.nanoTime();
        for (Map.Entry<Connection, Watch> e : open.entrySet()) {
            Connection c = e.getKey();
            Watch w = e.getValue();
            long in = c.getMessagesIn();
            long out = c.getMessagesOut();
            if (in != w.in || out != w.out) {
                w.in = in;
                w.out = out;
                w.since = now;
            } else if (in == out && now - w.since > headerTimeoutNanos) {
                open.remove(c);
                closed.incrementAndGet();
                LOG.debug("closing {}: no request head within {} ms", c.getEndPoint().getRemoteSocketAddress(),
                        TimeUnit.NANOSECONDS.toMillis(headerTimeoutNanos));
                c.getEndPoint().close();
            }
        }
    }

    @Override
    public void close() {
        ScheduledExecutorService s = sweeper;
        if (s != null) {
            s.shutdownNow();
        }
    }

    /** What was last seen of one connection; touched by the sweeper only. */
    private static final class Watch {
        long in;
        long out;
        long since;

        Watch(long since) {
            this.since = since;
        }
    }
}
