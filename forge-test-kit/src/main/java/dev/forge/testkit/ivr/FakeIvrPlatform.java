package dev.forge.testkit.ivr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.ivr.ApiEvent;
import dev.forge.ivr.IvrCodec;
import dev.forge.ivr.IvrEvent;
import dev.forge.ivr.IvrFrame;
import dev.forge.ivr.IvrProtocolException;
import dev.forge.ivr.IvrReply;
import dev.forge.ivr.IvrRequest;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.UpgradeResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fake Incoplax / ERA platform that speaks the real Token API over a real WebSocket (Tyrus on loopback), for
 * testing ivrapi controllers the way MockWebServer tests HTTP clients.
 *
 * <pre>{@code
 * try (FakeIvrPlatform platform = FakeIvrPlatform.start("t0k3n");
 *      IvrClient client = IvrClient.connect(platform.endpoint(), platform.token(), IvrOptions.defaults())) {
 *     client.subscribe("ivrevents");
 *     platform.startCall("rDlg-1", "abc", "dialog");      // api_start to every ivrevents subscriber
 *     IvrRequest accept = platform.takeRequest(Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <h2>What it does</h2>
 * It accepts its token in the path ({@code /ws/token/v1/<token>}) or as {@code Authorization: Bearer}; any other
 * token fails the handshake with 401. It answers {@code connection_info} and {@code subscribe}, and sends
 * {@code ivrevents} notifications to the connections subscribed. For each call: the first {@code ivrapi_accept}
 * wins and a later one is refused ({@code result: "error"} with a {@code reason}); {@code ivrapi_reaccept} moves
 * the call to the asking connection; {@code ivrapi_abort} is answered and followed by api_stop {@code abort};
 * without an accept within the accept timeout (30 s by default, as the platform) the call ends with api_stop
 * {@code timeout}. One component runs at a time; the fake checks the SIP state rules (media only in
 * {@code early} or {@code dialog}, transfer and hangup only in {@code dialog}, SIP responses only before it)
 * and refuses a breach with an error naming it. {@code ivrapi_component_terminate} stops the running component:
 * its {@code ivrapi_component_stopped} (branch {@value #TERMINATED_KEY}) comes before the answer. A hangup, a
 * transfer or a final 3xx–6xx response ends the call (api_stop {@code script}) once the component stops.
 * {@code ivrapi_component_stopped} carries {@code oId}, {@code transferKey} and {@code results} only, as in the
 * seed (no session fields), unless {@link #stoppedCarriesIvrid(boolean)}. A call's events that happen while its
 * controlling connection is closed are sent after the reaccept ({@link #dropEventsWhileDisconnected(boolean)}).
 *
 * <h2>Scripting calls</h2>
 * {@link #startCall(CallSpec)} with {@link Reaction}s (answer an applied component: digits after a delay, a stop
 * with results) and {@link CallSpec.Step}s (the caller's timeline); platform-wide reactions with
 * {@link #react(Reaction)} and {@link #autoStop(Duration)}. By hand: {@link #dtmf}, {@link #componentStopped},
 * {@link #stopCall}. Every request is recorded for {@link #takeRequest(Duration)}; each call's story is a
 * {@link CallRecord}.
 *
 * <h2>Faults</h2>
 * {@link #ignore(String)} (never answer), {@link #delay(String, Duration)} (answer late),
 * {@link #refuse(String, String)} (answer with an error),
 * {@link #disconnectAll()}, {@link #refuseConnections(boolean)}, {@link #sendRaw(String)} /
 * {@link #sendMalformed()}, and competing controllers
 * ({@link CallSpec.Rival}).
 *
 * <p>The server listens on 127.0.0.1 only ({@link LoopbackServerContainer}). Thread-safety: thread-safe.
 * {@link #close()} is idempotent.
 *
 * @since 0.1.0
 */
public final class FakeIvrPlatform implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FakeIvrPlatform.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String ROOT = "/ws";
    private static final String PATH = "/token/v1";
    /** The branch of a component stopped by {@code ivrapi_component_terminate} (the seed does not name one). */
    public static final String TERMINATED_KEY = "terminated";
    public static final Duration DEFAULT_ACCEPT_TIMEOUT = Duration.ofSeconds(30);
    /** How long a competing controller that won keeps the call before it ends. */
    static final Duration RIVAL_HOLD = Duration.ofMillis(20);

    private final String token;
    private final IvrCodec codec = new IvrCodec();
    private final TyrusServerContainer server;
    private final ScheduledExecutorService scheduler;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final Map<Session, Set<String>> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, FakeCall> calls = new ConcurrentHashMap<>();
    private final List<FakeCall> allCalls = new CopyOnWriteArrayList<>();
    private final BlockingQueue<IvrRequest> requests = new LinkedBlockingQueue<>();
    private final Set<String> ignored = ConcurrentHashMap.newKeySet();
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();
    private final Map<String, String> refusals = new ConcurrentHashMap<>();
    private final List<Reaction> reactions = new CopyOnWriteArrayList<>();
    private final List<Consumer<CallRecord>> endListeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> firstSubscriber = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong ended = new AtomicLong();
    private final AtomicLong refusedConnections = new AtomicLong();
    private final Object endedMonitor = new Object();
    private volatile Reaction autoStop;
    private volatile Duration acceptTimeout = DEFAULT_ACCEPT_TIMEOUT;
    private volatile boolean terminateSendsStopped = true;
    private volatile boolean stoppedCarriesIvrid;
    private volatile boolean strictSipRules = true;
    private volatile boolean refuseConnections;
    private volatile boolean dropEventsWhileDisconnected;

    private FakeIvrPlatform(String token) {
        this.token = token;
        this.server = new LoopbackServerContainer();
        AtomicLong n = new AtomicLong();
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "fake-ivr-platform-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts a platform on a free port that accepts {@code token}. */
    public static FakeIvrPlatform start(String token) {
        return start(token, 0);
    }

    /** Starts a platform on {@code port} (0 for a free one) of 127.0.0.1 that accepts {@code token}. */
    public static FakeIvrPlatform start(String token, int port) {
        Objects.requireNonNull(token, "token");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (any free port) to 65535, got " + port);
        }
        FakeIvrPlatform platform = new FakeIvrPlatform(token);
        try {
            ServerEndpointConfig.Configurator auth = platform.new TokenCheck();
            platform.server.addEndpoint(ServerEndpointConfig.Builder.create(Socket.class, PATH + "/{token}")
                    .configurator(auth).build());
            platform.server.addEndpoint(ServerEndpointConfig.Builder.create(Socket.class, PATH)
                    .configurator(auth).build());
            // port 0 on the container itself is "any free port" (the Server wrapper spells it -1)
            platform.server.start(ROOT, port);
        } catch (Exception e) {
            platform.close();
            throw new IllegalStateException("FakeIvrPlatform could not start its WebSocket server on 127.0.0.1:"
                    + port + ": " + e, e);
        }
        return platform;
    }

    /** {@code ws://127.0.0.1:<port>/ws/token/v1}, the address to give {@code IvrClient.connect}. */
    public URI endpoint() {
        return URI.create("ws://127.0.0.1:" + port() + ROOT + PATH);
    }

    /** The address with the token in the path, {@code ws://127.0.0.1:<port>/ws/token/v1/<token>}. */
    public URI tokenUrl() {
        return URI.create(endpoint() + "/" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    public int port() {
        return server.getPort();
    }

    public String token() {
        return token;
    }

    // ---- settings

    /** Records but never answers requests named {@code requestName} from now on (e.g. {@code ivrapi_abort}). */
    public void ignore(String requestName) {
        ignore(requestName, true);
    }

    /**
     * While {@code value}, records but never answers requests named {@code requestName}, which then have no
     * effect (as a request lost on its way); false handles them normally again.
     */
    public void ignore(String requestName, boolean value) {
        Objects.requireNonNull(requestName, "requestName");
        if (value) {
            ignored.add(requestName);
        } else {
            ignored.remove(requestName);
        }
    }

    /** Answers requests named {@code requestName} only after {@code delay} (everything they cause waits too). */
    public void delay(String requestName, Duration delay) {
        delays.put(Objects.requireNonNull(requestName, "requestName"), Objects.requireNonNull(delay, "delay"));
    }

    /**
     * Refuses requests named {@code requestName} from now on with {@code result: "error"} and {@code reason}
     * (they have no effect); a null reason answers them normally again.
     */
    public void refuse(String requestName, String reason) {
        Objects.requireNonNull(requestName, "requestName");
        if (reason == null) {
            refusals.remove(requestName);
        } else {
            refusals.put(requestName, reason);
        }
    }

    /** Answers applied components that no call's own reaction answers; the first matching reaction wins. */
    public void react(Reaction reaction) {
        reactions.add(Objects.requireNonNull(reaction, "reaction"));
    }

    /**
     * Stops every component no reaction answers {@code after} it was applied (branch
     * {@value Reaction#DEFAULT_TRANSFER_KEY}, no results); null to let them run until stopped by hand.
     */
    public void autoStop(Duration after) {
        this.autoStop = after == null ? null : Reaction.onAny().after(after).build();
    }

    /** Calls not accepted within {@code timeout} end with api_stop {@code timeout}. */
    public void acceptTimeout(Duration timeout) {
        this.acceptTimeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Whether {@code ivrapi_component_terminate} is followed by the component's stop event (default true). */
    public void terminateSendsStopped(boolean value) {
        this.terminateSendsStopped = value;
    }

    /** Whether {@code ivrapi_component_stopped} also names {@code ivrid} (default false, as in the seed). */
    public void stoppedCarriesIvrid(boolean value) {
        this.stoppedCarriesIvrid = value;
    }

    /**
     * What happens to a call's events ({@code ivrapi_dtmf}, {@code ivrapi_component_stopped}) while its controlling
     * connection is closed. The seed does not say; by default the fake keeps them and sends them after the
     * {@code ivrapi_reaccept} answer, in order. True drops them, as a platform without such a queue would: a
     * controller then waits for a stop event that never comes.
     */
    public void dropEventsWhileDisconnected(boolean value) {
        this.dropEventsWhileDisconnected = value;
    }

    /** Whether applies that break the SIP state rules are refused (default true). */
    public void strictSipRules(boolean value) {
        this.strictSipRules = value;
    }

    /** Called with each call's record when it ends, on a platform thread. */
    public void onCallEnded(Consumer<CallRecord> listener) {
        endListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    // ---- requests and records

    /** The next request any client sent, in arrival order, or null after {@code timeout}. */
    public IvrRequest takeRequest(Duration timeout) throws InterruptedException {
        return requests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The next request named {@code name} (e.g. {@code ivrapi_reaccept}), or null after {@code timeout}; the
     * requests before it are taken and dropped.
     */
    public IvrRequest takeRequest(String name, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            IvrRequest r = left <= 0 ? null : requests.poll(left, TimeUnit.NANOSECONDS);
            if (r == null || r.name().equals(name)) {
                return r;
            }
        }
    }

    /** Completes when a connection first subscribes to {@code ivrevents}. */
    java.util.concurrent.CompletionStage<Void> subscribed() {
        return firstSubscriber.copy();
    }

    /** Waits until some connection subscribed to {@code ivrevents}; false after {@code timeout}. */
    public boolean awaitSubscriber(Duration timeout) throws InterruptedException {
        try {
            firstSubscriber.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The record of call {@code ivrid} (running or ended). */
    public CallRecord record(String ivrid) {
        for (FakeCall c : allCalls) {
            if (c.ivrid().equals(ivrid)) {
                return c.record();
            }
        }
        throw new IllegalArgumentException("no call " + ivrid + " was started on this fake");
    }

    /** Every call's record, in the order the calls started. */
    public List<CallRecord> records() {
        List<CallRecord> list = new ArrayList<>();
        allCalls.forEach(c -> list.add(c.record()));
        return list;
    }

    /** The record of call {@code ivrid} once it ended, or null after {@code timeout}. */
    public CallRecord awaitEnd(String ivrid, Duration timeout) throws InterruptedException {
        for (FakeCall c : allCalls) {
            if (c.ivrid().equals(ivrid)) {
                try {
                    return c.done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    return null;
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        }
        throw new IllegalArgumentException("no call " + ivrid + " was started on this fake");
    }

    /** Waits until {@code count} calls have ended; false after {@code timeout}. */
    public boolean awaitEnded(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (endedMonitor) {
            while (ended.get() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(endedMonitor, left);
            }
            return true;
        }
    }

    /** How many calls have ended. */
    public long endedCount() {
        return ended.get();
    }

    /** How many connections are open. */
    public int connectionCount() {
        return sessions.size();
    }

    /**
     * Waits until at least {@code count} connections are open. A client's handshake can complete before this
     * side has entered the connection, so wait for it before {@link #disconnectAll()} is meant to reach it.
     */
    public boolean awaitConnections(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (sessions) {
            while (sessions.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(sessions, left);
            }
            return true;
        }
    }

    // ---- calls

    /** Component 224 starts: sends {@code ivrevents.api_start} to every ivrevents subscriber. */
    public ApiEvent startCall(String ivrid, String key, String state) {
        return startCall(CallSpec.builder(ivrid, key, state).build());
    }

    /** Starts a scripted call; see {@link CallSpec}. */
    public ApiEvent startCall(CallSpec spec) {
        Objects.requireNonNull(spec, "spec");
        FakeCall call = new FakeCall(spec);
        if (calls.putIfAbsent(spec.ivrid(), call) != null) {
            throw new IllegalStateException("call " + spec.ivrid() + " is already running in this fake");
        }
        allCalls.add(call);
        synchronized (call) {
            if (spec.rival() == CallSpec.Rival.WINS) {
                call.owner = FakeCall.RIVAL;
            }
            Duration timeout = spec.acceptTimeout() != null ? spec.acceptTimeout() : acceptTimeout;
            schedule(call, timeout, () -> {
                boolean unclaimed;
                synchronized (call) {
                    unclaimed = call.owner == null || call.owner == FakeCall.RIVAL;
                }
                if (unclaimed) {
                    end(call, "timeout", call.owner == FakeCall.RIVAL ? CallRecord.Outcome.RIVAL
                            : CallRecord.Outcome.TIMEOUT);
                }
            });
        }
        ApiEvent start = apiEvent(ApiEvent.Type.START, call, null);
        notifySubscribers(start);
        return start;
    }

    /**
     * Sends {@code ivrevents.api_stop} with {@code reason} (script, timeout, abort) and ends the call; reason
     * {@code script} counts as the caller hanging up.
     */
    public ApiEvent stopCall(String ivrid, String reason) {
        FakeCall call = requireCall(ivrid);
        CallRecord.Outcome outcome = switch (reason) {
            case "timeout" -> CallRecord.Outcome.TIMEOUT;
            case "abort" -> CallRecord.Outcome.ABORTED;
            default -> CallRecord.Outcome.CALLER_HANGUP;
        };
        return end(call, reason, outcome);
    }

    /** The caller presses {@code digits} now: one {@code ivrapi_dtmf} per digit to the controlling connection. */
    public void dtmf(String ivrid, String digits) {
        FakeCall call = requireCall(ivrid);
        requireOwner(call);
        for (char digit : digits.toCharArray()) {
            sendDigit(call, String.valueOf(digit));
        }
    }

    /** The caller presses {@code digits}, the first now and one every {@code gap} after (asynchronously). */
    public void dtmf(String ivrid, String digits, Duration gap) {
        FakeCall call = requireCall(ivrid);
        requireOwner(call);
        pressDigits(call, Duration.ZERO, digits, gap);
    }

    /** The running component ends on branch {@code transferKey} with {@code results}. */
    public void componentStopped(String ivrid, String transferKey, ObjectNode results) {
        FakeCall call = requireCall(ivrid);
        requireOwner(call);
        Long oId;
        synchronized (call) {
            oId = call.component;
        }
        if (oId == null) {
            throw new IllegalStateException("no component is running on call " + ivrid + "; wait for the"
                    + " controller's ivrapi_component_apply (takeRequest) first");
        }
        stopComponent(call, oId, transferKey, results, true);
    }

    // ---- faults

    /** Closes every client connection, as a platform restart or network cut would. Calls keep going. */
    public void disconnectAll() {
        for (Session s : sessions) {
            synchronized (s) { // not in the middle of a send: see sendText
                try {
                    s.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "FakeIvrPlatform.disconnectAll"));
                } catch (IOException e) {
                    LOG.debug("closing a fake session failed", e);
                }
            }
        }
    }

    /**
     * While true, new connections are refused with HTTP 503 (open ones stay), as a platform that is restarting:
     * with {@link #disconnectAll()}, keeps a client away while calls change.
     */
    public void refuseConnections(boolean value) {
        this.refuseConnections = value;
    }

    /** Waits until {@code count} connections were refused by {@link #refuseConnections(boolean)} in all. */
    public boolean awaitRefusedConnections(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (refusedConnections) {
            while (refusedConnections.get() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(refusedConnections, left);
            }
            return true;
        }
    }

    /** Sends {@code text} as is to every connection, e.g. a malformed frame. */
    public void sendRaw(String text) {
        sessions.forEach(s -> sendText(s, text));
    }

    /** Sends a frame that is not valid JSON to every connection. */
    public void sendMalformed() {
        sendRaw("[\"ivrapi_dtmf\", {\"key\": ");
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            scheduler.shutdownNow();
            server.stop();
        }
    }

    // ---- answering requests

    /** What to do for one request: something before the reply (may be null), the reply, something after. */
    private record Answer(Runnable before, IvrReply reply, Runnable after) {
        static Answer of(IvrReply reply) {
            return new Answer(null, reply, null);
        }
    }

    private void onRequest(Session session, String text) {
        IvrFrame frame;
        try {
            frame = codec.decode(text);
        } catch (IvrProtocolException e) {
            LOG.warn("FakeIvrPlatform got a malformed frame: {}", e.getMessage());
            return;
        }
        if (!(frame instanceof IvrRequest request)) {
            LOG.warn("FakeIvrPlatform got a {} frame, which clients do not send", frame.name());
            return;
        }
        if (ignored.contains(request.name())) {
            requests.add(request);
            return;
        }
        String refusal = refusals.get(request.name());
        Answer answer = refusal != null ? Answer.of(error(request, refusal)) : answer(session, request);
        Runnable respond = () -> {
            if (answer.before() != null) {
                answer.before().run();
            }
            send(session, answer.reply());
            if (answer.after() != null) {
                answer.after().run();
            }
        };
        // Recorded once its effect is in place and (unless delayed) its answer is on the wire, so that a test that
        // took it sees the call as it now is, and what the test makes the fake send next follows the answer.
        Duration delay = delays.get(request.name());
        if (delay == null || delay.isZero()) {
            try {
                respond.run();
            } finally {
                requests.add(request);
            }
        } else {
            requests.add(request);
            schedule(null, delay, respond);
        }
    }

    private Answer answer(Session session, IvrRequest request) {
        if (request instanceof IvrRequest.ConnectionInfo) {
            return Answer.of(ok(request, connectionInfo(session)));
        }
        if (request instanceof IvrRequest.Subscribe s) {
            Set<String> classes = subscriptions.computeIfAbsent(session, k -> ConcurrentHashMap.newKeySet());
            if (s.expires() == 0) {
                classes.remove(s.eventClass());
            } else {
                classes.add(s.eventClass());
            }
            Runnable after = ApiEvent.EVENT_CLASS.equals(s.eventClass()) && s.expires() > 0
                    ? () -> firstSubscriber.complete(null) : null;
            return new Answer(null, ok(request, Map.of()), after);
        }
        if (request instanceof IvrRequest.FileUploadStatic f && f.sessionless()) {
            return Answer.of(reply(request, f.destpath() + fileName(f.url()), Map.of()));
        }
        var scoped = (IvrRequest.SessionRequest) request;
        String ivrid = scoped.ivrid();
        FakeCall call = ivrid == null ? null : calls.get(ivrid);
        if (call == null || !call.key().equals(scoped.key())) {
            return Answer.of(error(request, "no controllable session " + ivrid + " with that key"));
        }
        if (request instanceof IvrRequest.SessionCommand c) {
            return command(session, c, call);
        }
        synchronized (call) {
            if (call.owner != session) {
                return Answer.of(error(request, "session " + ivrid + " is not controlled by this connection"));
            }
        }
        if (request instanceof IvrRequest.ComponentApply a) {
            return apply(session, a, call);
        }
        if (request instanceof IvrRequest.FileGetPath f) {
            return Answer.of(reply(request, "http://127.0.0.1/fake/" + fileName(f.path()), Map.of()));
        }
        if (request instanceof IvrRequest.FileUploadTemp f) {
            return Answer.of(reply(request, ":TEMP/" + fileName(f.url()), Map.of()));
        }
        IvrRequest.FileUploadStatic f = (IvrRequest.FileUploadStatic) request;
        return Answer.of(reply(request, f.destpath() + fileName(f.url()), Map.of()));
    }

    private Answer command(Session session, IvrRequest.SessionCommand c, FakeCall call) {
        synchronized (call) {
            switch (c.command()) {
                case ACCEPT:
                    if (call.owner == FakeCall.RIVAL) {
                        return new Answer(null, error(c, "session " + c.ivrid() + " is already accepted by another"
                                + " connection"), () -> schedule(call, RIVAL_HOLD,
                                () -> end(call, "script", CallRecord.Outcome.RIVAL)));
                    }
                    if (call.owner != null) {
                        return Answer.of(error(c, "session " + c.ivrid() + " is already accepted by another"
                                + " connection"));
                    }
                    call.owner = session;
                    call.accepts++;
                    if (call.spec.rival() == CallSpec.Rival.LOSES) {
                        call.rivalRefused = true;
                    }
                    return new Answer(null, ok(c, Map.of()), () -> controlTaken(call));
                case REACCEPT:
                    if (call.owner == FakeCall.RIVAL) {
                        return Answer.of(error(c, "session " + c.ivrid() + " is controlled by another connection"));
                    }
                    call.owner = session;
                    call.reaccepts++;
                    return new Answer(null, ok(c, Map.of()), () -> {
                        replayBacklog(call);
                        controlTaken(call);
                    });
                case ABORT:
                    if (call.owner != session) {
                        return Answer.of(error(c, "session " + c.ivrid() + " is not controlled by this connection"));
                    }
                    call.owner = null;
                    return new Answer(null, ok(c, Map.of()), () -> end(call, "abort", CallRecord.Outcome.ABORTED));
                default:
                    if (call.owner != session) {
                        return Answer.of(error(c, "session " + c.ivrid() + " is not controlled by this connection"));
                    }
                    Long oId = call.component;
                    if (oId == null) {
                        return Answer.of(error(c, "no component is running on session " + c.ivrid()));
                    }
                    if (!terminateSendsStopped) {
                        call.component = null;
                        call.componentData = null;
                        return Answer.of(ok(c, Map.of()));
                    }
                    return new Answer(() -> stopComponent(call, oId, TERMINATED_KEY, null, false), ok(c, Map.of()),
                            null);
            }
        }
    }

    private Answer apply(Session session, IvrRequest.ComponentApply a, FakeCall call) {
        ObjectNode data = a.data();
        long oId;
        int index;
        synchronized (call) {
            if (call.ended) {
                return Answer.of(error(a, "session " + a.ivrid() + " has ended"));
            }
            if (call.component != null) {
                return Answer.of(error(a, "component " + call.component + " is still running"));
            }
            String breach = strictSipRules ? call.sipBreach(data) : null;
            if (breach != null) {
                return Answer.of(error(a, breach));
            }
            JsonNode given = data.get("oId");
            oId = given != null && given.canConvertToLong() ? given.longValue() : 0L;
            call.component = oId;
            call.componentData = data;
            index = ++call.applies;
            call.applied.add(data);
            call.followSipResponse(data);
        }
        Reaction reaction = reactionFor(call, data, index);
        return new Answer(null, ok(a, Map.of()), reaction == null ? null : () -> perform(call, oId, reaction));
    }

    private Reaction reactionFor(FakeCall call, ObjectNode data, int index) {
        for (Reaction r : call.spec.reactions()) {
            if (r.matches(data, index)) {
                return r;
            }
        }
        for (Reaction r : reactions) {
            if (r.matches(data, index)) {
                return r;
            }
        }
        return autoStop;
    }

    private void perform(FakeCall call, long oId, Reaction r) {
        String digits = r.dtmf() == null ? "" : r.dtmf();
        pressDigits(call, r.after(), digits, r.dtmfGap());
        if (r.stop()) {
            Duration at = r.after().plus(r.dtmfGap().multipliedBy(digits.length()));
            schedule(call, at, () -> {
                stopComponent(call, oId, r.transferKey(), r.stopResults(), true);
                if (r.endCall() != null) {
                    end(call, r.endCall(), CallRecord.Outcome.CALLER_HANGUP);
                }
            });
        }
    }

    /**
     * Presses {@code digits} one after another: each digit is scheduled once the one before it was sent, so
     * that a busy scheduler (two threads) can delay digits but never reorder them.
     */
    private void pressDigits(FakeCall call, Duration first, String digits, Duration gap) {
        if (digits.isEmpty()) {
            return;
        }
        schedule(call, first, () -> {
            sendDigit(call, digits.substring(0, 1));
            pressDigits(call, gap, digits.substring(1), gap);
        });
    }

    /** After a reaccept: the events kept while the controlling connection was closed, in order. */
    private void replayBacklog(FakeCall call) {
        synchronized (call) {
            Session owner = call.ownerSession();
            for (IvrFrame event : call.backlog) {
                if (owner != null) {
                    send(owner, event);
                }
            }
            call.backlog.clear();
        }
    }

    /** A controller took the call (first accept or reaccept): start the caller's timeline once. */
    private void controlTaken(FakeCall call) {
        synchronized (call) {
            if (call.controlledOnce) {
                return;
            }
            call.controlledOnce = true;
        }
        for (CallSpec.Step step : call.spec.steps()) {
            switch (step.kind()) {
                case DTMF -> pressDigits(call, step.at(), step.digits(), step.gap());
                case HANGUP -> schedule(call, step.at(), () -> end(call, "script", CallRecord.Outcome.CALLER_HANGUP));
                case STOP_COMPONENT -> schedule(call, step.at(), () -> {
                    Long oId;
                    synchronized (call) {
                        oId = call.component;
                    }
                    if (oId != null) {
                        stopComponent(call, oId, step.transferKey(), step.results(), true);
                    }
                });
            }
        }
    }

    private void sendDigit(FakeCall call, String digit) {
        synchronized (call) {
            if (call.ended) {
                return;
            }
            Long oId = call.component;
            call.dtmfSent.append(digit);
            toOwner(call, new IvrEvent.Dtmf(call.key(), call.ivrid(), oId == null ? "idle" : "component", oId, digit,
                    null));
        }
    }

    /**
     * Sends a session event to the call's controlling connection; while that connection is closed, keeps it for
     * the next reaccept (or drops it, see {@link #dropEventsWhileDisconnected}); while a backlog waits for its
     * replay, new events queue behind it. Called holding the call's monitor, so that events keep their order.
     */
    private void toOwner(FakeCall call, IvrFrame event) {
        Session owner = call.ownerSession();
        if (owner == null) {
            return;
        }
        if ((!call.backlog.isEmpty() || !send(owner, event)) && !dropEventsWhileDisconnected) {
            call.backlog.add(event);
        }
    }

    /**
     * Stops component {@code oId} if it is still the running one; {@code natural} when it ended by itself (a
     * hangup, transfer or final failure response then ends the call).
     */
    private void stopComponent(FakeCall call, long oId, String transferKey, ObjectNode results, boolean natural) {
        ObjectNode data;
        Map<String, JsonNode> extra = stoppedCarriesIvrid ? Map.of("ivrid", JSON.textNode(call.ivrid())) : Map.of();
        synchronized (call) {
            if (call.ended || call.component == null || call.component != oId) {
                return;
            }
            data = call.componentData;
            call.component = null;
            call.componentData = null;
            toOwner(call, new IvrEvent.ComponentStopped(oId, transferKey,
                    results == null ? JSON.objectNode() : results, extra));
        }
        if (natural) {
            endIfTheComponentEndsTheCall(call, data);
        }
    }

    private void endIfTheComponentEndsTheCall(FakeCall call, ObjectNode data) {
        int oType = data.path("oType").asInt();
        int code = data.path("sipCode").asInt();
        if (oType == 201 || (oType == 202 && code >= 400)) {
            end(call, "script", CallRecord.Outcome.HANGUP);
        } else if (oType == 203 || (oType == 202 && code >= 300)) {
            synchronized (call) {
                call.transferTo = oType == 203 ? data.path("number").asText(null) : data.path("redirectTo").asText(null);
            }
            end(call, "script", CallRecord.Outcome.TRANSFER);
        }
    }

    private ApiEvent end(FakeCall call, String reason, CallRecord.Outcome outcome) {
        synchronized (call) {
            if (call.ended) {
                return apiEvent(ApiEvent.Type.STOP, call, call.stopReason);
            }
            call.ended = true;
            call.outcome = outcome;
            call.stopReason = reason;
            call.component = null;
            call.timers.forEach(t -> t.cancel(false));
            call.timers.clear();
        }
        calls.remove(call.ivrid(), call);
        ApiEvent stop = apiEvent(ApiEvent.Type.STOP, call, reason);
        notifySubscribers(stop);
        CallRecord record = call.record();
        call.done.complete(record);
        for (Consumer<CallRecord> l : endListeners) {
            try {
                l.accept(record);
            } catch (RuntimeException e) {
                LOG.warn("a call-ended listener failed", e);
            }
        }
        synchronized (endedMonitor) {
            ended.incrementAndGet();
            endedMonitor.notifyAll();
        }
        return stop;
    }

    /** Runs {@code task} after {@code delay}; the timer is cancelled when {@code call} (if any) ends. */
    private void schedule(FakeCall call, Duration delay, Runnable task) {
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("a FakeIvrPlatform timer failed", e);
            }
        };
        try {
            ScheduledFuture<?> f = scheduler.schedule(guarded, delay.toNanos(), TimeUnit.NANOSECONDS);
            if (call != null) {
                synchronized (call) {
                    if (call.ended) {
                        f.cancel(false);
                    } else {
                        call.timers.removeIf(ScheduledFuture::isDone);
                        call.timers.add(f);
                    }
                }
            }
        } catch (RejectedExecutionException e) {
            LOG.debug("FakeIvrPlatform closed; timer dropped");
        }
    }

    private Map<String, JsonNode> connectionInfo(Session session) {
        Map<String, JsonNode> f = new LinkedHashMap<>();
        f.put("site", JSON.textNode("fake"));
        f.put("ownertype", JSON.textNode("token"));
        f.put("domain", JSON.textNode("test.local"));
        f.put("sessionid", JSON.textNode(session.getId()));
        f.put("connectionid", JSON.textNode(UUID.nameUUIDFromBytes(session.getId().getBytes()).toString()));
        f.put("capabilities", JSON.arrayNode().add("subscr").add("ivrapi"));
        f.put("datetime", JSON.textNode(Instant.now().toString()));
        f.put("timestamp", JSON.numberNode(System.currentTimeMillis()));
        f.put("integration_point_id", JSON.textNode("fake-integration-point"));
        f.put("integration_point_type", JSON.textNode("public"));
        f.put("roles", JSON.arrayNode().add("wssubscr"));
        return f;
    }

    private static IvrReply ok(IvrRequest request, Map<String, JsonNode> fields) {
        return reply(request, "ok", fields);
    }

    private static IvrReply error(IvrRequest request, String reason) {
        return reply(request, "error", Map.of("reason", JSON.textNode(reason)));
    }

    private static IvrReply reply(IvrRequest request, String result, Map<String, JsonNode> fields) {
        return new IvrReply(request.name(), request.qid(), JSON.textNode(result), fields);
    }

    private static String fileName(String pathOrUrl) {
        return pathOrUrl.substring(pathOrUrl.lastIndexOf('/') + 1);
    }

    private static ApiEvent apiEvent(ApiEvent.Type type, FakeCall call, String reason) {
        return new ApiEvent(type, call.ivrid(), call.key(), "fake-" + call.ivrid() + "@127.0.0.1", call.cid,
                call.smId, 224, "External control", call.spec.params(), call.spec.state(), call.startedAt, reason);
    }

    private void notifySubscribers(ApiEvent event) {
        IvrEvent.Notify notify = event.toNotify(System.currentTimeMillis());
        subscriptions.forEach((s, classes) -> {
            if (classes.contains(ApiEvent.EVENT_CLASS)) {
                send(s, notify);
            }
        });
    }

    private FakeCall requireCall(String ivrid) {
        FakeCall call = calls.get(ivrid);
        if (call == null) {
            throw new IllegalStateException("no running call " + ivrid + " in this fake; start it with startCall"
                    + " first");
        }
        return call;
    }

    private static void requireOwner(FakeCall call) {
        if (call.ownerSession() == null) {
            throw new IllegalStateException("call " + call.ivrid() + " is not accepted by any connection yet");
        }
    }

    /** Sends {@code frame}; false when the connection was closed (or closing) so nothing went out. */
    private boolean send(Session session, IvrFrame frame) {
        return sendText(session, codec.encode(frame));
    }

    /**
     * Sends {@code text} whole or not at all. Holding the session's monitor, as {@link #disconnectAll} does to
     * close, means a frame is either written before the close frame (and the client reads it) or not sent.
     */
    private static boolean sendText(Session session, String text) {
        synchronized (session) {
            try {
                if (session.isOpen()) {
                    session.getBasicRemote().sendText(text);
                    return true;
                }
            } catch (IOException | IllegalStateException e) {
                LOG.debug("FakeIvrPlatform could not send to {}: {}", session.getId(), e.toString());
            }
            return false;
        }
    }

    /** Fails the handshake unless the path or the Bearer header carries the token; binds sockets to this fake. */
    private final class TokenCheck extends ServerEndpointConfig.Configurator {
        @Override
        public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
            String path = request.getRequestURI().getPath();
            String inPath = path.endsWith(PATH) ? null : path.substring(path.lastIndexOf('/') + 1);
            List<String> auth = request.getHeaders().getOrDefault("Authorization",
                    request.getHeaders().getOrDefault("authorization", List.of()));
            boolean bearer = auth.contains("Bearer " + token);
            if (refuseConnections) {
                ((UpgradeResponse) response).setStatus(503);
                ((UpgradeResponse) response).setReasonPhrase("Service Unavailable");
                synchronized (refusedConnections) {
                    refusedConnections.incrementAndGet();
                    refusedConnections.notifyAll();
                }
            } else if (!(token.equals(inPath) || (inPath == null && bearer))) {
                // answer 401 instead of upgrading, as the platform refuses an unknown token
                ((UpgradeResponse) response).setStatus(401);
                ((UpgradeResponse) response).setReasonPhrase("Unauthorized");
            }
        }

        @Override
        public <T> T getEndpointInstance(Class<T> endpointClass) {
            return endpointClass.cast(new Socket(FakeIvrPlatform.this));
        }
    }

    /** One client connection. Public only so that Tyrus can name the endpoint class. */
    public static final class Socket extends Endpoint {
        private final FakeIvrPlatform platform;

        Socket(FakeIvrPlatform platform) {
            this.platform = platform;
        }

        @Override
        public void onOpen(Session session, EndpointConfig config) {
            synchronized (platform.sessions) {
                platform.sessions.add(session);
                platform.sessions.notifyAll();
            }
            session.addMessageHandler(String.class,
                    (MessageHandler.Whole<String>) text -> platform.onRequest(session, text));
        }

        @Override
        public void onClose(Session session, CloseReason reason) {
            platform.sessions.remove(session);
            platform.subscriptions.remove(session);
        }
    }
}
