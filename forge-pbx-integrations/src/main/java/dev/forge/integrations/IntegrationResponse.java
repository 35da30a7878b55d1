package dev.forge.integrations;

/**
 * The answer to an {@link IntegrationRequest}: what {@code onhttp} gave to {@code callback(code, text,
 * contentType, body)}, or what Forge answers for it (no such integration, no {@code onhttp}, a failed hook, or
 * no callback before the deadline).
 *
 * <p>Thread-safety: immutable.
 *
 * @param code        the HTTP status, 200 to 599 (a final answer: 1xx are interim, and over 599 no client knows)
 * @param text        the reason phrase, e.g. {@code Ok}
 * @param contentType the body's media type; {@code text/plain} when absent
 * @param body        the body; empty when absent
 *
 * @since 0.1.0
 */
public record IntegrationResponse(int code, String text, String contentType, String body) {

    public IntegrationResponse {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("code: the status of an answer must be 200 to 599, got " + code);
        }
        text = text == null || text.isBlank() ? defaultText(code) : text;
        contentType = contentType == null || contentType.isBlank() ? "text/plain" : contentType;
        body = body == null ? "" : body;
    }

    /** A plain-text answer. */
    public static IntegrationResponse text(int code, String text, String body) {
        return new IntegrationResponse(code, text, "text/plain; charset=utf-8", body);
    }

    private static String defaultText(int code) {
        return switch (code / 100) {
            case 2 -> "OK";
            case 3 -> "Redirect";
            case 4 -> "Client Error";
            default -> "Server Error";
        };
    }
}
