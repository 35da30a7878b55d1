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
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.UpgradeResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fake Incoplax / ERA platform that speaks the real Token API over a real WebSocket (Tyrus on a free port),
 * for testing ivrapi controllers the way MockWebServer tests HTTP clients.
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
 * <p>It accepts its token in the path ({@code /ws/token/v1/<token>}) or as {@code Authorization: Bearer};
 * any other token fails the handshake. It answers {@code connection_info}, {@code subscribe}, the session
 * commands (the first {@code ivrapi_accept} of a call wins, a second is refused with {@code result: "error"}),
 * {@code ivrapi_component_apply} (one component at a time) and the file requests. Every request is recorded for
 * {@link #takeRequest(Duration)}. Faults: {@link #ignore(String)}, {@link #disconnectAll()},
 * {@link #sendRaw(String)}.
 *
 * <p>The server listens on 127.0.0.1 only ({@link LoopbackServerContainer}). Thread-safety: thread-safe.
 * {@link #close()} is idempotent.
 */
public final class FakeIvrPlatform implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FakeIvrPlatform.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String ROOT = "/ws";
    private static final String PATH = "/token/v1";

    private final String token;
    private final IvrCodec codec = new IvrCodec();
    private final TyrusServerContainer server;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final Map<Session, Set<String>> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, Call> calls = new ConcurrentHashMap<>();
    private final BlockingQueue<IvrRequest> requests = new LinkedBlockingQueue<>();
    private final Set<String> ignored = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private FakeIvrPlatform(String token) {
        this.token = token;
        this.server = new LoopbackServerContainer();
    }

    /** Starts a platform on a free port that accepts {@code token}. */
    public static FakeIvrPlatform start(String token) {
        Objects.requireNonNull(token, "token");
        FakeIvrPlatform platform = new FakeIvrPlatform(token);
        try {
            ServerEndpointConfig.Configurator auth = platform.new TokenCheck();
            platform.server.addEndpoint(ServerEndpointConfig.Builder.create(Socket.class, PATH + "/{token}")
                    .configurator(auth).build());
            platform.server.addEndpoint(ServerEndpointConfig.Builder.create(Socket.class, PATH)
                    .configurator(auth).build());
            // port 0 on the container itself is "any free port" (the Server wrapper spells it -1)
            platform.server.start(ROOT, 0);
        } catch (Exception e) {
            platform.close();
            throw new IllegalStateException("FakeIvrPlatform could not start its WebSocket server: " + e, e);
        }
        return platform;
    }

    /** {@code ws://127.0.0.1:<port>/ws/token/v1}, the address to give {@code IvrClient.connect}. */
    public URI endpoint() {
        return URI.create("ws://127.0.0.1:" + server.getPort() + ROOT + PATH);
    }

    public String token() {
        return token;
    }

    /** The next request any client sent, in arrival order, or null after {@code timeout}. */
    public IvrRequest takeRequest(Duration timeout) throws InterruptedException {
        return requests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Records but never answers requests named {@code requestName} from now on (e.g. {@code ivrapi_abort}). */
    public void ignore(String requestName) {
        ignored.add(Objects.requireNonNull(requestName, "requestName"));
    }

    /** Component 224 starts: sends {@code ivrevents.api_start} to every ivrevents subscriber. */
    public ApiEvent startCall(String ivrid, String key, String state) {
        Call call = new Call(key, state);
        if (calls.putIfAbsent(ivrid, call) != null) {
            throw new IllegalStateException("call " + ivrid + " is already running in this fake");
        }
        ApiEvent start = apiEvent(ApiEvent.Type.START, ivrid, call, null);
        notifySubscribers(start);
        return start;
    }

    /** Sends {@code ivrevents.api_stop} with {@code reason} (script, timeout, abort) and forgets the call. */
    public ApiEvent stopCall(String ivrid, String reason) {
        Call call = requireCall(ivrid);
        calls.remove(ivrid);
        ApiEvent stop = apiEvent(ApiEvent.Type.STOP, ivrid, call, reason);
        notifySubscribers(stop);
        return stop;
    }

    /** The caller presses {@code digits}: one {@code ivrapi_dtmf} per digit to the controlling connection. */
    public void dtmf(String ivrid, String digits) {
        Call call = requireCall(ivrid);
        Session owner = requireOwner(ivrid, call);
        for (char digit : digits.toCharArray()) {
            Long oId = call.component;
            send(owner, new IvrEvent.Dtmf(call.key, ivrid, oId == null ? "idle" : "component", oId,
                    String.valueOf(digit), null));
        }
    }

    /** The running component ends on branch {@code transferKey} with {@code results}. */
    public void componentStopped(String ivrid, String transferKey, ObjectNode results) {
        Call call = requireCall(ivrid);
        Session owner = requireOwner(ivrid, call);
        Long oId = call.component;
        call.component = null;
        send(owner, new IvrEvent.ComponentStopped(oId == null ? 0L : oId, transferKey, results,
                Map.of("ivrid", JSON.textNode(ivrid))));
    }

    /** Closes every client connection, as a platform restart or network cut would. */
    public void disconnectAll() {
        for (Session s : sessions) {
            try {
                s.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "FakeIvrPlatform.disconnectAll"));
            } catch (IOException e) {
                LOG.debug("closing a fake session failed", e);
            }
        }
    }

    /** Sends {@code text} as is to every connection, e.g. a malformed frame. */
    public void sendRaw(String text) {
        sessions.forEach(s -> sendText(s, text));
    }

    /** How many connections are open. */
    public int connectionCount() {
        return sessions.size();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop();
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
        requests.add(request);
        if (ignored.contains(request.name())) {
            return;
        }
        send(session, answer(session, request));
    }

    private IvrReply answer(Session session, IvrRequest request) {
        if (request instanceof IvrRequest.ConnectionInfo) {
            return ok(request, connectionInfo(session));
        }
        if (request instanceof IvrRequest.Subscribe s) {
            Set<String> classes = subscriptions.computeIfAbsent(session, k -> ConcurrentHashMap.newKeySet());
            if (s.expires() == 0) {
                classes.remove(s.eventClass());
            } else {
                classes.add(s.eventClass());
            }
            return ok(request, Map.of());
        }
        if (request instanceof IvrRequest.FileUploadStatic f && f.sessionless()) {
            return reply(request, f.destpath() + fileName(f.url()), Map.of());
        }
        var scoped = (IvrRequest.SessionRequest) request;
        String ivrid = scoped.ivrid();
        Call call = ivrid == null ? null : calls.get(ivrid);
        if (call == null || !call.key.equals(scoped.key())) {
            return error(request, "no controllable session " + ivrid + " with that key");
        }
        if (request instanceof IvrRequest.SessionCommand c) {
            return command(session, c, call);
        }
        if (call.owner != session) {
            return error(request, "session " + ivrid + " is not controlled by this connection");
        }
        if (request instanceof IvrRequest.ComponentApply a) {
            synchronized (call) {
                if (call.component != null) {
                    return error(request, "component " + call.component + " is still running");
                }
                JsonNode oId = a.data().get("oId");
                call.component = oId != null && oId.canConvertToLong() ? oId.longValue() : 0L;
            }
            return ok(request, Map.of());
        }
        if (request instanceof IvrRequest.FileGetPath f) {
            return reply(request, "http://127.0.0.1/fake/" + fileName(f.path()), Map.of());
        }
        if (request instanceof IvrRequest.FileUploadTemp f) {
            return reply(request, ":TEMP/" + fileName(f.url()), Map.of());
        }
        IvrRequest.FileUploadStatic f = (IvrRequest.FileUploadStatic) request;
        return reply(request, f.destpath() + fileName(f.url()), Map.of());
    }

    private IvrReply command(Session session, IvrRequest.SessionCommand c, Call call) {
        synchronized (call) {
            switch (c.command()) {
                case ACCEPT:
                    if (call.owner != null) {
                        return error(c, "session " + c.ivrid() + " is already accepted by another connection");
                    }
                    call.owner = session;
                    return ok(c, Map.of());
                case REACCEPT:
                    call.owner = session;
                    return ok(c, Map.of());
                case ABORT:
                    if (call.owner != session) {
                        return error(c, "session " + c.ivrid() + " is not controlled by this connection");
                    }
                    call.owner = null;
                    return ok(c, Map.of());
                default:
                    if (call.owner != session) {
                        return error(c, "session " + c.ivrid() + " is not controlled by this connection");
                    }
                    call.component = null;
                    return ok(c, Map.of());
            }
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

    private static ApiEvent apiEvent(ApiEvent.Type type, String ivrid, Call call, String reason) {
        return new ApiEvent(type, ivrid, call.key, "fake-" + ivrid + "@127.0.0.1", call.cid, call.smId, 224,
                "External control", "{}", call.state, call.startedAt, reason);
    }

    private void notifySubscribers(ApiEvent event) {
        IvrEvent.Notify notify = event.toNotify(System.currentTimeMillis());
        subscriptions.forEach((s, classes) -> {
            if (classes.contains(ApiEvent.EVENT_CLASS)) {
                send(s, notify);
            }
        });
    }

    private Call requireCall(String ivrid) {
        Call call = calls.get(ivrid);
        if (call == null) {
            throw new IllegalStateException("no call " + ivrid + " in this fake; start it with startCall first");
        }
        return call;
    }

    private static Session requireOwner(String ivrid, Call call) {
        Session owner = call.owner;
        if (owner == null) {
            throw new IllegalStateException("call " + ivrid + " is not accepted by any connection yet");
        }
        return owner;
    }

    private void send(Session session, IvrFrame frame) {
        sendText(session, codec.encode(frame));
    }

    private static void sendText(Session session, String text) {
        synchronized (session) {
            try {
                if (session.isOpen()) {
                    session.getBasicRemote().sendText(text);
                }
            } catch (IOException | IllegalStateException e) {
                LOG.debug("FakeIvrPlatform could not send to {}: {}", session.getId(), e.toString());
            }
        }
    }

    private static final class Call {
        final String key;
        final String state;
        final String cid = UUID.randomUUID().toString();
        final String smId = UUID.randomUUID().toString();
        final long startedAt = System.currentTimeMillis();
        volatile Session owner;
        volatile Long component;

        Call(String key, String state) {
            this.key = key;
            this.state = state;
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
            if (!(token.equals(inPath) || (inPath == null && bearer))) {
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
            platform.sessions.add(session);
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
