package dev.forge.integrations;

import java.util.List;
import java.util.Objects;

/**
 * An HTTP response from {@link IntegrationHttp}, for whatever server sends it.
 *
 * <p>Thread-safety: immutable.
 *
 * @param status      the status code
 * @param reason      the reason phrase (a server that cannot send one, such as the JDK's, drops it)
 * @param contentType the body's media type
 * @param headers     further headers
 * @param body        the body as UTF-8 text
 *
 * @since 0.1.0
 */
public record WebResponse(int status, String reason, String contentType, List<Header> headers, String body) {

    public WebResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status: an HTTP status is 100 to 599, got " + status);
        }
        reason = reason == null ? "" : reason;
        contentType = Objects.requireNonNull(contentType, "contentType");
        headers = List.copyOf(Objects.requireNonNull(headers, "headers"));
        body = body == null ? "" : body;
    }

    /** A response of this type without further headers. */
    public static WebResponse of(int status, String contentType, String body) {
        return new WebResponse(status, "", contentType, List.of(), body);
    }

    /** A plain-text response. */
    public static WebResponse text(int status, String body) {
        return of(status, "text/plain; charset=utf-8", body);
    }
}
