package dev.forge.integrations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.integrations.internal.EventJson;
import dev.forge.integrations.internal.Pages;
import dev.forge.integrations.internal.Paths;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The HTTP side of the integrations, independent of any server: a {@link WebRequest} in, a {@link WebResponse}
 * out. {@link IntegrationHttpServer} puts it on the JDK's HTTP server; a PBX can call {@link #handle} from its
 * own.
 *
 * <ul>
 *   <li>{@code <prefix>/<identifier>/...} ({@code /integrations} by default) goes to the integration's
 *       {@code onhttp(data, callback)}; {@code data.url} is the whole target, {@code data.domain} the tenant the
 *       host's {@linkplain Builder#domainResolver domain resolver} names for the request (none by default).
 *       When it names a tenant that has not enabled the integration, the answer is 404 and the hook does not
 *       run; the hook may act only for that tenant, and without one for none.</li>
 *   <li>{@code <settings>/...} ({@code /settings} by default) serves the front ends:
 *       {@code GET <settings>/tenant/<domain>} and {@code GET <settings>/user/<domain>/<user>} are the pages;
 *       {@code GET|POST <settings>/data/<identifier>/<domain>[/<user>]} loads the public settings and saves what
 *       {@code save(form)} returned (a POST must be {@code application/json}); {@code <settings>/assets/...}
 *       are the scripts. Only integrations the tenant enabled (and, for a user, that the user uses) are
 *       reachable there.</li>
 *   <li>Anything else is 404.</li>
 * </ul>
 *
 * <p>Forge authenticates no one: the host must let only the tenant's administrators reach the tenant paths,
 * and only the user the user paths (the CLI binds to loopback).
 *
 * <p>Thread-safety: thread-safe; {@link #handle} never blocks.
 *
 * @since 0.1.0
 */
public final class IntegrationHttp implements WebHandler {

    public static final String DEFAULT_PREFIX = "/integrations";
    public static final String DEFAULT_SETTINGS_PREFIX = "/settings";
    private static final Pattern PREFIX = Pattern.compile("(/[A-Za-z0-9._~-]+)+");
    private static final String JSON = "application/json; charset=utf-8";
    private static final String HTML = "text/html; charset=utf-8";
    private static final String JS = "text/javascript; charset=utf-8";

    private final IntegrationHost host;
    private final String prefix;
    private final String settingsPrefix;
    private final Function<WebRequest, String> domainResolver;

    private IntegrationHttp(Builder b) {
        this.host = b.host;
        this.prefix = b.prefix;
        this.settingsPrefix = b.settingsPrefix;
        this.domainResolver = b.domainResolver;
    }

    public static Builder builder(IntegrationHost host) {
        return new Builder(host);
    }

    public String prefix() {
        return prefix;
    }

    /** The prefix of the settings pages, or null when they are not served. */
    public String settingsPrefix() {
        return settingsPrefix;
    }

    /** Answers one request; the future never fails (a failure is a 500). */
    @Override
    public CompletableFuture<WebResponse> handle(WebRequest request) {
        Objects.requireNonNull(request, "request");
        try {
            String path = request.path();
            List<String> hook = Paths.under(prefix, path);
            if (hook != null) {
                return onhttp(request, hook);
            }
            List<String> settings = settingsPrefix == null ? null : Paths.under(settingsPrefix, path);
            if (settings != null) {
                return settings(request, settings).exceptionally(IntegrationHttp::failure);
            }
            return done(WebResponse.text(404, "not found: " + path + "\n"));
        } catch (RuntimeException e) {
            return done(failure(e));
        }
    }

    private CompletableFuture<WebResponse> onhttp(WebRequest request, List<String> segments) {
        if (segments.isEmpty() || !isIdentifier(segments.get(0))) {
            return done(WebResponse.text(404, "no integration here; use " + prefix + "/<identifier>/...\n"));
        }
        IntegrationRequest data = new IntegrationRequest(request.method(), request.scheme(), request.body(),
                segments.get(0), request.target(), domainResolver.apply(request), request.headers());
        return host.http(data).thenApply(r -> new WebResponse(r.code(), r.text(), r.contentType(), List.of(), r.body()));
    }

    private CompletableFuture<WebResponse> settings(WebRequest request, List<String> s) {
        String method = request.method();
        String what = s.isEmpty() ? "" : s.get(0);
        IntegrationRegistry registry = host.registry();
        if (what.equals("tenant") && s.size() == 2 && method.equals("GET")) {
            List<Integration> shown = registry.enabled(s.get(1)).stream().filter(i -> i.tenant().present()).toList();
            return done(page(Pages.page("tenant", s.get(1), "", settingsPrefix, shown)));
        }
        if (what.equals("user") && s.size() == 3 && method.equals("GET")) {
            List<Integration> shown = registry.enabledForUser(s.get(1), s.get(2)).stream()
                    .filter(i -> i.user().present()).toList();
            return done(page(Pages.page("user", s.get(1), s.get(2), settingsPrefix, shown)));
        }
        if (what.equals("assets") && method.equals("GET")) {
            return done(asset(s));
        }
        if (what.equals("data") && (s.size() == 3 || s.size() == 4)) {
            return data(request, s.get(1), s.get(2), s.size() == 4 ? s.get(3) : "");
        }
        return done(WebResponse.text(404, "not found: " + request.path() + "\n"));
    }

    private WebResponse asset(List<String> s) {
        if (s.size() == 2 && s.get(1).equals("forge-settings.js")) {
            return script(Pages.DRIVER);
        }
        if (s.size() == 3 && isIdentifier(s.get(1))) {
            Integration i = host.registry().find(s.get(1)).orElse(null);
            if (i != null && s.get(2).equals("tenant.js")) {
                return script(i.tenant().javascript());
            }
            if (i != null && s.get(2).equals("user.js")) {
                return script(i.user().javascript());
            }
        }
        return WebResponse.text(404, "no such asset\n");
    }

    private CompletableFuture<WebResponse> data(WebRequest request, String identifier, String domain, String user) {
        IntegrationRegistry registry = host.registry();
        boolean allowed = isIdentifier(identifier) && (user.isEmpty() ? registry.isEnabled(domain, identifier)
                : registry.enabledForUser(domain, user).stream().anyMatch(i -> i.identifier().equals(identifier)));
        if (!allowed) {
            return done(WebResponse.text(404, "integration '" + identifier + "' is not enabled for "
                    + (user.isEmpty() ? domain : "user " + user + " of " + domain) + "\n"));
        }
        IntegrationSettings settings = host.settings();
        if (request.method().equals("GET")) {
            return settings.loadPublic(identifier, domain, user).toCompletableFuture()
                    .thenApply(data -> WebResponse.of(200, JSON, EventJson.write(data)));
        }
        if (!request.method().equals("POST")) {
            return done(new WebResponse(405, "", "text/plain; charset=utf-8", List.of(new Header("Allow", "GET, POST")),
                    "use GET to load and POST to save\n"));
        }
        String type = request.header("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return done(WebResponse.text(415, "save with Content-Type: application/json\n"));
        }
        JsonNode saved;
        try {
            saved = EventJson.MAPPER.readTree(request.body());
        } catch (JsonProcessingException e) {
            return done(WebResponse.text(400, "save: the body is not JSON\n"));
        }
        return settings.save(identifier, domain, user, saved).toCompletableFuture()
                .thenApply(v -> WebResponse.of(200, JSON, "{\"saved\":true}"))
                .exceptionally(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof IllegalArgumentException) {
                        return WebResponse.text(400, cause.getMessage() + "\n");
                    }
                    return failure(cause);
                });
    }

    private static WebResponse page(String html) {
        return new WebResponse(200, "", HTML, List.of(new Header("Cache-Control", "no-store"),
                new Header("X-Content-Type-Options", "nosniff")), html);
    }

    private static WebResponse script(String js) {
        return new WebResponse(200, "", JS, List.of(new Header("Cache-Control", "no-store"),
                new Header("X-Content-Type-Options", "nosniff")), js);
    }

    private static WebResponse failure(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        org.slf4j.LoggerFactory.getLogger(IntegrationHttp.class).warn("request failed: {}", cause.toString());
        return WebResponse.text(500, "the request failed; see the log\n");
    }

    private static boolean isIdentifier(String s) {
        try {
            Integration.checkIdentifier(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    /** The default domain resolver: no tenant for any request. */
    public static String noDomain(WebRequest request) {
        return null;
    }

    /**
     * A domain resolver that believes the {@code Host} header: its name, unless it is an IP address or
     * {@code localhost}. Anyone who can reach the server can send any Host header, so use it only where that
     * header was set by something the host trusts (a reverse proxy that routes each tenant's own name and
     * rejects others, or the development server on loopback). A hook reached this way may read and write the
     * named tenant's settings.
     */
    public static String hostDomain(WebRequest request) {
        String host = request.header("Host");
        if (host == null || host.isBlank()) {
            return null;
        }
        String name = host.trim();
        if (name.startsWith("[")) {
            return null;
        }
        int colon = name.indexOf(':');
        if (colon >= 0) {
            name = name.substring(0, colon);
        }
        name = name.toLowerCase(Locale.ROOT);
        if (name.isEmpty() || name.equals("localhost") || name.matches("[0-9.]+")) {
            return null;
        }
        return name;
    }

    /** Builds an {@link IntegrationHttp}. Not thread-safe. */
    public static final class Builder {
        private final IntegrationHost host;
        private String prefix = DEFAULT_PREFIX;
        private String settingsPrefix = DEFAULT_SETTINGS_PREFIX;
        private Function<WebRequest, String> domainResolver = IntegrationHttp::noDomain;

        private Builder(IntegrationHost host) {
            this.host = Objects.requireNonNull(host, "host");
        }

        /** Where {@code onhttp} requests start, e.g. {@code /integrations} (the default). */
        public Builder prefix(String value) {
            this.prefix = checkPrefix("prefix", value);
            return this;
        }

        /** Where the settings pages live ({@code /settings} by default); null not to serve them. */
        public Builder settingsPrefix(String value) {
            this.settingsPrefix = value == null ? null : checkPrefix("settingsPrefix", value);
            return this;
        }

        /**
         * Names the tenant of a request for {@code data.domain} (null when it belongs to none). This is how the
         * host tells Forge whose request it is, from what it has authenticated: the name the TLS certificate was
         * served for, a token or signature it checked, the path its own router matched. The default names none;
         * {@link IntegrationHttp#hostDomain} trusts the Host header and suits only a trusted front or loopback.
         * It must not block.
         */
        public Builder domainResolver(Function<WebRequest, String> value) {
            this.domainResolver = Objects.requireNonNull(value, "domainResolver");
            return this;
        }

        /** @throws IllegalArgumentException if the two prefixes overlap */
        public IntegrationHttp build() {
            if (settingsPrefix != null && (settingsPrefix.startsWith(prefix + "/") || prefix.startsWith(settingsPrefix + "/")
                    || prefix.equals(settingsPrefix))) {
                throw new IllegalArgumentException("settingsPrefix: '" + settingsPrefix + "' overlaps the prefix '"
                        + prefix + "'; give them different paths");
            }
            return new IntegrationHttp(this);
        }

        private static String checkPrefix(String field, String value) {
            if (value == null || !PREFIX.matcher(value).matches()) {
                throw new IllegalArgumentException(field + ": '" + value + "' is not a path prefix such as /integrations");
            }
            return value;
        }
    }
}
