package dev.forge.integrations.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.EgressPolicy;
import dev.forge.egress.internal.EgressClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The host side of {@code system.http({...})}: one HTTP exchange with the options of the integrations
 * framework, checked against the host's {@link EgressPolicy} (by the integration's identifier, or
 * {@link EgressPolicy#ALL_TENANTS}), retried {@code attempts} times on transport errors, and logged with
 * {@code logurl} for the URL and {@code ********} for secret header values. The body is never logged.
 *
 * <p>The exchange itself is Forge's {@link EgressClient}, as for {@code fetch}: the name resolved once and
 * the address checked and connected to (a loopback or private address only if the policy allows it), the body
 * capped at {@link EgressPolicy#maxRequestBytes()} and the response at {@link EgressPolicy#maxResponseBytes()}.
 *
 * <p>Its result is {@code {code, data, headers: [{name, value}]}}; a transport failure after the last attempt
 * gives code 0 and empty data (and a WARN). Options that are wrong, a destination or address the policy refuses,
 * or a body over the limit fail the returned future with a message for the script, and are never retried.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class SystemHttp {

    /** What a secret header value looks like in logs, whatever its length. */
    public static final String MASK = "********";
    static final int DEFAULT_TIMEOUT_MS = 10_000;
    static final int MAX_ATTEMPTS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(SystemHttp.class);

    private final EgressPolicy egress;
    private final EgressClient client;

    public SystemHttp(EgressPolicy egress) {
        this.egress = Objects.requireNonNull(egress, "egress");
        this.client = new EgressClient(egress);
    }

    /** The options of one call, validated. */
    record Options(URI uri, String url, String logurl, String method, String body, boolean verify, int attempts,
                   int readTimeout, int connectTimeout, List<Header> headers, String domain) {
    }

    /** One request header; {@code secret} ones are masked in logs. */
    record Header(String name, String value, boolean secret) {
    }

    /**
     * Sends the request described by {@code args} for the integration {@code identifier}.
     *
     * @return the future result as JSON text
     */
    public CompletableFuture<String> send(String identifier, JsonNode args) {
        Options o;
        try {
            o = options(args);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        int port = o.uri.getPort() != -1 ? o.uri.getPort() : o.uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        if (!egress.allows(identifier, o.uri.getHost(), port)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("system.http: egress to "
                    + o.uri.getHost() + ":" + port + " is not allowed for integration '" + identifier
                    + "'; the host must allow it (EgressPolicy, or --allow-host " + o.uri.getHost() + ":" + port + ")"));
        }
        List<EgressClient.Header> headers = new ArrayList<>();
        for (Header h : o.headers) {
            headers.add(new EgressClient.Header(h.name, h.value));
        }
        long started = System.nanoTime();
        String line = describe(identifier, o);
        CompletableFuture<EgressClient.Response> first;
        try {
            first = attempt(identifier, o, headers);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("system.http: " + e.getMessage()));
        }
        LOG.debug("{}", line);
        if (!o.verify) {
            LOG.warn("system.http to {} with verify: false: the server's certificate is not checked",
                    withoutUserInfo(o.logurl));
        }
        return retry(first, identifier, o, headers, 1).handle((response, error) -> {
            long ms = (System.nanoTime() - started) / 1_000_000;
            ObjectNode result = EventJson.MAPPER.createObjectNode();
            ArrayNode resultHeaders = EventJson.MAPPER.createArrayNode();
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof EgressClient.Refused) {
                    LOG.warn("{} -> refused: {}", line, cause.getMessage());
                    throw new CompletionException(new IllegalArgumentException("system.http: " + cause.getMessage()));
                }
                LOG.warn("{} -> failed after {} attempt(s) in {} ms: {}", line, o.attempts, ms, reason(cause));
                result.put("code", 0);
                result.put("data", "");
                result.set("headers", resultHeaders);
                return EventJson.write(result);
            }
            LOG.info("{} -> {} in {} ms", line, response.status(), ms);
            result.put("code", response.status());
            result.put("data", response.body());
            response.headers().forEach((name, values) -> values.forEach(v ->
                    resultHeaders.addObject().put("name", name).put("value", v)));
            result.set("headers", resultHeaders);
            return EventJson.write(result);
        });
    }

    /** Ends the requests in flight and stops their threads. Idempotent. */
    public void close() {
        client.close();
    }

    /** One attempt: its own deadline of {@code readTimeout}, as the framework's option means. */
    private CompletableFuture<EgressClient.Response> attempt(String identifier, Options o, List<EgressClient.Header> headers) {
        return client.send(new EgressClient.Request(identifier, o.uri, o.method, headers, o.body,
                Duration.ofMillis(o.connectTimeout), System.nanoTime() + o.readTimeout * 1_000_000L, o.verify));
    }

    /** Sends again after a transport error, up to {@code attempts} in all; never after a refusal or an oversized body. */
    private CompletableFuture<EgressClient.Response> retry(CompletableFuture<EgressClient.Response> sent, String identifier,
                                                           Options o, List<EgressClient.Header> headers, int n) {
        return sent.handle((response, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(response);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            boolean again = n < o.attempts && cause instanceof IOException
                    && !(cause instanceof EgressClient.Refused) && !(cause instanceof EgressClient.TooLarge);
            if (again) {
                LOG.debug("{}: attempt {} of {} failed ({}); trying again", withoutUserInfo(o.logurl), n, o.attempts,
                        reason(cause));
                try {
                    return retry(attempt(identifier, o, headers), identifier, o, headers, n + 1);
                } catch (RuntimeException e) {
                    return CompletableFuture.<EgressClient.Response>failedFuture(e);
                }
            }
            return CompletableFuture.<EgressClient.Response>failedFuture(cause);
        }).thenCompose(f -> f);
    }

    /** Headers whose values are credentials whether or not the script marked them secret. */
    private static final java.util.Set<String> ALWAYS_MASKED = java.util.Set.of("authorization", "proxy-authorization",
            "cookie", "set-cookie", "x-api-key");

    /**
     * The log line of a request: method, logurl (without any user:password), domain and headers, with the values
     * of secret headers, and of credential headers such as Authorization, masked.
     */
    static String describe(String identifier, Options o) {
        StringBuilder b = new StringBuilder(identifier).append(": system.http ").append(o.method).append(' ')
                .append(withoutUserInfo(o.logurl));
        if (o.domain != null) {
            b.append(" (").append(o.domain).append(')');
        }
        if (!o.headers.isEmpty()) {
            b.append(" headers [");
            for (int i = 0; i < o.headers.size(); i++) {
                Header h = o.headers.get(i);
                boolean masked = h.secret || ALWAYS_MASKED.contains(h.name.toLowerCase(Locale.ROOT));
                b.append(i > 0 ? ", " : "").append(h.name).append(": ").append(masked ? MASK : h.value);
            }
            b.append(']');
        }
        return b.toString();
    }

    /** {@code https://user:pw@host/x} as {@code https://********@host/x}. */
    static String withoutUserInfo(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return url;
        }
        int hostStart = scheme + 3;
        int pathStart = url.length();
        for (char c : new char[]{'/', '?', '#'}) {
            int at = url.indexOf(c, hostStart);
            if (at >= 0 && at < pathStart) {
                pathStart = at;
            }
        }
        int at = url.lastIndexOf('@', pathStart - 1);
        return at < hostStart ? url : url.substring(0, hostStart) + MASK + url.substring(at);
    }

    /** Reads and checks the options of {@code system.http}. */
    static Options options(JsonNode args) {
        if (args == null || !args.isObject()) {
            throw new IllegalArgumentException("system.http: expects an object of options, e.g. {url: 'https://...', callback: ...}");
        }
        String url = text(args, "url");
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("system.http: url: required; give the http or https URL to call");
        }
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("system.http: url: '" + url + "' is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("system.http: url: '" + url + "' is not an http or https URL");
        }
        String method = text(args, "method");
        method = method == null || method.isBlank() ? "GET" : method.trim().toUpperCase(Locale.ROOT);
        if (!method.matches("[A-Z]+")) {
            throw new IllegalArgumentException("system.http: method: '" + method + "' is not an HTTP method");
        }
        String logurl = text(args, "logurl");
        JsonNode bodyNode = args.get("body");
        String body = bodyNode == null || bodyNode.isNull() ? null
                : bodyNode.isTextual() ? bodyNode.asText() : EventJson.write(bodyNode);
        boolean verify = !args.has("verify") || args.get("verify").isNull() || args.get("verify").asBoolean(true);
        int attempts = number(args, "attempts", 1, 1, MAX_ATTEMPTS);
        int read = number(args, "readTimeout", DEFAULT_TIMEOUT_MS, 1, 600_000);
        int connect = number(args, "connectTimeout", DEFAULT_TIMEOUT_MS, 1, 600_000);
        List<Header> headers = new ArrayList<>();
        JsonNode list = args.get("header");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new IllegalArgumentException("system.http: header: expects an array of {name, value, secret}");
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode h = list.get(i);
                String name = text(h, "name");
                if (name == null || name.isBlank()) {
                    throw new IllegalArgumentException("system.http: header[" + i + "].name: required");
                }
                JsonNode value = h.get("value");
                headers.add(new Header(name.trim(), value == null || value.isNull() ? "" : value.asText(),
                        h.path("secret").asBoolean(false)));
            }
        }
        String domain = text(args, "domain");
        return new Options(uri, url, logurl == null || logurl.isBlank() ? url : logurl, method, body, verify, attempts,
                read, connect, List.copyOf(headers), domain == null || domain.isBlank() ? null : domain);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static int number(JsonNode args, String field, int fallback, int min, int max) {
        JsonNode v = args.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw new IllegalArgumentException("system.http: " + field + ": must be a number from " + min + " to " + max
                    + ", got " + v);
        }
        return v.asInt();
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
