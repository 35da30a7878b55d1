package dev.forge;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SIP final response: a three-digit code and a reason phrase, such as {@code 486 Busy Here}.
 *
 * <p>Used for rejections thrown by scripts, for the timeout action of an assignment and for the answer to
 * an overloaded engine. Thread-safety: immutable.
 *
 * @param code   the status code, 100 to 699
 * @param reason the reason phrase, never blank
 *
 * @since 0.1.0
 */
public record SipStatus(int code, String reason) {

    private static final Pattern FORMAT = Pattern.compile("\\s*(\\d{3})(?:\\s+(.*?))?\\s*", Pattern.DOTALL);

    /** Answer when a script runs past its deadline and its assignment names no action. */
    public static final SipStatus DEFAULT_TIMEOUT_ACTION = new SipStatus(408, "Request Timeout");

    /** Answer when the engine cannot take more work for a script. */
    public static final SipStatus DEFAULT_OVERLOAD = new SipStatus(503, "Service Unavailable");

    public SipStatus {
        if (code < 100 || code > 699) {
            throw new IllegalArgumentException("code: SIP status code must be 100 to 699, got " + code);
        }
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("reason: SIP reason phrase is required (code " + code + ")");
        }
    }

    /**
     * Parses the ScriptForge form {@code "[sip code] [reason]"}, e.g. {@code "480 Temporarily Unavailable"}.
     *
     * @param field the name of the setting being parsed, used in the error message
     * @throws IllegalArgumentException naming the field and the value when the text is not of that form
     */
    public static SipStatus parse(String field, String text) {
        Objects.requireNonNull(field, "field");
        if (text == null) {
            throw new IllegalArgumentException(field + ": missing; expected \"[sip code] [reason]\", e.g. \"480 Temporarily Unavailable\"");
        }
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(field + ": '" + text
                    + "' is not \"[sip code] [reason]\": it must start with a 3-digit code, e.g. \"480 Temporarily Unavailable\"");
        }
        int code = Integer.parseInt(m.group(1));
        if (code < 100 || code > 699) {
            throw new IllegalArgumentException(field + ": '" + text + "' has code " + code + "; a SIP code is 100 to 699");
        }
        String reason = m.group(2);
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException(field + ": '" + text + "' has no reason phrase; write it as \"" + code + " Reason\"");
        }
        return new SipStatus(code, reason);
    }

    /** Parses with the field name {@code timeoutAction}. */
    public static SipStatus parse(String text) {
        return parse("timeoutAction", text);
    }

    @Override
    public String toString() {
        return code + " " + reason;
    }
}
