package dev.forge.ivr;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.internal.Jitter;
import dev.forge.ivr.internal.QuietIdleTimer;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.container.grizzly.client.GrizzlyClientContainer;
import org.glassfish.tyrus.core.HandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to the Token API socket with the {@code ivrapi} capability.
 *
 * <pre>{@code
 * try (IvrClient ivr = IvrClient.connect(URI.create("wss://pbx.example/ws/token/v1"), token, IvrOptions.defaults());
 *      IvrController controller = ivr.control(ControlOptions.builder().key("abc").build(), session -> ...)) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Two levels. {@link #control} is the control layer: it subscribes to {@code ivrevents}, accepts the
 * sessions whose key matches and hands each to your {@link ControlHandler} as an {@link IvrSession}. Below it,
 * the {@code *Async} request methods send one request each with a fresh {@link Qid} and return a stage that
 * completes with the {@code _result}, fails with {@link IvrRequestException} when the platform refuses, or with
 * {@link IvrTimeoutException} after {@link IvrOptions#requestTimeout()}; cancelling the stage forgets the
 * request. The methods without {@code Async} wait for that stage. Replies to these complete on a pool thread,
 * so a continuation may itself wait on another request; {@link IvrListener}s run on one event thread, in order.
 *
 * <p>When the socket drops (and {@link IvrOptions#reconnect()} is on, the default), pending requests fail with
 * {@link IvrConnectionException}, and the client reconnects with exponential backoff
 * ({@link IvrOptions#reconnectDelay(int)}, each wait drawn at random from the upper half of that, so clients
 * dropped together do not return together), renews its subscriptions and has the control layer reaccept its
 * sessions. The token is kept in memory for that and is never logged.
 *
 * <p>A frame that cannot be decoded is logged at WARN and skipped; the connection stays open.
 *
 * <p>Thread-safety: thread-safe. {@link #close()} is idempotent.
 *
 * @since 0.1.0
 */
public final class IvrClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IvrClient.class);
    private static final Function<Qid, IvrRequest> CONNECTION_INFO = qid -> new IvrRequest.ConnectionInfo(qid, null);

    private final IvrCodec codec = new IvrCodec();
    private final IvrOptions options;
    private final URI endpoint;
    private final String token;
    private final Map<Qid, Pending> pending = new ConcurrentHashMap<>();
    private final List<IvrListener> listeners = new CopyOnWriteArrayList<>();
    private final List<IvrConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();
    /** Subscription id to event class: what to renew, and to re-subscribe after a reconnect. */
    private final Map<String, String> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> renewals = new ConcurrentHashMap<>();
    private final AtomicLong nextQid = new AtomicLong(1);
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** True from a drop until a reconnect succeeds: one reconnect loop at a time. */
    private final AtomicBoolean reconnecting = new AtomicBoolean();
    private final AtomicReference<IvrController> controller = new AtomicReference<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(daemon("timer"));
    private final ExecutorService events = Executors.newSingleThreadExecutor(daemon("events"));
    private final ExecutorService replies = Executors.newCachedThreadPool(daemon("replies"));
    private final Object sendLock = new Object();
    private final ClientManager manager;
    private volatile Socket current;
    private volatile Session session;

    private IvrClient(URI endpoint, String token, IvrOptions options) {
        this.endpoint = endpoint;
        this.token = token;
        this.options = options;
        this.manager = ClientManager.createClient(GrizzlyClientContainer.class.getName());
        // Tyrus reads this property as an Integer of milliseconds
        manager.getProperties().put(ClientProperties.HANDSHAKE_TIMEOUT,
                (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()));
        QuietIdleTimer.apply(manager);
        long sweep = Math.max(5, Math.min(100, options.requestTimeout().toMillis() / 4));
        timers.scheduleWithFixedDelay(this::expireOverdue, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens the socket. {@code endpoint} is the Token API address without the token, e.g.
     * {@code ws://host:port/ws/token/v1}; the token goes in an {@code Authorization: Bearer} header or, with
     * {@link IvrOptions#bearerAuth()} false, as the last path segment. A first connection that fails is not
     * retried: the error is more useful now than a silent retry loop.
     *
     * @throws IvrConnectionException when the socket cannot be opened
     */
    public static IvrClient connect(URI endpoint, String token, IvrOptions options) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(options, "options");
        IvrClient client = new IvrClient(endpoint, token, options);
        try {
            client.open();
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void open() {
        URI target = endpoint;
        ClientEndpointConfig.Builder config = ClientEndpointConfig.Builder.create();
        if (options.bearerAuth()) {
            config.configurator(new ClientEndpointConfig.Configurator() {
                @Override
                public void beforeRequest(Map<String, List<String>> headers) {
                    headers.put("Authorization", List.of("Bearer " + token));
                }
            });
        } else {
            String base = endpoint.toString();
            target = URI.create((base.endsWith("/") ? base : base + "/")
                    + URLEncoder.encode(token, StandardCharsets.UTF_8));
        }
        Socket socket = new Socket();
        current = socket;
        try {
            session = manager.connectToServer(socket, config.build(), target);
        } catch (Exception e) {
            // the message names the endpoint without the token
            throw new IvrConnectionException("Could not open the ivrapi socket at " + endpoint + " ("
                    + (options.bearerAuth() ? "Bearer token" : "token in path") + "): " + describe(e)
                    + ". Check the address, that the token is a valid integration_point token_local, and that the"
                    + " platform is reachable.", e);
        }
        LOG.debug("ivrapi socket open at {}", endpoint);
    }

    /** The handshake's HTTP status when the server refused it (401 for a bad token), else the message. */
    private static String describe(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HandshakeException h) {
                return "the server answered HTTP " + h.getHttpStatusCode();
            }
        }
        String message = String.valueOf(e.getMessage());
        return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
    }

    /** Adds a listener for events; see {@link IvrListener}. */
    public void addListener(IvrListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Adds a listener for the socket dropping and coming back. */
    public void addConnectionListener(IvrConnectionListener listener) {
        connectionListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public boolean isOpen() {
        Session s = session;
        return !closed.get() && s != null && s.isOpen();
    }

    /** How many times the socket was reopened after a drop. */
    public long reconnectCount() {
        return reconnects.get();
    }

    public IvrOptions options() {
        return options;
    }

    // ---- the control layer

    /**
     * Starts the control layer: subscribes to {@code ivrevents} (unless this client already is), then accepts
     * every session whose api_start {@code key} matches {@code options} and hands it to {@code handler}. The
     * stage completes once the subscription is in place. One controller per client at a time.
     *
     * @throws IllegalStateException when this client already has a controller that is open or still has sessions
     */
    public CompletionStage<IvrController> controlAsync(ControlOptions options, ControlHandler handler) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handler, "handler");
        IvrController created = new IvrController(this, options, handler);
        IvrController previous = controller.get();
        if ((previous != null && previous.busy()) || !controller.compareAndSet(previous, created)) {
            created.shutdown();
            throw new IllegalStateException("this IvrClient already has an IvrController (" + controller.get()
                    + "); close it and let its sessions end first, or connect another IvrClient");
        }
        if (subscriptions.containsValue(ApiEvent.EVENT_CLASS)) {
            return CompletableFuture.completedFuture(created);
        }
        return subscribeAsync(ApiEvent.EVENT_CLASS).handle((reply, error) -> {
            if (error != null) {
                created.close();
                throw new CompletionException(Await.translate(error, "the ivrevents subscription"));
            }
            return created;
        });
    }

    /** {@link #controlAsync}, waiting for the subscription. */
    public IvrController control(ControlOptions options, ControlHandler handler) {
        return await(controlAsync(options, handler));
    }

    /** {@link #control(ControlOptions, ControlHandler)} for every key, with default options. */
    public IvrController control(ControlHandler handler) {
        return control(ControlOptions.defaults(), handler);
    }

    void detach(IvrController c) {
        controller.compareAndSet(c, null);
    }

    // ---- requests

    /**
     * Sends the request that {@code build} makes from a fresh qid; the core of every other request method. The
     * stage completes on the client's reply threads, never on the socket's receive thread, so continuations may
     * block.
     */
    public CompletionStage<IvrReply> requestAsync(Function<Qid, ? extends IvrRequest> build) {
        return request(build, replies);
    }

    /**
     * The blocking form of {@link #requestAsync}. Only this caller waits for the reply, so it is completed on
     * the thread that read it: a round trip costs no hand-off to a reply thread.
     */
    public IvrReply request(Function<Qid, ? extends IvrRequest> build) {
        return await(request(build, Runnable::run));
    }

    private CompletableFuture<IvrReply> request(Function<Qid, ? extends IvrRequest> build, Executor completer) {
        Objects.requireNonNull(build, "build");
        Qid qid = nextQid();
        IvrRequest request = Objects.requireNonNull(build.apply(qid), "request");
        if (!request.qid().equals(qid)) {
            throw new IllegalArgumentException("the request must carry the qid it was given (" + qid + "), got "
                    + request.qid());
        }
        return request(request, completer);
    }

    /** A fresh qid. */
    Qid nextQid() {
        return Qid.of(nextQid.getAndIncrement());
    }

    /**
     * Sends {@code request} and returns its reply; every completion (reply, refusal, timeout, drop) runs on
     * {@code completer}. The control layer passes a session's {@link SerialExecutor}, so that a reply and the
     * events around it reach the session in wire order.
     */
    CompletableFuture<IvrReply> request(IvrRequest request, Executor completer) {
        Qid qid = request.qid();
        CompletableFuture<IvrReply> reply = new CompletableFuture<>();
        Pending p = new Pending(request, reply, completer, System.nanoTime() + options.requestTimeout().toNanos());
        if (pending.putIfAbsent(qid, p) != null) {
            throw new IllegalArgumentException("qid " + qid + " is already waiting for a reply; use a fresh qid");
        }
        if (closed.get()) {
            pending.remove(qid);
            reply.completeExceptionally(new IvrConnectionException("Cannot send " + request.name()
                    + ": the IvrClient is closed", null));
            return reply;
        }
        reply.whenComplete((r, e) -> pending.remove(qid, p));
        try {
            sendQueued(request, p);
        } catch (IvrException e) {
            complete(p, null, e);
        }
        return reply;
    }

    private void complete(Pending p, IvrReply reply, Throwable error) {
        Runnable r = () -> {
            if (error != null) {
                p.reply.completeExceptionally(error);
            } else if (reply.isOk()) {
                p.reply.complete(reply);
            } else {
                p.reply.completeExceptionally(new IvrRequestException(reply));
            }
        };
        try {
            p.completer.execute(r);
        } catch (RejectedExecutionException e) {
            r.run();
        }
    }

    public CompletionStage<IvrReply> connectionInfoAsync() {
        return requestAsync(CONNECTION_INFO);
    }

    /** Subscribes to {@code eventClass} for {@link IvrOptions#subscriptionExpires()} and keeps renewing it. */
    public CompletionStage<IvrReply> subscribeAsync(String eventClass) {
        Objects.requireNonNull(eventClass, "eventClass");
        String id = "forge-" + eventClass + "-" + UUID.randomUUID();
        subscriptions.put(id, eventClass);
        return subscribeOnce(eventClass, id);
    }

    private CompletableFuture<IvrReply> subscribeOnce(String eventClass, String id) {
        long expires = options.subscriptionExpires().toSeconds();
        CompletableFuture<IvrReply> reply = request(new IvrRequest.Subscribe(nextQid(), eventClass, id, expires,
                null), replies);
        reply.whenComplete((r, e) -> {
            if (e != null) {
                LOG.warn("subscribe to {} (id {}) failed: {}", eventClass, id, e.toString());
                if (e instanceof IvrConnectionException) {
                    return; // the reconnect subscribes again
                }
            }
            scheduleRenewal(eventClass, id);
        });
        return reply;
    }

    private void scheduleRenewal(String eventClass, String id) {
        if (closed.get() || !isOpen()) {
            return;
        }
        long delay = (long) (options.subscriptionExpires().toMillis() * options.renewAt());
        try {
            ScheduledFuture<?> previous = renewals.put(id, timers.schedule(() -> {
                LOG.debug("renewing subscription {} to {}", id, eventClass);
                subscribeOnce(eventClass, id);
            }, delay, TimeUnit.MILLISECONDS));
            if (previous != null) {
                previous.cancel(false);
            }
        } catch (RejectedExecutionException e) {
            LOG.debug("client closed; subscription {} not renewed", id);
        }
    }

    public CompletionStage<IvrReply> commandAsync(IvrRequest.Command command, String key, String ivrid) {
        return requestAsync(command(command, key, ivrid));
    }

    private static Function<Qid, IvrRequest> command(IvrRequest.Command command, String key, String ivrid) {
        return qid -> new IvrRequest.SessionCommand(command, qid, key, ivrid, null);
    }

    public CompletionStage<IvrReply> applyComponentAsync(String key, String ivrid, ObjectNode data) {
        return requestAsync(apply(key, ivrid, data));
    }

    private static Function<Qid, IvrRequest> apply(String key, String ivrid, ObjectNode data) {
        return qid -> new IvrRequest.ComponentApply(qid, key, ivrid, data, null);
    }

    /** {@code file_upload_static}: fetch {@code url} into static storage {@code destpath}, with no session. */
    public CompletionStage<IvrReply> uploadStaticAsync(String url, String destpath) {
        StoragePath.check("destpath", destpath);
        return requestAsync(qid -> new IvrRequest.FileUploadStatic(qid, null, null, url, destpath, null));
    }

    /** {@code connection_info}: who this token is, and which capabilities the connection has. */
    public IvrReply connectionInfo() {
        return request(CONNECTION_INFO);
    }

    public IvrReply subscribe(String eventClass) {
        return await(subscribeAsync(eventClass));
    }

    /** {@code ivrapi_accept}: take control of the session announced by api_start; the first accept wins. */
    public IvrReply accept(String key, String ivrid) {
        return request(command(IvrRequest.Command.ACCEPT, key, ivrid));
    }

    /** {@code ivrapi_reaccept}: take control back, e.g. after a reconnect. */
    public IvrReply reaccept(String key, String ivrid) {
        return request(command(IvrRequest.Command.REACCEPT, key, ivrid));
    }

    /** {@code ivrapi_abort}: hand control back; the script goes on with its next component. */
    public IvrReply abort(String key, String ivrid) {
        return request(command(IvrRequest.Command.ABORT, key, ivrid));
    }

    public IvrReply terminateComponent(String key, String ivrid) {
        return request(command(IvrRequest.Command.COMPONENT_TERMINATE, key, ivrid));
    }

    /** {@code ivrapi_component_apply}: run a script component, {@code data} holding its {@code oType} and properties. */
    public IvrReply applyComponent(String key, String ivrid, ObjectNode data) {
        return request(apply(key, ivrid, data));
    }

    /**
     * Waits for a stage of this client: its own timeout fires first; the extra second here only guards against a
     * stalled timer. An interrupt cancels the request and keeps the thread's interrupt flag.
     *
     * @throws IllegalStateException on a session thread (a handler, listener or stage continuation), which may be
     *                               the socket's receive thread, the one that would deliver the answer
     */
    public <T> T await(CompletionStage<T> stage) {
        Await.notOnSessionThread("A blocking IvrClient call");
        return Await.await(stage, options.requestTimeout().plusSeconds(1), "the ivrapi reply");
    }

    /** Sends one frame as is and waits until it is written (the caller owns its qid; no reply is awaited). */
    public void send(IvrFrame frame) {
        String text = codec.encode(frame);
        Session s = openSession(frame);
        try {
            synchronized (sendLock) {
                s.getBasicRemote().sendText(text);
            }
        } catch (IOException | RuntimeException e) {
            throw notSent(frame, e);
        }
    }

    /**
     * Queues {@code request} on the socket and returns without waiting for the write (frames go out in the
     * order they were queued); a write that fails later fails {@code p}. Requests are sent from session work
     * that may run on the socket's own receive thread: a write that waited there while the platform, itself
     * blocked writing to us, stopped reading would deadlock both ends.
     */
    private void sendQueued(IvrRequest request, Pending p) {
        String text = codec.encode(request);
        Session s = openSession(request);
        try {
            synchronized (sendLock) {
                s.getAsyncRemote().sendText(text, result -> {
                    if (!result.isOK()) {
                        complete(p, null, notSent(request, result.getException()));
                    }
                });
            }
        } catch (RuntimeException e) {
            throw notSent(request, e);
        }
    }

    private Session openSession(IvrFrame frame) {
        Session s = session;
        if (closed.get() || s == null || !s.isOpen()) {
            throw new IvrConnectionException("Cannot send " + frame.name() + ": the ivrapi socket is "
                    + (closed.get() ? "closed" : "down (reconnecting)"), null);
        }
        return s;
    }

    private static IvrConnectionException notSent(IvrFrame frame, Throwable e) {
        // Tyrus throws IllegalStateException on a closing socket and RejectedExecutionException once shut down
        return new IvrConnectionException("Could not send " + frame.name() + ": " + e, e);
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    // ---- receiving

    private void onText(String text) {
        IvrFrame frame;
        try {
            frame = codec.decode(text);
        } catch (IvrProtocolException e) {
            LOG.warn("skipping a malformed ivrapi frame: {}", e.getMessage());
            return;
        }
        if (frame instanceof IvrReply reply) {
            Pending p = pending.get(reply.qid());
            if (p == null) {
                LOG.debug("reply {} for unknown or expired qid {}", reply.name(), reply.qid());
                return;
            }
            complete(p, reply, null);
        } else if (frame instanceof IvrEvent event) {
            IvrController c = controller.get();
            if (c != null) {
                try {
                    c.onEvent(event);
                } catch (RuntimeException e) {
                    LOG.warn("the ivrapi control layer failed on {}", event.name(), e);
                }
            }
            if (!listeners.isEmpty()) {
                dispatch(() -> deliver(event));
            }
        } else {
            LOG.debug("ignoring frame {}", frame.name());
        }
    }

    private void deliver(IvrEvent event) {
        for (IvrListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("ivrapi listener failed on {}", event.name(), e);
            }
        }
    }

    private void dispatch(Runnable task) {
        try {
            events.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("client closed; event not delivered");
        }
    }

    // ---- drops and reconnects

    private void onDropped(Socket socket, CloseReason reason) {
        if (socket != current || !socket.opened) {
            return; // a socket already replaced, or one whose handshake failed (the reconnect loop retries it)
        }
        LOG.debug("ivrapi socket closed: {}", reason);
        renewals.values().forEach(f -> f.cancel(false));
        renewals.clear();
        failPending(new IvrConnectionException("The ivrapi socket closed (" + reason + ") before the reply arrived",
                null));
        if (closed.get()) {
            return;
        }
        LOG.info("ivrapi socket to {} dropped ({}){}", endpoint, reason,
                options.reconnect() ? "; reconnecting" : "; reconnect is off");
        IvrController c = controller.get();
        if (c != null) {
            if (options.reconnect()) {
                c.onLinkDown();
            } else {
                c.onClientClosed(); // the socket is gone for good: its sessions end
            }
        }
        String text = String.valueOf(reason);
        dispatch(() -> connectionListeners.forEach(l -> l.onDisconnected(text)));
        if (options.reconnect() && reconnecting.compareAndSet(false, true)) {
            scheduleReconnect(1);
        }
    }

    private void failPending(IvrException error) {
        for (Pending p : List.copyOf(pending.values())) {
            complete(p, null, error);
        }
    }

    /** Schedules attempt {@code attempt} after a jittered wait; returns the wait in ms. */
    private long scheduleReconnect(int attempt) {
        long wait = Jitter.spread(options.reconnectDelay(attempt).toMillis());
        try {
            timers.schedule(() -> replies.execute(() -> reconnect(attempt)), wait, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("client closed; no reconnect");
        }
        return wait;
    }

    private void reconnect(int attempt) {
        if (closed.get()) {
            return;
        }
        try {
            open();
        } catch (IvrConnectionException e) {
            long wait = scheduleReconnect(attempt + 1);
            LOG.info("ivrapi reconnect attempt {} failed: {}; next attempt in {} ms", attempt, e.getMessage(), wait);
            return;
        }
        if (closed.get()) {
            closeSocket();
            return;
        }
        reconnecting.set(false);
        if (!isOpen()) {
            // dropped again before the flag was cleared, so that drop started no loop: this one goes on
            if (reconnecting.compareAndSet(false, true)) {
                scheduleReconnect(1);
            }
            return;
        }
        reconnects.incrementAndGet();
        LOG.info("ivrapi socket reconnected to {} after {} attempt(s)", endpoint, attempt);
        Socket socket = current;
        List<CompletableFuture<IvrReply>> renewed = new ArrayList<>();
        subscriptions.forEach((id, eventClass) -> renewed.add(subscribeOnce(eventClass, id)));
        CompletableFuture.allOf(renewed.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            if (socket != current || !isOpen()) {
                return; // dropped again; the next reconnect takes over
            }
            IvrController c = controller.get();
            if (c != null) {
                c.onLinkUp();
            }
            dispatch(() -> connectionListeners.forEach(l -> l.onReconnected(attempt)));
        });
    }

    private void closeSocket() {
        Session s = session;
        if (s != null && s.isOpen()) {
            try {
                s.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "client closed"));
            } catch (IOException e) {
                LOG.debug("closing the ivrapi socket failed", e);
            }
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeSocket();
        renewals.values().forEach(f -> f.cancel(false));
        failPending(new IvrConnectionException("The ivrapi socket closed (client closed) before the reply arrived",
                null));
        IvrController c = controller.getAndSet(null);
        if (c != null) {
            c.onClientClosed();
        }
        timers.shutdownNow();
        events.shutdown();
        replies.shutdown();
        manager.shutdown();
    }

    private static ThreadFactory daemon(String role) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, "forge-ivr-" + role + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private record Pending(IvrRequest request, CompletableFuture<IvrReply> reply, Executor completer,
                           long deadlineNanos) {
    }

    /**
     * Fails the requests whose reply is overdue. One sweep a few times per timeout instead of a timer per
     * request: scheduling and cancelling a timer on every request woke the timer thread twice per round trip.
     */
    private void expireOverdue() {
        long now = System.nanoTime();
        for (Pending p : pending.values()) {
            if (now - p.deadlineNanos() >= 0) {
                complete(p, null, new IvrTimeoutException("No " + p.request().replyName() + " for qid "
                        + p.request().qid() + " within " + options.requestTimeout() + " (IvrOptions.requestTimeout);"
                        + " the request was dropped. Is the session still controlled and the platform answering?"));
            }
        }
    }

    private final class Socket extends Endpoint {
        volatile boolean opened;

        @Override
        public void onOpen(Session s, EndpointConfig config) {
            opened = true;
            s.addMessageHandler(String.class, (MessageHandler.Whole<String>) IvrClient.this::onText);
        }

        @Override
        public void onClose(Session s, CloseReason reason) {
            onDropped(this, reason);
        }

        @Override
        public void onError(Session s, Throwable error) {
            LOG.warn("ivrapi socket error: {}", error.toString());
        }
    }
}
