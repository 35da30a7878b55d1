package dev.forge.ivr;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.client.ClientProperties;
import org.glassfish.tyrus.container.jdk.client.JdkClientContainer;
import org.glassfish.tyrus.core.HandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to the Token API socket with the {@code ivrapi} capability.
 *
 * <pre>{@code
 * try (IvrClient ivr = IvrClient.connect(URI.create("wss://pbx.example/ws/token/v1"), token, IvrOptions.defaults())) {
 *     ivr.addListener(event -> ...);          // api_start / api_stop notify, ivrapi_dtmf, component stopped
 *     ivr.subscribe(ApiEvent.EVENT_CLASS);    // renewed before it expires
 *     ivr.accept(start.key(), start.ivrid());
 * }
 * }</pre>
 *
 * <p>The {@code *Async} methods are the core: each sends one request with a fresh {@link Qid} and returns a stage
 * that completes with the {@code _result}, fails with {@link IvrRequestException} when the platform refuses, or
 * with {@link IvrTimeoutException} after {@link IvrOptions#requestTimeout()}. Cancelling the stage's future
 * forgets the request. The methods without {@code Async} wait for that stage. Replies complete on a pool thread,
 * so a continuation may itself wait on another request; listeners run on one dispatch thread, in order.
 *
 * <p>A frame that cannot be decoded is logged at WARN and skipped; the connection stays open.
 *
 * <p>Thread-safety: thread-safe. {@link #close()} is idempotent.
 */
public final class IvrClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IvrClient.class);

    private final IvrCodec codec = new IvrCodec();
    private final IvrOptions options;
    private final Map<Qid, Pending> pending = new ConcurrentHashMap<>();
    private final List<IvrListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, ScheduledFuture<?>> renewals = new ConcurrentHashMap<>();
    private final AtomicLong nextQid = new AtomicLong(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(daemon("timer"));
    private final ExecutorService events = Executors.newSingleThreadExecutor(daemon("events"));
    private final ExecutorService replies = Executors.newCachedThreadPool(daemon("replies"));
    private final Object sendLock = new Object();
    private final ClientManager manager;
    private volatile Session session;

    private IvrClient(IvrOptions options) {
        this.options = options;
        this.manager = ClientManager.createClient(JdkClientContainer.class.getName());
        // Tyrus reads this property as an Integer of milliseconds
        manager.getProperties().put(ClientProperties.HANDSHAKE_TIMEOUT,
                (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()));
    }

    /**
     * Opens the socket. {@code endpoint} is the Token API address without the token, e.g.
     * {@code ws://host:port/ws/token/v1}; the token goes in an {@code Authorization: Bearer} header or, with
     * {@link IvrOptions#bearerAuth()} false, as the last path segment.
     *
     * @throws IvrConnectionException when the socket cannot be opened
     */
    public static IvrClient connect(URI endpoint, String token, IvrOptions options) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(options, "options");
        IvrClient client = new IvrClient(options);
        try {
            client.open(endpoint, token);
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void open(URI endpoint, String token) {
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
        try {
            session = manager.connectToServer(new Socket(), config.build(), target);
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

    public boolean isOpen() {
        Session s = session;
        return !closed.get() && s != null && s.isOpen();
    }

    public IvrOptions options() {
        return options;
    }

    /** Sends the request that {@code build} makes from a fresh qid; the core of every other request method. */
    public CompletionStage<IvrReply> requestAsync(Function<Qid, ? extends IvrRequest> build) {
        Qid qid = Qid.of(nextQid.getAndIncrement());
        IvrRequest request = Objects.requireNonNull(build.apply(qid), "request");
        if (!request.qid().equals(qid)) {
            throw new IllegalArgumentException("the request must carry the qid it was given (" + qid + "), got "
                    + request.qid());
        }
        CompletableFuture<IvrReply> reply = new CompletableFuture<>();
        pending.put(qid, new Pending(request, reply));
        ScheduledFuture<?> timeout = timers.schedule(() -> reply.completeExceptionally(new IvrTimeoutException(
                "No " + request.replyName() + " for qid " + qid + " within " + options.requestTimeout()
                        + " (IvrOptions.requestTimeout); the request was dropped. Is the session still controlled"
                        + " and the platform answering?")), options.requestTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        reply.whenComplete((r, e) -> {
            pending.remove(qid);
            timeout.cancel(false);
        });
        try {
            send(request);
        } catch (IvrException e) {
            reply.completeExceptionally(e);
        }
        return reply;
    }

    public CompletionStage<IvrReply> connectionInfoAsync() {
        return requestAsync(qid -> new IvrRequest.ConnectionInfo(qid, null));
    }

    /** Subscribes to {@code eventClass} for {@link IvrOptions#subscriptionExpires()} and keeps renewing it. */
    public CompletionStage<IvrReply> subscribeAsync(String eventClass) {
        Objects.requireNonNull(eventClass, "eventClass");
        String id = "forge-" + eventClass + "-" + UUID.randomUUID();
        return subscribeOnce(eventClass, id);
    }

    private CompletionStage<IvrReply> subscribeOnce(String eventClass, String id) {
        long expires = options.subscriptionExpires().toSeconds();
        CompletionStage<IvrReply> reply = requestAsync(qid -> new IvrRequest.Subscribe(qid, eventClass, id, expires,
                null));
        reply.whenComplete((r, e) -> {
            if (e != null) {
                LOG.warn("subscribe to {} (id {}) failed: {}", eventClass, id, e.toString());
            }
            scheduleRenewal(eventClass, id);
        });
        return reply;
    }

    private void scheduleRenewal(String eventClass, String id) {
        if (closed.get()) {
            return;
        }
        long delay = (long) (options.subscriptionExpires().toMillis() * options.renewAt());
        try {
            renewals.put(id, timers.schedule(() -> {
                LOG.debug("renewing subscription {} to {}", id, eventClass);
                subscribeOnce(eventClass, id);
            }, delay, TimeUnit.MILLISECONDS));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("client closed; subscription {} not renewed", id);
        }
    }

    public CompletionStage<IvrReply> commandAsync(IvrRequest.Command command, String key, String ivrid) {
        return requestAsync(qid -> new IvrRequest.SessionCommand(command, qid, key, ivrid, null));
    }

    public CompletionStage<IvrReply> applyComponentAsync(String key, String ivrid, ObjectNode data) {
        return requestAsync(qid -> new IvrRequest.ComponentApply(qid, key, ivrid, data, null));
    }

    /** {@code connection_info}: who this token is, and which capabilities the connection has. */
    public IvrReply connectionInfo() {
        return await(connectionInfoAsync());
    }

    public IvrReply subscribe(String eventClass) {
        return await(subscribeAsync(eventClass));
    }

    /** {@code ivrapi_accept}: take control of the session announced by api_start; the first accept wins. */
    public IvrReply accept(String key, String ivrid) {
        return await(commandAsync(IvrRequest.Command.ACCEPT, key, ivrid));
    }

    /** {@code ivrapi_reaccept}: take control back, e.g. after a reconnect. */
    public IvrReply reaccept(String key, String ivrid) {
        return await(commandAsync(IvrRequest.Command.REACCEPT, key, ivrid));
    }

    /** {@code ivrapi_abort}: hand control back; the script goes on with its next component. */
    public IvrReply abort(String key, String ivrid) {
        return await(commandAsync(IvrRequest.Command.ABORT, key, ivrid));
    }

    public IvrReply terminateComponent(String key, String ivrid) {
        return await(commandAsync(IvrRequest.Command.COMPONENT_TERMINATE, key, ivrid));
    }

    /** {@code ivrapi_component_apply}: run a script component, {@code data} holding its {@code oType} and properties. */
    public IvrReply applyComponent(String key, String ivrid, ObjectNode data) {
        return await(applyComponentAsync(key, ivrid, data));
    }

    /**
     * Waits for a stage of this client: its own timeout fires first; the extra second here only guards against a
     * stalled timer. An interrupt cancels the request and keeps the thread's interrupt flag.
     */
    public <T> T await(CompletionStage<T> stage) {
        CompletableFuture<T> future = stage.toCompletableFuture();
        try {
            return future.get(options.requestTimeout().plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new IvrException("Interrupted while waiting for an ivrapi reply; the request was cancelled", e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IvrTimeoutException("No ivrapi reply within " + options.requestTimeout() + "; cancelled");
        } catch (CancellationException e) {
            throw new IvrException("The ivrapi request was cancelled", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IvrException ivr) {
                throw ivr;
            }
            throw new IvrException("ivrapi request failed: " + cause, cause);
        }
    }

    /** Sends one frame as is (the caller owns its qid; no reply is awaited). */
    public void send(IvrFrame frame) {
        String text = codec.encode(frame);
        Session s = session;
        if (closed.get() || s == null || !s.isOpen()) {
            throw new IvrConnectionException("Cannot send " + frame.name() + ": the ivrapi socket is closed", null);
        }
        try {
            synchronized (sendLock) {
                s.getBasicRemote().sendText(text);
            }
        } catch (IOException | IllegalStateException e) {
            throw new IvrConnectionException("Could not send " + frame.name() + ": " + e.getMessage(), e);
        }
    }

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
            replies.execute(() -> {
                if (reply.isOk()) {
                    p.reply.complete(reply);
                } else {
                    p.reply.completeExceptionally(new IvrRequestException(reply));
                }
            });
        } else if (frame instanceof IvrEvent event) {
            events.execute(() -> deliver(event));
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

    private void onClosed(CloseReason reason) {
        LOG.debug("ivrapi socket closed: {}", reason);
        renewals.values().forEach(f -> f.cancel(false));
        IvrConnectionException gone = new IvrConnectionException("The ivrapi socket closed (" + reason
                + ") before the reply arrived", null);
        pending.values().forEach(p -> p.reply.completeExceptionally(gone));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Session s = session;
        if (s != null && s.isOpen()) {
            try {
                s.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "client closed"));
            } catch (IOException e) {
                LOG.debug("closing the ivrapi socket failed", e);
            }
        }
        onClosed(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "client closed"));
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

    private record Pending(IvrRequest request, CompletableFuture<IvrReply> reply) {
    }

    private final class Socket extends Endpoint {
        @Override
        public void onOpen(Session s, EndpointConfig config) {
            s.addMessageHandler(String.class, (MessageHandler.Whole<String>) IvrClient.this::onText);
        }

        @Override
        public void onClose(Session s, CloseReason reason) {
            onClosed(reason);
        }

        @Override
        public void onError(Session s, Throwable error) {
            LOG.warn("ivrapi socket error: {}", error.toString());
        }
    }
}
