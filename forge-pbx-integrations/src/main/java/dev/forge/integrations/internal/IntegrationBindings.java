package dev.forge.integrations.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.forge.integrations.CallControl;
import dev.forge.integrations.CallEnd;
import dev.forge.integrations.CallRequest;
import dev.forge.integrations.IntegrationResponse;
import dev.forge.integrations.IntegrationSettings;
import dev.forge.spi.Bindings;
import dev.forge.spi.HostCall;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiPredicate;

/**
 * The "integrations" bindings: the host side of what a backend calls. {@code system.http} is asynchronous;
 * {@code loadIntr}, {@code saveIntr}, {@code startCall}, {@code endCall} are synchronous in the framework's
 * API, so they hold the isolate's thread: the datastore is waited for at most {@code storeWait} (an in-memory
 * datastore answers at once; a remote one takes a round trip), and {@link CallControl} must answer at once.
 * The JavaScript side is {@code backend.js}.
 *
 * <p>An integration acts only for the tenants that enabled it, and a hook only for the tenant it runs for (none,
 * for an {@code onhttp} request the host named no tenant for): {@code loadIntr}, {@code saveIntr} and
 * {@code startCall} refuse any other {@code domain}, and
 * {@code endCall} ends only calls that this integration started (the seed's "ID returned from the startCall
 * function"), for the same tenant. So a hostile integration author reaches no tenant that did not choose the
 * integration, and a tenant's events cannot be turned against another's.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class IntegrationBindings implements Bindings {

    public static final String NAME = "integrations";
    private static final Logger LOG = LoggerFactory.getLogger(IntegrationBindings.class);
    private static final String INSTALLER = load();

    private final IntegrationSettings settings;
    private final SystemHttp http;
    private final CallControl calls;
    private final Duration storeWait;
    private final String installer;
    private final BiPredicate<String, String> enabled;
    /** Calls the integrations started and have not ended: "identifier\nid" to its tenant, the oldest dropped. */
    private final Map<String, String> started = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_STARTED_CALLS;
        }
    });

    /** Started calls remembered for {@code endCall}, over all integrations; the oldest are forgotten past it. */
    static final int MAX_STARTED_CALLS = 100_000;

    /**
     * @param longestHook the longest a hook invocation may last (its deadline): the JavaScript side forgets the
     *                    state of invocations older than that (and a minute)
     * @param enabled     whether a tenant (first) enabled an integration (second)
     * @param traceLevel  the highest {@code console.trace} level logged, 0 to 9
     */
    public IntegrationBindings(IntegrationSettings settings, SystemHttp http, CallControl calls, Duration storeWait,
                               Duration longestHook, BiPredicate<String, String> enabled, int traceLevel) {
        this.enabled = enabled;
        this.settings = settings;
        this.http = http;
        this.calls = calls;
        this.storeWait = storeWait;
        this.installer = INSTALLER.replace("__MAX_AGE_MS__", Long.toString(longestHook.toMillis() + 60_000))
                .replace("__TRACE_LEVEL__", Integer.toString(traceLevel));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String installer() {
        return installer;
    }

    @Override
    public CompletionStage<String> call(HostCall call, String function, String argsJson) {
        HookContext ctx = call.attachment(HookContext.class);
        if (function.equals("http")) {
            return http.send(ctx.identifier(), parse("system.http", argsJson));
        }
        return CompletableFuture.failedFuture(new IllegalArgumentException(function + ": not an integrations function"));
    }

    @Override
    public String callSync(HostCall call, String function, String argsJson) {
        HookContext ctx = call.attachment(HookContext.class);
        JsonNode args = parse(function, argsJson);
        return switch (function) {
            case "loadIntr" -> loadIntr(ctx, args);
            case "saveIntr" -> saveIntr(ctx, args);
            case "startCall" -> startCall(ctx, args);
            case "endCall" -> endCall(ctx, args);
            case "respond" -> respond(ctx, args);
            default -> Bindings.super.callSync(call, function, argsJson);
        };
    }

    private String loadIntr(HookContext ctx, JsonNode args) {
        String domain = tenant(ctx, "loadIntr", required("loadIntr", args, "domain"));
        Optional<JsonNode> value = await("loadIntr", settings.get(ctx.identifier(), domain, args.path("user").asText(""),
                args.path("name").asText(""), args.path("secret").asBoolean()));
        return value.map(EventJson::write).orElse(null);
    }

    private String saveIntr(HookContext ctx, JsonNode args) {
        String domain = tenant(ctx, "saveIntr", required("saveIntr", args, "domain"));
        JsonNode value = args.get("value");
        await("saveIntr", settings.set(ctx.identifier(), domain, args.path("user").asText(""),
                args.path("name").asText(""), value == null || value.isNull() ? null : value, args.path("secret").asBoolean()));
        return null;
    }

    private String startCall(HookContext ctx, JsonNode args) {
        CallRequest request;
        try {
            JsonNode timeout = args.get("timeout");
            CallRequest.Builder b = CallRequest.builder()
                    .domain(text(args, "domain")).user(text(args, "user")).from(text(args, "from"))
                    .ani(text(args, "ani")).to(text(args, "to")).connect(args.path("connect").asBoolean());
            if (timeout != null && !timeout.isNull()) {
                if (!timeout.isNumber() || !(timeout.asDouble() > 0)) {
                    throw new IllegalArgumentException("timeout: must be a positive number of seconds, got " + timeout);
                }
                b.timeout(Duration.ofMillis(Math.round(timeout.asDouble() * 1000)));
            }
            request = b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("startCall: " + e.getMessage());
        }
        tenant(ctx, "startCall", request.domain());
        String id = calls.startCall("integration " + ctx.identifier(), request);
        if (id == null || id.isBlank()) {
            throw new IllegalStateException("startCall: the host's call control returned no call id");
        }
        started.put(ctx.identifier() + '\n' + id, request.domain());
        LOG.debug("{}: startCall in {} to {} -> {}", ctx.identifier(), request.domain(), request.to(), id);
        return EventJson.write(TextNode.valueOf(id));
    }

    private String endCall(HookContext ctx, JsonNode args) {
        CallEnd end;
        try {
            JsonNode code = args.get("code");
            end = new CallEnd(text(args, "id"), code == null || code.isNull() ? CallEnd.DEFAULT_CODE : code.asInt(),
                    text(args, "expl"), args.path("forced").asBoolean());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("endCall: " + e.getMessage());
        }
        String key = ctx.identifier() + '\n' + end.id();
        String domain = started.get(key);
        if (domain == null) {
            throw new IllegalArgumentException("endCall: id: '" + end.id() + "' is not a call this integration started; "
                    + "give an id that its startCall returned");
        }
        tenant(ctx, "endCall", domain);
        calls.endCall("integration " + ctx.identifier(), end);
        started.remove(key);
        LOG.debug("{}: endCall {} with {} {}{}", ctx.identifier(), end.id(), end.code(), end.explanation(),
                end.forced() ? " (forced)" : "");
        return null;
    }

    private String respond(HookContext ctx, JsonNode args) {
        if (ctx.answer() == null) {
            throw new IllegalStateException("callback: only onhttp answers a request");
        }
        IntegrationResponse response;
        try {
            response = new IntegrationResponse(args.path("code").asInt(200), text(args, "text"),
                    text(args, "contentType"), args.path("body").asText(""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("callback: " + e.getMessage());
        }
        // completed here, so that the hook's end can never overtake it; the host hands it on from another thread
        ctx.answer().complete(response);
        return null;
    }

    /**
     * {@code domain}, when the integration may act for it: the hook's own tenant, and only if that tenant enabled
     * the integration. A hook that runs for no tenant (an {@code onhttp} request the host named none for) may act
     * for none.
     */
    private String tenant(HookContext ctx, String function, String domain) {
        if (ctx.domain() == null) {
            throw new IllegalArgumentException(function + ": domain: this " + ctx.hook() + " runs for no tenant (the host "
                    + "named none for the request) and may act for none, got '" + domain + "'");
        }
        if (!ctx.domain().equalsIgnoreCase(domain)) {
            throw new IllegalArgumentException(function + ": domain: this " + ctx.hook() + " runs for '" + ctx.domain()
                    + "' and may act for no other tenant, got '" + domain + "'");
        }
        if (!enabled.test(domain, ctx.identifier())) {
            throw new IllegalArgumentException(function + ": domain: '" + domain + "' has not enabled integration '"
                    + ctx.identifier() + "'");
        }
        return domain;
    }

    private <T> T await(String function, CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(storeWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(function + ": the datastore did not answer within " + storeWait.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(function + ": interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException(function + ": " + (cause.getMessage() == null
                    ? cause.getClass().getSimpleName() : cause.getMessage()));
        }
    }

    private static String required(String function, JsonNode args, String field) {
        String value = text(args, field);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(function + ": " + field + ": required; name the tenant, e.g. data.domain");
        }
        return value;
    }

    private static String text(JsonNode args, String field) {
        JsonNode v = args.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static JsonNode parse(String function, String json) {
        try {
            return EventJson.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(function + ": arguments are not JSON");
        }
    }

    private static String load() {
        try (InputStream in = IntegrationBindings.class.getResourceAsStream("backend.js")) {
            if (in == null) {
                throw new IllegalStateException("backend.js is missing from forge-pbx-integrations");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
