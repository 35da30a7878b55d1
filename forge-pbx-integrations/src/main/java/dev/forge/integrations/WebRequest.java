package dev.forge.integrations;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An HTTP request as {@link IntegrationHttp} takes it, whatever server received it.
 *
 * <p>Thread-safety: immutable.
 *
 * @param method  the method, e.g. {@code GET}
 * @param scheme  {@code http} or {@code https}
 * @param target  the request target: the path with its query, e.g. {@code /integrations/crm/hook?x=1}
 * @param headers the headers, in order
 * @param body    the body as UTF-8 text; empty when none
 *
 * @since 0.1.0
 */
public record WebRequest(String method, String scheme, String target, List<Header> headers, String body) {

    public WebRequest {
        method = Fields.text("method", method, "the HTTP method").toUpperCase(Locale.ROOT);
        scheme = scheme == null || scheme.isBlank() ? "http" : scheme.toLowerCase(Locale.ROOT);
        Fields.text("target", target, "the path of the request");
        if (!target.startsWith("/")) {
            throw new IllegalArgumentException("target: must start with '/', got '" + target + "'");
        }
        headers = List.copyOf(Objects.requireNonNull(headers, "headers"));
        body = body == null ? "" : body;
    }

    /** The path, without the query. */
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** The first value of this header (ignoring case), or null. */
    public String header(String name) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }
}
