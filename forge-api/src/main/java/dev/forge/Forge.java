package dev.forge;

import dev.forge.driver.AlertDriver;
import dev.forge.driver.DidDriver;
import dev.forge.spi.Bindings;
import dev.forge.spi.Datastore;
import dev.forge.spi.EngineConfig;
import dev.forge.spi.EngineStats;
import dev.forge.spi.HostServices;
import dev.forge.spi.ModuleRegistry;
import dev.forge.spi.ScriptEngine;
import dev.forge.spi.ScriptEngineProvider;
import dev.forge.spi.ScriptStore;
import dev.forge.spi.Transport;
import dev.forge.spi.VoiceChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The entry point: runs tenants' scripts for the host.
 *
 * <pre>{@code
 * try (Forge forge = Forge.builder().build()) {
 *     forge.load(Script.of("acme", "route", ScriptKind.SCRIPT,
 *             "function main(data) { data.routing.note = 'hi'; return data; }"));
 *     Outcome outcome = forge.invoke("acme/route", "{\"routing\":{}}");
 * }
 * }</pre>
 *
 * <p>The engine is found with {@link ServiceLoader} (add {@code forge-engine-v8}) unless the builder is
 * given one. A host adds, replaces and removes scripts with {@link #load} and {@link #unload}. Scripts are
 * looked up in the {@link ScriptStore} on every call, so a script that another node (or the host, through the
 * store it gave the builder) puts in a shared store takes effect on the next call, in a fresh isolate.
 *
 * <p>Every misbehaviour of a script is an {@link Outcome}; {@code invoke} throws only for the host's
 * mistakes: an unknown script id, a closed Forge, or bad arguments.
 *
 * <p>Thread-safety: thread-safe; one instance serves the whole host. {@link #close()} closes the engine
 * it made, never the store, datastore or transport the host passed in.
 *
 * @since 0.1.0
 */
public final class Forge implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Forge.class);

    /** The longest a voice call may last. */
    public static final Duration MAX_VOICE_CALL = Duration.ofHours(12);

    private final ScriptStore store;
    private final ScriptStore readOnlyStore;
    private final ScriptEngine engine;
    private final Limits limits;
    private final EngineOptions engineOptions;
    private final Datastore datastore;
    private final Transport transport;
    private final String engineName;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<String, Bindings> bindings;

    private Forge(Builder b, ScriptEngineProvider provider) {
        this.store = b.store != null ? b.store : new InMemoryScriptStore();
        this.readOnlyStore = new ReadOnlyScripts(store);
        this.limits = b.limits;
        this.engineOptions = b.engineOptions;
        this.transport = b.transport;
        this.engineName = provider.name();
        this.datastore = b.datastore != null ? b.datastore : new InMemoryDatastore();
        HostServices services = new HostServices(this.datastore,
                b.modules != null ? b.modules : DefaultModuleRegistry.standard(), b.egress, b.bindings);
        this.bindings = services.bindings();
        this.engine = Objects.requireNonNull(provider.create(new EngineConfig(b.limits, b.engineOptions, b.listener, services)),
                () -> "engine provider " + provider.name() + " returned no engine");
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The scripts this Forge finds, to read: {@code find} and {@code list}. There is one way to add a script,
     * {@link #load} (which checks its bindings and builds its first isolate), and one to remove it,
     * {@link #unload}; {@code put} and {@code remove} on this view throw {@link UnsupportedOperationException}.
     */
    public ScriptStore scripts() {
        return readOnlyStore;
    }

    /**
     * Stores the script (replacing one with the same id) and returns it, for chaining. A replaced
     * script's isolates are closed, and the new version's first isolate is built before this returns, so
     * that its first call costs what a warm call costs (a script that does not compile is reported by its
     * invocations, not here).
     */
    public Script load(Script script) {
        Objects.requireNonNull(script, "script");
        if (script.bindings() != null && !bindings.containsKey(script.bindings())) {
            throw new IllegalArgumentException("bindings: script '" + script.id() + "' asks for '" + script.bindings()
                    + "', which this Forge does not have (registered: " + new TreeSet<>(bindings.keySet())
                    + "); register them with Forge.builder().bindings(...)");
        }
        Optional<Script> previous = store.find(script.id());
        store.put(script);
        if (previous.isPresent() && !previous.get().version().equals(script.version())) {
            engine.evict(script.id());
        }
        engine.prepare(script);
        return script;
    }

    /**
     * Removes the script from the store and closes its isolates (busy ones when their invocations end).
     *
     * @return whether the store had it
     */
    public boolean unload(String scriptId) {
        boolean had = store.remove(Objects.requireNonNull(scriptId, "scriptId"));
        engine.evict(scriptId);
        return had;
    }

    /** Runs the script with this id on {@code dataJson}, with the script's limits and the default timeout action. */
    public Outcome invoke(String scriptId, String dataJson) {
        return invoke(Invocation.builder(scriptId).data(dataJson).build());
    }

    /**
     * Runs an invocation and waits for its outcome. On a platform thread with a free isolate, the script
     * runs on the calling thread.
     *
     * @throws IllegalArgumentException if the store has no script with that id
     * @throws IllegalStateException if this Forge is closed
     */
    public Outcome invoke(Invocation invocation) {
        long start = System.nanoTime();
        return engine.invoke(resolve(invocation), invocation, start);
    }

    /**
     * Runs a Class 5 voice script for one call: {@code main(data, ctx)}, where {@code ctx}'s verbs act on
     * {@code channel}. The call has no overall deadline beyond {@link #MAX_VOICE_CALL}, but each synchronous
     * stretch of the script (from one await to the next) gets the script's time limit. Many calls of one
     * script share its isolate, interleaved at their awaits.
     *
     * @param scriptId a script made with {@link #voiceScript}, or any App with {@code withBindings("voice")}
     * @param dataJson what {@code main} gets as {@code data}
     * @return completes when {@code main} has settled: ok with what it returned, or how it failed
     * @throws IllegalArgumentException if the store has no such script, or it is not a voice script
     */
    public CompletableFuture<Outcome> invokeVoice(String scriptId, VoiceChannel channel, String dataJson) {
        Objects.requireNonNull(channel, "channel");
        Script script = store.find(Objects.requireNonNull(scriptId, "scriptId")).orElseThrow(() ->
                new IllegalArgumentException("scriptId: no script '" + scriptId + "' in the store"));
        if (!VoiceBindings.NAME.equals(script.bindings())) {
            throw new IllegalArgumentException("scriptId: '" + scriptId + "' is not a voice script; make it with "
                    + "Forge.voiceScript(...) or script.withBindings(\"voice\")");
        }
        return invokeAsync(Invocation.builder(scriptId).data(dataJson).callId(channel.callId()).attachment(channel)
                .timeout(MAX_VOICE_CALL).stretch(script.limitsOr(limits).timeout()).build());
    }

    /** A Class 5 voice script: an App whose {@code main(data, ctx)} drives a call through {@code ctx}. */
    public static Script voiceScript(String tenant, String name, String source) {
        return Script.of(tenant, name, ScriptKind.APP, source).withBindings(VoiceBindings.NAME);
    }

    /** Runs an invocation on the engine's threads; the future completes with its outcome. */
    public CompletableFuture<Outcome> invokeAsync(Invocation invocation) {
        long start = System.nanoTime();
        return engine.invokeAsync(resolve(invocation), invocation, start);
    }

    /**
     * Runs a form-submission script: {@code main(data)} gets the form's fields as an object of strings
     * and its return value is the response.
     */
    public Outcome submitForm(String scriptId, java.util.Map<String, String> fields) {
        Objects.requireNonNull(fields, "fields");
        com.fasterxml.jackson.databind.node.ObjectNode data = dev.forge.internal.Json.object();
        new java.util.TreeMap<>(fields).forEach(data::put);
        return invoke(Invocation.builder(scriptId).data(data).build());
    }

    /** A typed view of a DID driver script: each method calls the script's exported function of that name. */
    public DidDriver didDriver(String scriptId) {
        return new Drivers.Did(this, requireDriver(scriptId));
    }

    /** A typed view of an alert driver script. */
    public AlertDriver alertDriver(String scriptId) {
        return new Drivers.Alert(this, requireDriver(scriptId));
    }

    private String requireDriver(String scriptId) {
        Script script = store.find(Objects.requireNonNull(scriptId, "scriptId")).orElseThrow(() ->
                new IllegalArgumentException("scriptId: no script '" + scriptId + "' in the script store; load it first"));
        if (script.kind() != ScriptKind.DRIVER) {
            throw new IllegalArgumentException("scriptId: '" + scriptId + "' is of type " + script.kind().id()
                    + ", not driver; load it with ScriptKind.DRIVER");
        }
        return scriptId;
    }

    private Script resolve(Invocation invocation) {
        Objects.requireNonNull(invocation, "invocation");
        if (closed.get()) {
            throw new IllegalStateException("Forge is closed");
        }
        return store.find(invocation.scriptId()).orElseThrow(() -> new IllegalArgumentException(
                "scriptId: no script '" + invocation.scriptId() + "' in the script store; load it first"));
    }

    public Limits limits() {
        return limits;
    }

    public EngineOptions engineOptions() {
        return engineOptions;
    }

    /** The datastore behind Apps' {@code datastore} global: the builder's, or an {@link InMemoryDatastore}. */
    public Datastore datastore() {
        return datastore;
    }

    /** The transport given to the builder, if any. */
    public Optional<Transport> transport() {
        return Optional.ofNullable(transport);
    }

    /** The engine's name, e.g. {@code v8}. */
    public String engineName() {
        return engineName;
    }

    public EngineStats stats() {
        return engine.stats();
    }

    /** Closes the engine: invocations still queued end as cancelled. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            engine.close();
        }
    }

    /** Builds a {@link Forge}. Not thread-safe. */
    public static final class Builder {
        private ScriptEngineProvider engine;
        private ScriptStore store;
        private Limits limits = Limits.DEFAULT;
        private EngineOptions engineOptions = EngineOptions.DEFAULT;
        private InvocationListener listener = InvocationListener.NONE;
        private Datastore datastore;
        private Transport transport;
        private ModuleRegistry modules;
        private EgressPolicy egress = EgressPolicy.DENY_ALL;
        private final Map<String, Bindings> bindings = new LinkedHashMap<>();

        private Builder() {
            bindings.put(VoiceBindings.NAME, VoiceBindings.INSTANCE);
        }

        /**
         * Registers extra bindings (voice scripts' {@code ctx}, integrations' hooks, a host's own) for the
         * scripts that ask for them by name.
         *
         * @throws IllegalArgumentException if two bindings share a name
         */
        public Builder bindings(Bindings... values) {
            for (Bindings b : values) {
                Objects.requireNonNull(b, "bindings");
                if (bindings.putIfAbsent(b.name(), b) != null && bindings.get(b.name()) != b) {
                    throw new IllegalArgumentException("bindings: two bindings are named '" + b.name() + "'");
                }
            }
            return this;
        }

        /** Where Apps' {@code require} and {@code import} resolve; {@link DefaultModuleRegistry#standard()} by default. */
        public Builder modules(ModuleRegistry value) {
            this.modules = Objects.requireNonNull(value, "modules");
            return this;
        }

        /** Which destinations Apps' {@code fetch} may reach; none by default. */
        public Builder egress(EgressPolicy value) {
            this.egress = Objects.requireNonNull(value, "egress");
            return this;
        }

        /** The engine to use instead of the one {@link ServiceLoader} finds. */
        public Builder engine(ScriptEngineProvider provider) {
            this.engine = Objects.requireNonNull(provider, "engine");
            return this;
        }

        /** Where scripts are kept; an {@link InMemoryScriptStore} by default. */
        public Builder scriptStore(ScriptStore value) {
            this.store = Objects.requireNonNull(value, "scriptStore");
            return this;
        }

        /** Limits for scripts that carry none of their own; {@link Limits#DEFAULT} by default. */
        public Builder limits(Limits value) {
            this.limits = Objects.requireNonNull(value, "limits");
            return this;
        }

        public Builder engineOptions(EngineOptions value) {
            this.engineOptions = Objects.requireNonNull(value, "engineOptions");
            return this;
        }

        public Builder listener(InvocationListener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        public Builder datastore(Datastore value) {
            this.datastore = Objects.requireNonNull(value, "datastore");
            return this;
        }

        public Builder transport(Transport value) {
            this.transport = Objects.requireNonNull(value, "transport");
            return this;
        }

        /**
         * Builds Forge and starts its engine.
         *
         * @throws IllegalStateException if no engine was given and none is on the class path
         */
        public Forge build() {
            return new Forge(this, engine != null ? engine : discover());
        }

        private static ScriptEngineProvider discover() {
            List<ScriptEngineProvider> found = new ArrayList<>();
            ServiceLoader.load(ScriptEngineProvider.class).forEach(found::add);
            if (found.isEmpty()) {
                throw new IllegalStateException("No Forge script engine found: add dev.forge:forge-engine-v8 to the "
                        + "class path, or pass an engine to Forge.builder().engine(...)");
            }
            found.sort(Comparator.comparing(ScriptEngineProvider::name));
            if (found.size() > 1) {
                LOG.warn("Several Forge script engines found ({}); using {}. Pass one to Forge.builder().engine(...) to choose.",
                        found.stream().map(ScriptEngineProvider::name).toList(), found.get(0).name());
            }
            return found.get(0);
        }
    }
}
