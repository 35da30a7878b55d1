package dev.forge.engine.v8.internal.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.EgressPolicy;
import dev.forge.egress.internal.EgressClient;
import dev.forge.engine.v8.internal.wire.Tags;
import dev.forge.internal.Json;
import dev.forge.spi.Bindings;
import dev.forge.spi.Datastore;
import dev.forge.spi.HostCall;
import dev.forge.spi.HostServices;
import dev.forge.spi.ModuleRegistry;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The host side of an App's asynchronous bindings: timers, the datastore, {@code fetch} and the host's
 * {@link Bindings}. Each operation starts here for an invocation the host dispatched (its tenant comes from
 * the host's own record of the script, never from the isolate), is tied to that invocation (so that it is
 * cancelled when the invocation ends), and posts its result back to the isolate's mailbox; it never blocks
 * the isolate's thread.
 *
 * <p>Results are tagged for the prelude (see {@link Tags}): a value, undefined, an error, or a timer fired.
 *
 * <p>Thread-safety: thread-safe.
 */
final class HostOps {

    private static final String UNDEFINED = String.valueOf(Tags.UNDEFINED);
    /** JavaScript's Number.MAX_SAFE_INTEGER: the largest integer below which every integer is exact. */
    static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
    private static final long FETCH_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final String TIMER = String.valueOf(Tags.TIMER);

    /** Where a host result goes: the isolate's mailbox. */
    interface Poster {
        void post(Slot slot, Slot.Delivery delivery);
    }

    private final HostServices services;
    private final ScheduledExecutorService timers;
    private final EgressClient http;
    private final Poster poster;

    HostOps(HostServices services, ScheduledExecutorService timers, Poster poster) {
        this.services = services;
        this.timers = timers;
        this.poster = poster;
        this.http = new EgressClient(services.egress());
    }

    /** Ends the fetches in flight and stops their threads. */
    void close() {
        http.close();
    }

    /**
     * Starts operation {@code id} of kind {@code kind} for {@code call}.
     *
     * @return null when started, else the error the script sees at once
     */
    String start(Slot isolate, Call call, int id, String kind, String argsJson) {
        JsonNode args;
        try {
            args = Json.parse("arguments", argsJson);
        } catch (IllegalArgumentException e) {
            return kind + ": " + e.getMessage();
        }
        String tenant = call.script.tenant();
        Datastore ds = services.datastore();
        try {
            switch (kind) {
                case "timeout", "interval" -> timer(isolate, call, id, args.path("ms").asLong(), kind.equals("interval"));
                case "ds.get" -> complete(isolate, call, id, ds.get(tenant, args.path("key").asText())
                        .thenApply(v -> v.map(json -> Tags.VALUE + json).orElse(Tags.VALUE + "null")));
                case "ds.set" -> complete(isolate, call, id, ds.set(tenant, args.path("key").asText(),
                        args.path("value").asText(), ttl(args)).thenApply(v -> UNDEFINED));
                case "ds.incr" -> complete(isolate, call, id, ds.incr(tenant, args.path("key").asText(),
                        step(args.get("by")), ttl(args)).thenApply(n -> Tags.VALUE + Long.toString(n)));
                case "ds.delete" -> complete(isolate, call, id, ds.delete(tenant, args.path("key").asText())
                        .thenApply(b -> Tags.VALUE + Boolean.toString(b)));
                case "ds.keys" -> complete(isolate, call, id, ds.keys(tenant, args.path("prefix").asText(""))
                        .thenApply(HostOps::jsonArray));
                case "fetch" -> {
                    String refused = fetch(isolate, call, id, tenant, args);
                    if (refused != null) {
                        return refused;
                    }
                }
                default -> {
                    Bindings bindings = isolate.script.bindings;
                    if (bindings == null || !kind.startsWith("x:")) {
                        return "unknown host operation " + kind;
                    }
                    String fn = kind.substring(2);
                    CompletionStage<String> stage;
                    try {
                        stage = bindings.call(hostCall(call), fn, argsJson);
                    } catch (RuntimeException e) {
                        return fn + ": " + message(e);
                    }
                    complete(isolate, call, id, stage.thenApply(json -> json == null ? UNDEFINED : Tags.VALUE + json));
                }
            }
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return null;
    }

    /** Runs a synchronous bindings function: a value, undefined, or an error's message, tagged. */
    static String startSync(Bindings bindings, Call call, String fn, String argsJson) {
        try {
            String json = bindings.callSync(hostCall(call), fn, argsJson);
            return json == null ? UNDEFINED : Tags.VALUE + json;
        } catch (RuntimeException e) {
            return Tags.ERROR + message(e);
        }
    }

    /** The host's answer to {@code require(name)} for {@code tenant}: CommonJS source, or why not. */
    String moduleSource(String tenant, String name) {
        ModuleRegistry modules = services.modules();
        Optional<ModuleRegistry.ModuleSource> found;
        try {
            found = modules.find(tenant, name);
        } catch (RuntimeException e) {
            return Tags.ERROR + "module '" + name + "' could not be loaded: " + e.getMessage();
        }
        if (found.isEmpty()) {
            return Tags.ERROR + "module '" + name + "' is not available to this script; allowed modules: "
                    + String.join(", ", modules.names(tenant));
        }
        return Tags.SOURCE + found.get().source();
    }

    private static HostCall hostCall(Call call) {
        return new HostCall(call.script, call.callId, call.attachment);
    }

    private void timer(Slot isolate, Call call, int id, long ms, boolean repeat) {
        Runnable fire = () -> post(isolate, call, id, TIMER);
        Future<?> f = repeat
                ? timers.scheduleAtFixedRate(fire, Math.max(1, ms), Math.max(1, ms), TimeUnit.MILLISECONDS)
                : timers.schedule(fire, ms, TimeUnit.MILLISECONDS);
        track(isolate, call, id, f);
    }

    /** Remembers a started host operation so that the script can cancel it and its call's end cancels it. */
    private static void track(Slot isolate, Call call, int id, Future<?> future) {
        isolate.operations.put(id, future);
        call.addOperation(future);
    }

    /** Queues a host result for {@code call}; any thread. */
    void post(Slot isolate, Call call, int operation, String payload) {
        if (!TIMER.equals(payload)) {
            isolate.operations.remove(operation);
        }
        if (!call.isDone()) {
            poster.post(isolate, new Slot.Delivery(call, operation, payload));
        }
    }

    /**
     * An {@code incr} step as the isolate sent it: an integer JavaScript holds exactly. The prelude checks the
     * same; this holds for a child that skips it. A JSON number past 2^53 was rounded before it was written, one
     * past a long would wrap in {@link JsonNode#asLong()}, and null is what NaN and Infinity become.
     *
     * @throws IllegalArgumentException naming the value
     */
    static long step(JsonNode by) {
        if (by == null || by.isMissingNode()) {
            return 1;
        }
        if (by.isIntegralNumber() && by.canConvertToLong()) {
            long v = by.longValue();
            if (v >= -MAX_SAFE_INTEGER && v <= MAX_SAFE_INTEGER) {
                return v;
            }
        } else if (by.isNumber()) {
            double d = by.doubleValue();
            if (d == Math.rint(d) && d >= -MAX_SAFE_INTEGER && d <= MAX_SAFE_INTEGER) {
                return (long) d;
            }
        }
        throw new IllegalArgumentException("datastore.incr: by must be an integer from " + -MAX_SAFE_INTEGER + " to "
                + MAX_SAFE_INTEGER + ", got " + by);
    }

    private static Duration ttl(JsonNode args) {
        JsonNode ttl = args.get("ttl");
        if (ttl == null || ttl.isNull()) {
            return null;
        }
        return Duration.ofMillis(Math.round(ttl.asDouble() * 1000));
    }

    private static String jsonArray(List<String> items) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        items.forEach(array::add);
        return Tags.VALUE + Json.write(array);
    }

    private void complete(Slot isolate, Call call, int id, CompletionStage<String> stage) {
        CompletableFuture<String> f = stage.toCompletableFuture();
        track(isolate, call, id, f);
        f.whenComplete((payload, error) -> post(isolate, call, id, error == null ? payload : Tags.ERROR + message(error)));
    }

    private static String message(Throwable error) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    // ---- fetch ----------------------------------------------------------------------------------------

    private String fetch(Slot isolate, Call call, int id, String tenant, JsonNode args) {
        String url = args.path("url").asText();
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return "fetch: '" + url + "' is not a URL";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            return "fetch: '" + url + "' is not an http or https URL";
        }
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        EgressPolicy egress = services.egress();
        if (!egress.allows(tenant, uri.getHost(), port)) {
            return "fetch: egress to " + uri.getHost() + ":" + port + " is not allowed for tenant '" + tenant
                    + "'; the host must allow it (forge run --allow-host " + uri.getHost() + ":" + port + ")";
        }
        List<EgressClient.Header> headers = new ArrayList<>();
        for (JsonNode pair : args.path("headers")) {
            headers.add(new EgressClient.Header(pair.path(0).asText(), pair.path(1).asText()));
        }
        JsonNode body = args.path("body");
        CompletableFuture<EgressClient.Response> sent;
        try {
            // the invocation's end cancels the exchange (its connection is closed); the exchange's own deadline is a
            // backstop a little later, so that a fetch never beats the invocation's timeout to it
            sent = http.send(new EgressClient.Request(tenant, uri, args.path("method").asText("GET").toUpperCase(Locale.ROOT),
                    headers, body.isTextual() ? body.textValue() : null, egress.connectTimeout(),
                    call.deadlineNanos + FETCH_GRACE_NANOS, true));
        } catch (IllegalArgumentException | IllegalStateException e) {
            return "fetch: " + e.getMessage();
        }
        track(isolate, call, id, sent);
        sent.whenComplete((response, error) -> post(isolate, call, id,
                error == null ? Tags.VALUE + describe(url, response) : Tags.ERROR + "fetch " + url + ": " + message(error)));
        return null;
    }

    private static String describe(String url, EgressClient.Response response) {
        ObjectNode r = Json.object();
        r.put("status", response.status());
        r.put("url", url);
        ArrayNode headers = r.putArray("headers");
        for (Map.Entry<String, List<String>> h : response.headers().entrySet()) {
            for (String value : h.getValue()) {
                headers.addArray().add(h.getKey()).add(value);
            }
        }
        r.put("body", response.body());
        return Json.write(r);
    }
}
