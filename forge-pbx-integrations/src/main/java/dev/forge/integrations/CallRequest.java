package dev.forge.integrations;

import java.time.Duration;
import java.util.Objects;

/**
 * A request to start a call, as a script gives it to {@code startCall({domain, user | from, ani, to,
 * timeout, connect})}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param domain  the tenant the call is started in: its DNS name or number; required
 * @param user    the alias name or number of the account that starts the call; required unless {@code from}
 *                is given, else {@code null}
 * @param from    the number that starts the call; required unless {@code user} is given, else {@code null}
 * @param ani     the ANI to present, or {@code null} for the account's own
 * @param to      the number to call; required
 * @param timeout how long the user has to connect the call; positive, {@link #DEFAULT_TIMEOUT} by default
 * @param connect whether the PBX connects the user with the call automatically
 *
 * @since 0.1.0
 */
public record CallRequest(String domain, String user, String from, String ani, String to, Duration timeout,
                          boolean connect) {

    /** Sixty seconds, the default of the integrations framework. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    public CallRequest {
        if (blank(domain)) {
            throw new IllegalArgumentException("domain: required; give the tenant's DNS name or number, got "
                    + shown(domain));
        }
        if (blank(to)) {
            throw new IllegalArgumentException("to: required; give the number to call, got " + shown(to));
        }
        if (blank(user) && blank(from)) {
            throw new IllegalArgumentException("user: required unless from is given; name the account that starts "
                    + "the call (user) or the number it starts from (from), got neither");
        }
        user = blank(user) ? null : user;
        from = blank(from) ? null : from;
        ani = blank(ani) ? null : ani;
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout: must be a positive number of seconds, got "
                    + timeout.toMillis() / 1000.0);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().domain(domain).user(user).from(from).ani(ani).to(to).timeout(timeout).connect(connect);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String shown(String s) {
        return s == null ? "nothing" : "'" + s + "'";
    }

    /** Builds a {@link CallRequest}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private String domain;
        private String user;
        private String from;
        private String ani;
        private String to;
        private Duration timeout = DEFAULT_TIMEOUT;
        private boolean connect;

        private Builder() {
        }

        public Builder domain(String value) {
            domain = value;
            return this;
        }

        public Builder user(String value) {
            user = value;
            return this;
        }

        public Builder from(String value) {
            from = value;
            return this;
        }

        public Builder ani(String value) {
            ani = value;
            return this;
        }

        public Builder to(String value) {
            to = value;
            return this;
        }

        public Builder timeout(Duration value) {
            timeout = Objects.requireNonNull(value, "timeout");
            return this;
        }

        public Builder connect(boolean value) {
            connect = value;
            return this;
        }

        /** @throws IllegalArgumentException naming the first field that is missing or wrong */
        public CallRequest build() {
            return new CallRequest(domain, user, from, ani, to, timeout, connect);
        }
    }
}
