package dev.forge.integrations;

/**
 * A request to end a call, as a script gives it to {@code endCall(id, code, expl, forced)}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param id          the call's id, as {@link CallControl#startCall} returned it; required
 * @param code        the SIP code for ending the call, 100 to 699; {@link #DEFAULT_CODE} by default
 * @param explanation the disconnect text; {@link #DEFAULT_EXPLANATION} by default
 * @param forced      whether the call is torn down forcefully
 *
 * @since 0.1.0
 */
public record CallEnd(String id, int code, String explanation, boolean forced) {

    public static final int DEFAULT_CODE = 200;
    public static final String DEFAULT_EXPLANATION = "Request Terminated";

    public CallEnd {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id: required; give the id that startCall returned, got "
                    + (id == null ? "nothing" : "'" + id + "'"));
        }
        if (code < 100 || code > 699) {
            throw new IllegalArgumentException("code: a SIP code is 100 to 699, got " + code);
        }
        if (explanation == null || explanation.isBlank()) {
            explanation = DEFAULT_EXPLANATION;
        }
    }

    /** Ends {@code id} with the defaults: {@code 200 Request Terminated}, not forced. */
    public static CallEnd of(String id) {
        return new CallEnd(id, DEFAULT_CODE, DEFAULT_EXPLANATION, false);
    }
}
