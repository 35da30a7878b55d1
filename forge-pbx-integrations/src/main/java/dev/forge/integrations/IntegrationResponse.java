package dev.forge.integrations;

/**
 * The answer to an {@link IntegrationRequest}: what {@code onhttp} gave to {@code callback(code, text,
 * contentType, body)}, or what Forge answers for it (no such integration, no {@code onhttp}, a failed hook, or
 * no callback before the deadline).
 *
 * <p>Thread-safety: immutable.
 *
 * @param code        the HTTP status, 100 to 599
 * @param text        the reason phrase, e.g. {@code Ok}
 * @param contentType the body's media type; {@code text/plain} when absent
 * @param body        the body; empty when absent
 */
public record IntegrationResponse(int code, String text, String contentType, String body) {

    public IntegrationResponse {
        if (code < 100 || code > 599) {
            throw new IllegalArgumentException("code: an HTTP status is 100 to 599, got " + code);
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
            case 1 -> "Continue";
            case 2 -> "OK";
            case 3 -> "Redirect";
            case 4 -> "Client Error";
            default -> "Server Error";
        };
    }
}
