package dev.forge.micrometer;

import dev.forge.ivr.AcceptLost;
import dev.forge.ivr.ControlHandler;
import dev.forge.ivr.IvrClient;
import dev.forge.ivr.IvrConnectionListener;
import dev.forge.ivr.IvrSession;
import dev.forge.ivr.SessionListener;
import dev.forge.ivr.StopReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * IVR sessions on a Micrometer {@link MeterRegistry}: sessions taken, live and how long each lasted and how it
 * ended, offers lost, and the ivrapi socket's drops and reconnects. Needs {@code forge-ivr-client}, which this
 * module does not bring along (a host that controls IVR sessions has it).
 *
 * <pre>{@code
 * IvrMetrics ivrMetrics = IvrMetrics.builder(registry).build();
 * IvrClient ivr = IvrClient.connect(endpoint, token, IvrOptions.defaults());
 * ivrMetrics.bind(ivr);
 * IvrController controller = ivr.control(options, ivrMetrics.instrument(handler));
 * }</pre>
 *
 * <p>The session meters count what goes through the handlers made by {@link #instrument}: wrap each
 * {@link ControlHandler} whose sessions should count.
 *
 * <p>Thread-safety: thread-safe. {@link #close()} removes the meters this made; the client's connection listener
 * stays registered (IvrClient has no way to remove one) but records nothing more. Nothing the host passed in is
 * closed.
 *
 * @since 0.1.0
 */
public final class IvrMetrics implements AutoCloseable {

    /** Counter: sessions a controller took (its {@code ivrapi_accept} was answered ok). */
    public static final String SESSIONS_TAKEN = "forge.ivr.sessions.taken";
    /** Gauge: sessions taken and not yet ended. */
    public static final String SESSIONS_ACTIVE = "forge.ivr.sessions.active";
    /** Timer: from taking a session to its end, tagged reason; its count is the sessions ended. */
    public static final String SESSION_DURATION = "forge.ivr.session.duration";
    /** Counter: offered sessions a controller did not get, tagged reason. */
    public static final String ACCEPTS_LOST = "forge.ivr.accepts.lost";
    /** Gauge: 1 while the client's socket is open, else 0. */
    public static final String CONNECTED = "forge.ivr.connected";
    /** Counter: drops of the client's socket (not counting {@code close()}). */
    public static final String DISCONNECTS = "forge.ivr.disconnects";
    /** Function counter: times the client's socket was reopened after a drop. */
    public static final String RECONNECTS = "forge.ivr.reconnects";

    /**
     * Why a session ended ({@link StopReason}: script, timeout, abort, unknown, lost, closed), or why an offer was
     * lost ({@link AcceptLost.Reason}: refused, timed_out, ended, closed).
     */
    public static final String TAG_REASON = "reason";

    private final MeterRegistry registry;
    private final Tags common;
    private final AtomicInteger active = new AtomicInteger();
    private final Counter taken;
    private final Map<StopReason, Timer> durations = new EnumMap<>(StopReason.class);
    private final Map<AcceptLost.Reason, Counter> lost = new EnumMap<>(AcceptLost.Reason.class);
    private final Set<Meter> meters = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private IvrMetrics(Builder b) {
        this.registry = b.registry;
        this.common = b.tags;
        this.taken = keep(Counter.builder(SESSIONS_TAKEN).description("IVR sessions a controller took")
                .tags(common).register(registry));
        keep(Gauge.builder(SESSIONS_ACTIVE, active, AtomicInteger::get).description("IVR sessions taken and not ended")
                .tags(common).strongReference(true).register(registry));
        // every reason up front: a handful of meters, and the hot path only looks them up
        for (StopReason r : StopReason.values()) {
            durations.put(r, keep(Timer.builder(SESSION_DURATION).description("IVR sessions from taken to ended")
                    .tags(common).tag(TAG_REASON, r.name().toLowerCase(Locale.ROOT)).register(registry)));
        }
        for (AcceptLost.Reason r : AcceptLost.Reason.values()) {
            lost.put(r, keep(Counter.builder(ACCEPTS_LOST).description("Offered IVR sessions a controller did not get")
                    .tags(common).tag(TAG_REASON, r.name().toLowerCase(Locale.ROOT)).register(registry)));
        }
    }

    /** IVR metrics on {@code registry}. */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    /**
     * A handler that counts each session and offer, then hands it to {@code handler}. Give it to
     * {@link IvrClient#control}.
     */
    public ControlHandler instrument(ControlHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return new ControlHandler() {
            @Override
            public void onSession(IvrSession session) {
                if (!closed) {
                    taken.increment();
                    active.incrementAndGet();
                    Timer.Sample sample = Timer.start(registry);
                    // a listener, not ended(): it runs before the session's ended() stage completes, so whoever
                    // waits on that stage sees the session counted
                    session.addListener(new SessionListener() {
                        @Override
                        public void onEnded(IvrSession s, StopReason reason) {
                            active.decrementAndGet();
                            if (!closed) {
                                sample.stop(durations.get(reason == null ? StopReason.UNKNOWN : reason));
                            }
                        }
                    });
                }
                handler.onSession(session);
            }

            @Override
            public void onAcceptLost(AcceptLost l) {
                if (!closed) {
                    lost.get(l.reason()).increment();
                }
                handler.onAcceptLost(l);
            }

            @Override
            public String toString() {
                return "IvrMetrics(" + handler + ")";
            }
        };
    }

    /**
     * Registers the socket's meters for {@code client}: {@value #CONNECTED}, {@value #DISCONNECTS},
     * {@value #RECONNECTS}. Bind one client per IvrMetrics (tell several apart with {@link Builder#tags}).
     *
     * @return this, for chaining
     * @throws IllegalStateException if this is closed
     */
    public IvrMetrics bind(IvrClient client) {
        Objects.requireNonNull(client, "client");
        if (closed) {
            throw new IllegalStateException("IvrMetrics is closed; make a new one to bind a client");
        }
        keep(Gauge.builder(CONNECTED, client, c -> c.isOpen() ? 1 : 0).description("1 while the ivrapi socket is open")
                .tags(common).register(registry));
        keep(FunctionCounter.builder(RECONNECTS, client, IvrClient::reconnectCount)
                .description("Times the ivrapi socket was reopened after a drop").tags(common).register(registry));
        Counter disconnects = keep(Counter.builder(DISCONNECTS).description("Drops of the ivrapi socket")
                .tags(common).register(registry));
        client.addConnectionListener(new IvrConnectionListener() {
            @Override
            public void onDisconnected(String reason) {
                if (!closed) {
                    disconnects.increment();
                }
            }
        });
        return this;
    }

    private <M extends Meter> M keep(M meter) {
        meters.add(meter);
        return meter;
    }

    /** Removes every meter this made from the registry. Idempotent. */
    @Override
    public void close() {
        closed = true;
        meters.forEach(registry::remove);
        meters.clear();
    }

    /** Builds an {@link IvrMetrics}. Not thread-safe. */
    public static final class Builder {
        private final MeterRegistry registry;
        private Tags tags = Tags.empty();

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** Tags on every meter, e.g. {@code node}, or {@code platform} for several IVR clients. */
        public Builder tags(Iterable<Tag> value) {
            this.tags = this.tags.and(Objects.requireNonNull(value, "tags"));
            return this;
        }

        /** As {@link #tags(Iterable)}, as key, value, key, value, ... */
        public Builder tags(String... keyValues) {
            this.tags = CommonTags.and(tags, keyValues);
            return this;
        }

        public IvrMetrics build() {
            CommonTags.refuseOwn(tags, Set.of(TAG_REASON), "IvrMetrics");
            return new IvrMetrics(this);
        }
    }
}
