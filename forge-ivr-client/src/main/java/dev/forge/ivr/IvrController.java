package dev.forge.ivr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control layer of an {@link IvrClient}, made by {@link IvrClient#control}: for every
 * {@code ivrevents.api_start} whose {@code key} matches {@link ControlOptions#keyFilter()} it sends
 * {@code ivrapi_accept} and, when the platform answers ok, hands the session to
 * {@link ControlHandler#onSession} as an {@link IvrSession}; a lost race goes to
 * {@link ControlHandler#onAcceptLost}. It routes the session's frames to it: api_stop and {@code ivrapi_dtmf}
 * by {@code ivrid}, {@code ivrapi_component_stopped} (which names no session in the seed) by the {@code oId}
 * the controller set on the apply, or by {@code ivrid} when the platform sends one. After a reconnect it
 * reaccepts every session it owns.
 *
 * <p>Session work runs on {@link ControlOptions#threads()} shared threads; each session's work stays in order,
 * and the socket's receive thread only hands frames over.
 *
 * <p>Thread-safety: thread-safe. {@link #close()} stops taking new sessions; the sessions already taken go on
 * until they end (abort them first to hand them back), and closing the client ends them with
 * {@link StopReason#CLOSED}.
 *
 * @since 0.1.0
 */
public final class IvrController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IvrController.class);

    private final IvrClient client;
    private final ControlOptions options;
    private final ControlHandler handler;
    private final ExecutorService pool;
    private final Map<String, ControlledSession> sessions = new ConcurrentHashMap<>();
    private final Map<Long, ControlledSession> byOId = new ConcurrentHashMap<>();
    private final AtomicLong nextOId;
    private final AtomicBoolean open = new AtomicBoolean(true);

    IvrController(IvrClient client, ControlOptions options, ControlHandler handler) {
        this.client = client;
        this.options = options;
        this.handler = handler;
        this.nextOId = new AtomicLong(options.firstOId());
        AtomicLong n = new AtomicLong();
        this.pool = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "forge-ivr-session-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public ControlOptions options() {
        return options;
    }

    ControlHandler handler() {
        return handler;
    }

    /** True until {@link #close()}: new matching sessions are taken. */
    public boolean isOpen() {
        return open.get();
    }

    /** True while open or still controlling sessions: the client routes frames to it. */
    boolean busy() {
        return open.get() || !sessions.isEmpty();
    }

    /** The sessions this controller has taken and that have not ended (a snapshot). */
    public List<IvrSession> sessions() {
        List<IvrSession> list = new ArrayList<>();
        for (ControlledSession s : sessions.values()) {
            if (s.visible()) {
                list.add(s);
            }
        }
        return list;
    }

    /** The taken, not yet ended session with {@code ivrid}. */
    public Optional<IvrSession> session(String ivrid) {
        ControlledSession s = sessions.get(ivrid);
        return s != null && s.visible() ? Optional.of(s) : Optional.empty();
    }

    /** Stops taking new sessions. Idempotent. */
    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            LOG.debug("IvrController closed; {} session(s) still controlled", sessions.size());
            detachIfDone();
        }
    }

    // ---- from the client (receive thread: hand over only)

    void onEvent(IvrEvent event) {
        if (event instanceof IvrEvent.Notify notify) {
            notify.apiEvent().ifPresent(this::onApiEvent);
        } else if (event instanceof IvrEvent.Dtmf dtmf) {
            ControlledSession s = sessions.get(dtmf.ivrid());
            if (s != null && s.key().equals(dtmf.key())) {
                s.onDtmf(dtmf);
            }
        } else if (event instanceof IvrEvent.ComponentStopped stopped) {
            route(stopped);
        }
    }

    private void onApiEvent(ApiEvent e) {
        if (e.type() == ApiEvent.Type.START) {
            if (!open.get() || !options.matches(e.key())) {
                return;
            }
            boolean[] created = {false};
            ControlledSession s = sessions.computeIfAbsent(e.ivrid(), id -> {
                created[0] = true;
                return new ControlledSession(this, client, e, new SerialExecutor(pool));
            });
            if (created[0]) {
                s.offer();
            }
            // a second api_start for a live session (two subscriptions) is a duplicate
        } else {
            ControlledSession s = sessions.get(e.ivrid());
            if (s != null && s.key().equals(e.key())) {
                s.onStop(e);
            }
        }
    }

    private void route(IvrEvent.ComponentStopped stopped) {
        Optional<String> ivrid = stopped.ivrid();
        if (ivrid.isPresent()) {
            ControlledSession s = sessions.get(ivrid.get());
            if (s != null) {
                s.onComponentStopped(stopped, stopped.oId() != null && byOId.get(stopped.oId()) == s);
            }
            return;
        }
        ControlledSession byId = stopped.oId() == null ? null : byOId.get(stopped.oId());
        if (byId != null) {
            byId.onComponentStopped(stopped, true);
            return;
        }
        if (byOId.size() == 1) {
            byOId.values().forEach(s -> s.onComponentStopped(stopped, false));
            return;
        }
        LOG.warn("cannot match ivrapi_component_stopped (oId {}, no ivrid) to a session: {} components are"
                + " running and none has that oId. The platform should echo the oId of the apply.",
                stopped.oId(), byOId.size());
    }

    void onLinkDown() {
        sessions.values().forEach(ControlledSession::onLinkDown);
    }

    void onLinkUp() {
        sessions.values().forEach(ControlledSession::onLinkUp);
    }

    void onClientClosed() {
        open.set(false);
        sessions.values().forEach(ControlledSession::onClientClosed);
        pool.shutdown();
    }

    // ---- from the sessions

    long nextOId() {
        return nextOId.getAndIncrement();
    }

    void track(long oId, ControlledSession s) {
        byOId.put(oId, s);
    }

    void untrack(long oId) {
        byOId.remove(oId);
    }

    void forget(ControlledSession s) {
        sessions.remove(s.ivrid(), s);
        detachIfDone();
    }

    private void detachIfDone() {
        if (!open.get() && sessions.isEmpty()) {
            client.detach(this);
            pool.shutdown();
        }
    }

    /** Stops the threads of a controller that never started. */
    void shutdown() {
        open.set(false);
        pool.shutdown();
    }

    @Override
    public String toString() {
        return "IvrController[" + options.keyDescription() + ", " + sessions.size() + " session(s)"
                + (open.get() ? "" : ", closed") + "]";
    }
}
