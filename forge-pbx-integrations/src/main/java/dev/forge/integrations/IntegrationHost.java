package dev.forge.integrations;

import dev.forge.EgressPolicy;
import dev.forge.Forge;
import dev.forge.InMemoryDatastore;
import dev.forge.Invocation;
import dev.forge.Limits;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.integrations.internal.HookContext;
import dev.forge.integrations.internal.IntegrationBindings;
import dev.forge.integrations.internal.IntegrationScripts;
import dev.forge.integrations.internal.SecretBox;
import dev.forge.integrations.internal.SystemHttp;
import dev.forge.spi.Datastore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs integrations for the PBX: raises its events into their hooks, answers HTTP requests with
 * {@code onhttp}, and keeps their settings.
 *
 * <pre>{@code
 * try (IntegrationHost host = IntegrationHost.builder(registry)
 *         .datastore(datastore)                 // where settings live
 *         .secretKey(key)                       // seals their secrets (AES)
 *         .callControl(pbxCalls)                // behind startCall / endCall
 *         .egress(EgressPolicy.builder().allow(EgressPolicy.ALL_TENANTS, "crm.example.com:443").build())
 *         .build()) {
 *     host.raise(groupEvent);                   // every integration the tenant enabled gets ongroup(data)
 * }
 * }</pre>
 *
 * <h2>Isolation</h2>
 * Each integration's backend is one Forge App in its own isolate with its own {@link Limits} (the
 * integration's, or the host's): a hook that throws fails only its own invocation; a synchronous stretch of
 * a hook that runs longer than the limit's timeout is terminated and that invocation ends as timed out. Time a
 * hook spends waiting for {@code system.http} and timers is bounded by the hook timeout
 * ({@link #DEFAULT_HOOK_TIMEOUT}), and for {@code onhttp} by the HTTP timeout ({@link #DEFAULT_HTTP_TIMEOUT}).
 * The hooks of different integrations run independently, on the engine's threads.
 *
 * <h2>Network</h2>
 * {@code system.http} and {@code fetch} reach only what the {@link EgressPolicy} allows, looked up by the
 * integration's identifier (or {@link EgressPolicy#ALL_TENANTS}); nothing by default.
 *
 * <h2>Settings</h2>
 * {@link #settings()} keeps what the front ends save and {@code loadIntr} / {@code saveIntr} use, on the
 * builder's datastore. The backends' own {@code datastore} global is Forge's, a separate one, namespaced by the
 * integration's identifier.
 *
 * <p>Thread-safety: thread-safe. {@link #close()} closes the Forge it made, never the datastore or call
 * control the host passed in; it is idempotent.
 *
 * @since 0.1.0
 */
public final class IntegrationHost implements AutoCloseable {

    /** How long a hook's work (its awaits included) may take: 30 seconds. */
    public static final Duration DEFAULT_HOOK_TIMEOUT = Duration.ofSeconds(30);
    /** How long {@code onhttp} has to call back: 10 seconds. */
    public static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofSeconds(10);
    /** How long {@code loadIntr} and {@code saveIntr} wait for the datastore: 5 seconds. */
    public static final Duration DEFAULT_STORE_WAIT = Duration.ofSeconds(5);
    /**
     * The default {@link Builder#traceLevel}: 5, so that {@code console.trace('SCRIPT', 5, ...)}, as the
     * framework's own examples log, shows.
     */
    public static final int DEFAULT_TRACE_LEVEL = 5;
    /** The value a backend's entry gives for a hook it does not define. */
    private static final String ABSENT = "\"forge:no-hook\"";

    private static final Logger LOG = LoggerFactory.getLogger(IntegrationHost.class);

    private final IntegrationRegistry registry;
    private final IntegrationSettings settings;
    private final Forge forge;
    private final Limits limits;
    private final Duration hookTimeout;
    private final Duration httpTimeout;
    private final Map<String, Integration> loaded = new ConcurrentHashMap<>();
    private final SystemHttp http;
    private final AtomicBoolean closed = new AtomicBoolean();

    private IntegrationHost(Builder b) {
        this.registry = b.registry;
        this.settings = new IntegrationSettings(b.datastore, b.secretKey);
        this.limits = b.limits;
        this.hookTimeout = b.hookTimeout;
        this.httpTimeout = b.httpTimeout;
        this.http = new SystemHttp(b.egress);
        IntegrationBindings bindings = new IntegrationBindings(settings, http, b.callControl,
                b.storeWait, b.hookTimeout.compareTo(b.httpTimeout) > 0 ? b.hookTimeout : b.httpTimeout,
                registry::isEnabled, b.traceLevel);
        Forge.Builder forgeBuilder = Forge.builder().egress(b.egress).limits(b.limits);
        b.forge.accept(forgeBuilder);
        this.forge = forgeBuilder.bindings(bindings).build();
    }

    /** A builder for a host that runs the integrations of {@code registry}. */
    public static Builder builder(IntegrationRegistry registry) {
        return new Builder(registry);
    }

    public IntegrationRegistry registry() {
        return registry;
    }

    /** The integrations' settings: what the front ends load and save. */
    public IntegrationSettings settings() {
        return settings;
    }

    /** The Forge that runs the backends (for its stats); do not close it, close this host. */
    public Forge forge() {
        return forge;
    }

    /**
     * Raises an event into the matching hook of every integration its tenant enabled. The future completes
     * when every hook has ended, with one outcome per integration; it never fails for a hook's misbehaviour.
     *
     * @throws IllegalStateException if this host is closed
     */
    public CompletableFuture<List<HookOutcome>> raise(PbxEvent event) {
        Objects.requireNonNull(event, "event");
        checkOpen();
        String args = "[" + event.toJson() + "]";
        List<CompletableFuture<HookOutcome>> running = new ArrayList<>();
        for (Integration integration : registry.enabled(event.tenant())) {
            running.add(invoke(integration, event.hook(), args, event.callid(),
                    new HookContext(integration.identifier(), event.hook(), event.tenant(), null), hookTimeout));
        }
        return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new))
                .thenApply(v -> running.stream().map(CompletableFuture::join).toList());
    }

    /**
     * Answers an HTTP request with the {@code onhttp} hook of the integration it names. The answer is what the
     * hook gave its callback; or 404 when there is no such integration, the request's tenant has not enabled it
     * or it has no {@code onhttp}, 500 when
     * the hook failed before calling back, 503 when the engine is overloaded, and 504 when it did not call back
     * within the HTTP timeout. The future never fails.
     *
     * @throws IllegalStateException if this host is closed
     */
    public CompletableFuture<IntegrationResponse> http(IntegrationRequest request) {
        Objects.requireNonNull(request, "request");
        checkOpen();
        Integration integration = registry.find(request.identifier()).orElse(null);
        if (integration == null) {
            return CompletableFuture.completedFuture(IntegrationResponse.text(404, "Not Found",
                    "no integration '" + request.identifier() + "'\n"));
        }
        if (request.domain() != null && !registry.isEnabled(request.domain(), integration.identifier())) {
            return CompletableFuture.completedFuture(IntegrationResponse.text(404, "Not Found", "integration '"
                    + integration.identifier() + "' is not enabled for " + request.domain() + "\n"));
        }
        CompletableFuture<IntegrationResponse> answer = new CompletableFuture<>();
        HookContext ctx = new HookContext(integration.identifier(), "onhttp", request.domain(), answer);
        invoke(integration, "onhttp", "[" + request.toJson() + "]", null, ctx, httpTimeout).thenAccept(done -> {
            Outcome outcome = done.outcome();
            if (!done.present()) {
                answer.complete(IntegrationResponse.text(404, "Not Found",
                        "integration '" + integration.identifier() + "' has no onhttp\n"));
            } else if (outcome instanceof Outcome.TimedOut) {
                answer.complete(IntegrationResponse.text(504, "Gateway Timeout", "integration '"
                        + integration.identifier() + "' did not answer within " + httpTimeout.toMillis() + " ms\n"));
            } else if (outcome instanceof Outcome.Overloaded) {
                answer.complete(IntegrationResponse.text(503, "Service Unavailable", "integration '"
                        + integration.identifier() + "' is overloaded\n"));
            } else if (!outcome.isOk()) {
                answer.complete(IntegrationResponse.text(500, "Internal Server Error", "integration '"
                        + integration.identifier() + "' failed; see the PBX's log\n"));
            } else {
                // the hook ended well after calling back (the answer is already there) or without ever calling back
                answer.complete(IntegrationResponse.text(500, "Internal Server Error", "integration '"
                        + integration.identifier() + "' ended without calling back\n"));
            }
        });
        // the callback completes the answer on the isolate's thread: whatever waits for it runs elsewhere
        return answer.thenApplyAsync(response -> response);
    }

    private CompletableFuture<HookOutcome> invoke(Integration integration, String hook, String args, String callId,
                                                  HookContext ctx, Duration timeout) {
        String id = integration.identifier();
        if (integration.backend().isBlank()) {
            return CompletableFuture.completedFuture(new HookOutcome(id, hook, false, new Outcome.Ok("null", 0)));
        }
        Script script = ensureLoaded(integration);
        Invocation invocation = Invocation.builder(script.id())
                .call(hook, args)
                .callId(callId)
                .attachment(ctx)
                .timeout(timeout)
                .stretch(script.limitsOr(limits).timeout())
                .build();
        return forge.invokeAsync(invocation).thenApply(outcome -> report(id, hook, outcome));
    }

    private HookOutcome report(String identifier, String hook, Outcome outcome) {
        if (outcome instanceof Outcome.Ok ok && ABSENT.equals(ok.dataJson())) {
            return new HookOutcome(identifier, hook, false, new Outcome.Ok("null", ok.micros()));
        }
        if (outcome instanceof Outcome.Failed failed) {
            LOG.warn("integration {}: {} failed ({}): {}", identifier, hook, failed.error().kind().id(),
                    failed.error().getMessage());
        } else if (outcome instanceof Outcome.TimedOut) {
            LOG.warn("integration {}: {} ran past its time limit and was stopped", identifier, hook);
        } else if (outcome instanceof Outcome.Overloaded o) {
            LOG.warn("integration {}: {} was not run: {}", identifier, hook, o.why());
        }
        return new HookOutcome(identifier, hook, true, outcome);
    }

    /** The backend's script in Forge, (re)loaded when the registry holds a different definition. */
    private Script ensureLoaded(Integration integration) {
        Script script = IntegrationScripts.script(integration, limits);
        Integration before = loaded.get(integration.identifier());
        if (!integration.equals(before)) {
            synchronized (loaded) {
                if (!integration.equals(loaded.get(integration.identifier()))) {
                    if (loaded.containsKey(integration.identifier())) {
                        forge.unload(script.id());
                    }
                    forge.load(script);
                    loaded.put(integration.identifier(), integration);
                }
            }
        }
        return script;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("IntegrationHost is closed");
        }
    }

    /**
     * Closes the Forge running the backends (hooks still running end as cancelled) and ends the
     * {@code system.http} requests in flight. Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            forge.close();
            http.close();
        }
    }

    /** Builds an {@link IntegrationHost}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private final IntegrationRegistry registry;
        private Datastore datastore;
        private SecretKey secretKey;
        private CallControl callControl = CallControl.UNSUPPORTED;
        private EgressPolicy egress = EgressPolicy.DENY_ALL;
        private Limits limits = Limits.DEFAULT;
        private Duration hookTimeout = DEFAULT_HOOK_TIMEOUT;
        private Duration httpTimeout = DEFAULT_HTTP_TIMEOUT;
        private Duration storeWait = DEFAULT_STORE_WAIT;
        private int traceLevel = DEFAULT_TRACE_LEVEL;
        private Consumer<Forge.Builder> forge = b -> { };

        private Builder(IntegrationRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** Where the settings live; an {@link InMemoryDatastore} by default. Never closed by the host. */
        public Builder datastore(Datastore value) {
            this.datastore = Objects.requireNonNull(value, "datastore");
            return this;
        }

        /** The AES key (128, 192 or 256 bits) that seals secret settings; required. */
        public Builder secretKey(SecretKey value) {
            this.secretKey = Objects.requireNonNull(value, "secretKey");
            return this;
        }

        /** The AES key as raw bytes (16, 24 or 32 of them). */
        public Builder secretKey(byte[] raw) {
            Objects.requireNonNull(raw, "secretKey");
            this.secretKey = new SecretKeySpec(raw.clone(), "AES");
            return this;
        }

        /** Behind {@code startCall} and {@code endCall}; {@link CallControl#UNSUPPORTED} by default. */
        public Builder callControl(CallControl value) {
            this.callControl = Objects.requireNonNull(value, "callControl");
            return this;
        }

        /** Where {@code system.http} and {@code fetch} may go, by integration identifier; nowhere by default. */
        public Builder egress(EgressPolicy value) {
            this.egress = Objects.requireNonNull(value, "egress");
            return this;
        }

        /** Limits for backends that carry none; {@link Limits#DEFAULT} by default. */
        public Builder limits(Limits value) {
            this.limits = Objects.requireNonNull(value, "limits");
            return this;
        }

        /** How long a hook's work, awaits included, may take; {@link #DEFAULT_HOOK_TIMEOUT} by default. */
        public Builder hookTimeout(Duration value) {
            this.hookTimeout = positive("hookTimeout", value);
            return this;
        }

        /** How long {@code onhttp} has to call back; {@link #DEFAULT_HTTP_TIMEOUT} by default. */
        public Builder httpTimeout(Duration value) {
            this.httpTimeout = positive("httpTimeout", value);
            return this;
        }

        /** How long {@code loadIntr} / {@code saveIntr} wait for the datastore; {@link #DEFAULT_STORE_WAIT}. */
        public Builder storeWait(Duration value) {
            this.storeWait = positive("storeWait", value);
            return this;
        }

        /**
         * Which {@code console.trace(category, level, domain, message)} lines are logged: those whose level is at
         * most this, on the framework's scale of 0 (the worst problems only) to 9 (everything);
         * {@link #DEFAULT_TRACE_LEVEL} by default. Levels 0-1 log at ERROR, 2 at WARN, the rest at INFO, on the
         * logger {@code forge.script.<tenant>} as the rest of a backend's console.
         */
        public Builder traceLevel(int value) {
            if (value < 0 || value > 9) {
                throw new IllegalArgumentException("traceLevel: must be 0 (least) to 9 (everything), got " + value);
            }
            this.traceLevel = value;
            return this;
        }

        /**
         * Adjusts the Forge that runs the backends (engine options, listener, the backends' own datastore,
         * modules); the host sets its egress, limits and bindings.
         */
        public Builder forge(Consumer<Forge.Builder> customizer) {
            this.forge = Objects.requireNonNull(customizer, "forge");
            return this;
        }

        /**
         * Builds the host and starts its Forge.
         *
         * @throws IllegalArgumentException naming the field that is missing or wrong
         * @throws IllegalStateException    if no script engine is on the class path
         */
        public IntegrationHost build() {
            if (secretKey == null) {
                throw new IllegalArgumentException("secretKey: required; give the AES key (128, 192 or 256 bits) that "
                        + "seals the integrations' secret settings, e.g. from the host's key store");
            }
            SecretBox.check(secretKey);
            if (datastore == null) {
                datastore = new InMemoryDatastore();
            }
            return new IntegrationHost(this);
        }

        private static Duration positive(String field, Duration value) {
            Objects.requireNonNull(value, field);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(field + ": must be positive, got " + value.toMillis() + " ms");
            }
            return value;
        }
    }
}
