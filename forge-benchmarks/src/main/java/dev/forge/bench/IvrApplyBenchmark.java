package dev.forge.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.forge.ivr.Component;
import dev.forge.ivr.ControlOptions;
import dev.forge.ivr.IvrClient;
import dev.forge.ivr.IvrCodec;
import dev.forge.ivr.IvrOptions;
import dev.forge.ivr.IvrRequest;
import dev.forge.ivr.IvrSession;
import dev.forge.ivr.Qid;
import dev.forge.ivr.internal.QuietIdleTimer;
import dev.forge.testkit.ivr.FakeIvrPlatform;
import dev.forge.testkit.ivr.LoopbackServerContainer;
import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;
import org.glassfish.tyrus.client.ClientManager;
import org.glassfish.tyrus.container.grizzly.client.GrizzlyClientContainer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One component apply round trip, and one request/reply, through {@link IvrClient} and raw, side by side on the
 * same loopback:
 * <ul>
 *   <li>{@code rawEcho}: a stock Tyrus client sends an apply-sized frame to an echo endpoint and waits for it to
 *       come back: the floor of any request/answer on this machine;</li>
 *   <li>{@code rawApply}: a stock Tyrus client applies a playback on a session it accepted on
 *       {@link FakeIvrPlatform} with hand-built frames and waits for its {@code ivrapi_component_stopped}
 *       (the fake stops it at once; the {@code ivrapi_component_apply_result} before it is passed over): the
 *       protocol's cost without Forge's client;</li>
 *   <li>{@code rawApplyQuiet}: the same on a Tyrus container tuned as {@code IvrClient} tunes its own
 *       ({@link QuietIdleTimer}): the same transport as the client, so the difference is the client's code;</li>
 *   <li>{@code clientApply}: {@link IvrSession#apply} of the same playback through {@link IvrClient} on the same
 *       fake, until its {@code ComponentResult}: the same two frames back;</li>
 *   <li>{@code rawRequest}, {@code rawRequestQuiet}, {@code clientRequest} (async) and
 *       {@code clientRequestBlocking}: a {@code connection_info} request and its reply, raw and through the
 *       client's request layer.</li>
 * </ul>
 * What the client adds (target: at most 20 µs at p50) is {@code clientApply - rawApply} against stock Tyrus, and
 * {@code clientApply - rawApplyQuiet} for its code alone. Every method waits on a future completed by the
 * socket's thread, so thread hand-offs count on all sides. {@link IvrApplyPaired} runs the same methods in
 * alternating blocks in one JVM.
 *
 * <p>Run: {@code java -jar forge-benchmarks/target/benchmarks.jar IvrApplyBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 4, time = 5)
@Fork(2)
public class IvrApplyBenchmark {

    private static final String TOKEN = "bench-token";
    private static final String FILE = ":GS_PUB/prompts/menu.wav";

    private FakeIvrPlatform platform;
    private LoopbackServerContainer echoServer;
    private IvrClient client;
    private IvrSession session;
    private RawClient echo;
    private RawClient raw;
    private RawClient rawQuiet;
    private long oId = 5_000_000_000L;
    private final Component playback = Component.playback(FILE);

    /**
     * A WebSocket client with nothing on top: the message that answers a call (the first one starting with the
     * prefix the call names, or any message) completes the future the caller waits on; others are dropped.
     */
    static final class RawClient extends Endpoint {
        private record Waiting(String prefix, CompletableFuture<String> answer) {
        }

        final AtomicReference<Waiting> pending = new AtomicReference<>();
        Session socket;

        @Override
        public void onOpen(Session s, EndpointConfig config) {
            s.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
                Waiting w = pending.get();
                if (w != null && (w.prefix == null || text.startsWith(w.prefix)) && pending.compareAndSet(w, null)) {
                    w.answer.complete(text);
                }
            });
        }

        /** Arms the wait for the next message starting with {@code answerPrefix} (null: any message). */
        CompletableFuture<String> expect(String answerPrefix) {
            CompletableFuture<String> f = new CompletableFuture<>();
            pending.set(new Waiting(answerPrefix, f));
            return f;
        }

        String call(String text, String answerPrefix) throws Exception {
            CompletableFuture<String> f = expect(answerPrefix);
            socket.getBasicRemote().sendText(text);
            return f.get(10, TimeUnit.SECONDS);
        }

        /**
         * @param quiet with the Tyrus tuning IvrClient applies to its own container ({@link QuietIdleTimer});
         *              without it, stock Tyrus
         */
        static RawClient connect(URI uri, boolean quiet) throws Exception {
            // the same Tyrus client transport as IvrClient's (Grizzly), so that only the client differs
            ClientManager container = ClientManager.createClient(GrizzlyClientContainer.class.getName());
            if (quiet && !QuietIdleTimer.apply(container)) {
                throw new IllegalStateException("Tyrus' timer is not the executor QuietIdleTimer knows");
            }
            RawClient c = new RawClient();
            c.socket = container.connectToServer(c, ClientEndpointConfig.Builder.create().build(), uri);
            return c;
        }
    }

    /** Echoes every text frame. */
    public static final class Echo extends Endpoint {
        @Override
        public void onOpen(Session s, EndpointConfig config) {
            s.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> s.getAsyncRemote().sendText(text));
        }
    }

    @Setup
    public void setUp() throws Exception {
        platform = FakeIvrPlatform.start(TOKEN);
        platform.autoStop(Duration.ZERO);

        CompletableFuture<IvrSession> taken = new CompletableFuture<>();
        client = IvrClient.connect(platform.endpoint(), TOKEN, IvrOptions.builder().build());
        client.control(ControlOptions.builder().key("client").build(), taken::complete);
        platform.startCall("client-1", "client", "dialog");
        session = taken.get(10, TimeUnit.SECONDS);

        raw = acceptRaw("raw", false);
        rawQuiet = acceptRaw("quiet", true);

        echoServer = new LoopbackServerContainer();
        echoServer.addEndpoint(ServerEndpointConfig.Builder.create(Echo.class, "/echo").build());
        echoServer.start("/", 0);
        echo = RawClient.connect(URI.create("ws://127.0.0.1:" + echoServer.getPort() + "/echo"), false);
    }

    /** A raw client that subscribed and accepted call {@code key}-1 (key {@code key}) with hand-built frames. */
    private RawClient acceptRaw(String key, boolean quiet) throws Exception {
        IvrCodec codec = new IvrCodec();
        String ivrid = key + "-1";
        RawClient c = RawClient.connect(platform.tokenUrl(), quiet);
        c.call(codec.encode(new IvrRequest.Subscribe(Qid.of(1), "ivrevents", "bench-" + key, 3600, Map.of())),
                "[\"subscribe_result\"");
        CompletableFuture<String> start = c.expect("[\"notify\"");
        platform.startCall(ivrid, key, "dialog");
        start.get(10, TimeUnit.SECONDS);
        c.call(codec.encode(new IvrRequest.SessionCommand(IvrRequest.Command.ACCEPT, Qid.of(2), key, ivrid,
                Map.of())), "[\"ivrapi_accept_result\"");
        String stop = apply(c, key);
        if (!stop.contains("\"oId\":" + oId)) { // each raw apply must wait for its own component's stop
            throw new IllegalStateException("the raw apply was answered by " + stop);
        }
        return c;
    }

    private String apply(RawClient c, String key) throws Exception {
        return c.call(applyText(key, key + "-1", ++oId), "[\"ivrapi_component_stopped\"");
    }

    private String connectionInfo(RawClient c) throws Exception {
        return c.call("[\"connection_info\",{\"qid\":" + (++oId) + "}]", "[\"connection_info_result\"");
    }

    private String applyText(String key, String ivrid, long id) {
        return "[\"ivrapi_component_apply\",{\"qid\":" + id + ",\"key\":\"" + key + "\",\"ivrid\":\"" + ivrid
                + "\",\"data\":{\"oType\":204,\"mode\":0,\"file\":\"" + FILE + "\",\"oId\":" + id + "}}]";
    }

    @Benchmark
    public String rawEcho() throws Exception {
        return echo.call(applyText("raw", "raw-1", ++oId), null);
    }

    @Benchmark
    public String rawApply() throws Exception {
        return apply(raw, "raw");
    }

    /** {@link #rawApply} on a Tyrus container tuned as IvrClient tunes its own: the same transport as the client. */
    @Benchmark
    public String rawApplyQuiet() throws Exception {
        return apply(rawQuiet, "quiet");
    }

    /** A {@code connection_info} request and its reply through the client's request layer: codec and correlation. */
    @Benchmark
    public Object clientRequest() throws Exception {
        return client.connectionInfoAsync().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The same request through the blocking facade, whose reply completes on the thread that read it. */
    @Benchmark
    public Object clientRequestBlocking() {
        return client.connectionInfo();
    }

    /** The same request, raw. */
    @Benchmark
    public String rawRequest() throws Exception {
        return connectionInfo(raw);
    }

    /** The same request, raw, on the tuned Tyrus container. */
    @Benchmark
    public String rawRequestQuiet() throws Exception {
        return connectionInfo(rawQuiet);
    }

    @Benchmark
    public Object clientApply() throws Exception {
        return session.apply(playback).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @TearDown
    public void tearDown() throws Exception {
        client.close();
        raw.socket.close();
        rawQuiet.socket.close();
        echo.socket.close();
        echoServer.stop();
        platform.close();
    }

    /** Keeps Jackson's node factory loaded before measuring (the fake and client use it). */
    static {
        JsonNodeFactory.instance.objectNode();
    }
}
