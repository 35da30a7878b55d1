package dev.forge.integrations;

import dev.forge.integrations.internal.EventJson;

import java.util.List;
import java.util.Locale;

/**
 * An HTTP request for an integration, raised into {@code onhttp(data, callback)}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param method     the request's method, e.g. {@code POST}; required
 * @param scheme     {@code http} or {@code https}; {@code http} when absent
 * @param body       the request's body as text; empty when none
 * @param identifier the identifier of the integration it is for; required
 * @param url        the request's file name: its path and query, e.g. {@code /integrations/ourcrmsys/hook?id=7};
 *                   required
 * @param domain     the tenant's address, if known, else null
 * @param headers    the request's headers in order; empty when none
 *
 * @since 0.1.0
 */
public record IntegrationRequest(String method, String scheme, String body, String identifier, String url,
                                 String domain, List<Header> headers) {

    public IntegrationRequest {
        method = Fields.text("method", method, "the HTTP method, e.g. POST").toUpperCase(Locale.ROOT);
        scheme = scheme == null || scheme.isBlank() ? "http" : scheme.toLowerCase(Locale.ROOT);
        body = body == null ? "" : body;
        Integration.checkIdentifier(identifier);
        Fields.text("url", url, "the path of the request, e.g. /integrations/" + identifier + "/hook");
        domain = domain == null || domain.isBlank() ? null : domain;
        headers = Fields.orEmpty(headers);
    }

    /** Parses the JSON of a request; errors name the field. */
    public static IntegrationRequest fromJson(String json) {
        return EventJson.read("http request", json, IntegrationRequest.class);
    }

    /** The request as the hook's {@code data}, one line of JSON. */
    public String toJson() {
        return EventJson.write(this);
    }

    /** The first value of the header with this name (ignoring case), or null. */
    public String header(String name) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }
}
