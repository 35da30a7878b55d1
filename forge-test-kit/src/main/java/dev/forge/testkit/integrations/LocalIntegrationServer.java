package dev.forge.testkit.integrations;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.EgressPolicy;
import dev.forge.EngineOptions;
import dev.forge.InMemoryDatastore;
import dev.forge.integrations.CallControl;
import dev.forge.integrations.HookOutcome;
import dev.forge.integrations.Integration;
import dev.forge.integrations.IntegrationHost;
import dev.forge.integrations.IntegrationHttp;
import dev.forge.integrations.IntegrationHttpServer;
import dev.forge.integrations.IntegrationRegistry;
import dev.forge.integrations.PbxEvent;
import dev.forge.integrations.WebRequest;
import dev.forge.integrations.WebResponse;
import dev.forge.spi.Datastore;
import dev.forge.testkit.internal.TestJson;

import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Integrations served on loopback for trying them out and testing them: what {@code forge integrations serve}
 * runs. Every integration is enabled for every tenant. Besides {@link IntegrationHttp}'s paths it takes
 * events: {@code POST /events/group}, {@code /events/agent} and {@code /events/cdr} with the event's JSON raise
 * it and answer {@code 200} with the hooks' outcomes as a JSON array, or {@code 400} with
 * {@code {"error": "..."}} naming what is wrong with the event.
 *
 * <pre>{@code
 * try (LocalIntegrationServer server = LocalIntegrationServer.builder(IntegrationFolder.loadAll(dir)).start()) {
 *     server.uri();   // http://127.0.0.1:<port>
 * }
 * }</pre>
 *
 * <p>Secrets are sealed with a random key made at start, so they live as long as the (in-memory, unless given)
 * datastore does.
 *
 * <p>Thread-safety: thread-safe; {@link #close()} is idempotent.
 *
 * @since 0.1.0
 */
public final class LocalIntegrationServer implements AutoCloseable {

    private final IntegrationHost host;
    private final IntegrationHttpServer server;

    private LocalIntegrationServer(IntegrationHost host, IntegrationHttpServer server) {
        this.host = host;
        this.server = server;
    }

    public static Builder builder(List<Integration> integrations) {
        return new Builder(integrations);
    }

    /** The base URI, e.g. {@code http://127.0.0.1:8080}. */
    public URI uri() {
        return server.uri();
    }

    public int port() {
        return server.port();
    }

    public IntegrationHost host() {
        return host;
    }

    /** Answers one request as the server does (events, then the integrations' paths). */
    static CompletableFuture<WebResponse> handle(IntegrationHost host, IntegrationHttp http, WebRequest request) {
        String path = request.path();
        if (!path.startsWith("/events/")) {
            return http.handle(request);
        }
        String kind = path.substring("/events/".length());
        if (!List.of("group", "agent", "cdr").contains(kind)) {
            return CompletableFuture.completedFuture(error(404, "no such event kind '" + kind + "'; POST to /events/group, "
                    + "/events/agent or /events/cdr"));
        }
        if (!request.method().equals("POST")) {
            return CompletableFuture.completedFuture(error(405, "POST the event's JSON to " + path));
        }
        PbxEvent event;
        try {
            event = PbxEvent.parse(kind, request.body());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(error(400, e.getMessage()));
        }
        return host.raise(event).thenApply(outcomes -> WebResponse.of(200, "application/json; charset=utf-8",
                TestJson.write(outcomes(outcomes))));
    }

    /** The hooks' outcomes as the server answers them. */
    public static ArrayNode outcomes(List<HookOutcome> outcomes) {
        ArrayNode array = TestJson.MAPPER.createArrayNode();
        for (HookOutcome o : outcomes) {
            ObjectNode item = array.addObject();
            item.put("identifier", o.identifier());
            item.put("hook", o.hook());
            item.put("present", o.present());
            item.set("outcome", TestJson.parse("outcome", o.outcome().toJson()));
        }
        return array;
    }

    private static WebResponse error(int status, String message) {
        ObjectNode body = TestJson.object();
        body.put("error", message);
        return WebResponse.of(status, "application/json; charset=utf-8", TestJson.write(body));
    }

    /** Stops serving and closes the host (never the datastore or call control given to the builder). */
    @Override
    public void close() {
        server.close();
        host.close();
    }

    /** Builds a {@link LocalIntegrationServer}. Not thread-safe. */
    public static final class Builder {
        private final List<Integration> integrations;
        private int port;
        private EgressPolicy egress = EgressPolicy.DENY_ALL;
        private CallControl callControl = new FakeCallControl();
        private Datastore datastore = new InMemoryDatastore();
        private EngineOptions engineOptions = EngineOptions.DEFAULT;
        private int traceLevel = IntegrationHost.DEFAULT_TRACE_LEVEL;

        private Builder(List<Integration> integrations) {
            this.integrations = List.copyOf(Objects.requireNonNull(integrations, "integrations"));
        }

        /** The port on 127.0.0.1; 0 (the default) for any free one. */
        public Builder port(int value) {
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException("port: must be 0 to 65535, got " + value);
            }
            this.port = value;
            return this;
        }

        public Builder egress(EgressPolicy value) {
            this.egress = Objects.requireNonNull(value, "egress");
            return this;
        }

        public Builder callControl(CallControl value) {
            this.callControl = Objects.requireNonNull(value, "callControl");
            return this;
        }

        public Builder datastore(Datastore value) {
            this.datastore = Objects.requireNonNull(value, "datastore");
            return this;
        }

        /**
         * Which {@code console.trace} levels are logged: 0 (least) to 9 (everything); 5 by default. Checked by
         * {@link IntegrationHost.Builder#traceLevel} when the server starts.
         */
        public Builder traceLevel(int value) {
            this.traceLevel = value;
            return this;
        }

        /** The engine's options: where the backends' V8 runs (process isolation by default), how it is confined. */
        public Builder engineOptions(EngineOptions value) {
            this.engineOptions = Objects.requireNonNull(value, "engineOptions");
            return this;
        }

        /** Starts the host and the server on 127.0.0.1. */
        public LocalIntegrationServer start() throws IOException {
            IntegrationRegistry registry = new IntegrationRegistry();
            integrations.forEach(registry::register);
            if (!integrations.isEmpty()) {
                registry.enable(IntegrationRegistry.ALL_TENANTS,
                        integrations.stream().map(Integration::identifier).toArray(String[]::new));
            }
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            IntegrationHost host = IntegrationHost.builder(registry).datastore(datastore).secretKey(key)
                    .callControl(callControl).egress(egress).traceLevel(traceLevel)
                    .forge(b -> b.engineOptions(engineOptions)).build();
            try {
                // a development server on loopback: the tenant is whatever the Host header names (documented)
                IntegrationHttp http = IntegrationHttp.builder(host).domainResolver(IntegrationHttp::hostDomain).build();
                IntegrationHttpServer server = IntegrationHttpServer.start(request -> handle(host, http, request), port);
                return new LocalIntegrationServer(host, server);
            } catch (IOException | RuntimeException e) {
                host.close();
                throw e;
            }
        }
    }
}
