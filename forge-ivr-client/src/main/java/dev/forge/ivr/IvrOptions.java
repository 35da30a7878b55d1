package dev.forge.ivr;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link IvrClient}. Build with {@link #builder()}; every setting has a {@code DEFAULT_*}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param requestTimeout        how long a request waits for its {@code _result} before failing with
 *                              {@link IvrTimeoutException}
 * @param connectTimeout        how long opening the socket may take
 * @param subscriptionExpires   the {@code expires} of a subscription (the platform allows at most 3600 s)
 * @param renewAt               when to renew a subscription, as a fraction of {@code subscriptionExpires} (the
 *                              platform documentation renews a 300 s subscription at 240 s)
 * @param bearerAuth            true to send the token as {@code Authorization: Bearer}, false to put it in the path
 * @param reconnect             true to reopen a dropped socket, re-subscribe and reaccept the sessions this client
 *                              controls; false to stay closed after a drop
 * @param reconnectInitialDelay the wait before the first attempt after a drop (the client waits a random time
 *                              between half of each wait and all of it, see {@link #reconnectDelay(int)})
 * @param reconnectMaxDelay     the longest wait between two attempts
 * @param reconnectMultiplier   each failed attempt multiplies the wait by this (1 keeps it constant)
 *
 * @since 0.1.0
 */
public record IvrOptions(Duration requestTimeout, Duration connectTimeout, Duration subscriptionExpires,
                         double renewAt, boolean bearerAuth, boolean reconnect, Duration reconnectInitialDelay,
                         Duration reconnectMaxDelay, double reconnectMultiplier) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_SUBSCRIPTION_EXPIRES = Duration.ofSeconds(300);
    public static final double DEFAULT_RENEW_AT = 0.8;
    public static final boolean DEFAULT_BEARER_AUTH = true;
    public static final boolean DEFAULT_RECONNECT = true;
    public static final Duration DEFAULT_RECONNECT_INITIAL_DELAY = Duration.ofMillis(100);
    public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofSeconds(30);
    public static final double DEFAULT_RECONNECT_MULTIPLIER = 2.0;

    public IvrOptions {
        positive(requestTimeout, "requestTimeout");
        positive(connectTimeout, "connectTimeout");
        positive(subscriptionExpires, "subscriptionExpires");
        if (subscriptionExpires.toSeconds() < 1 || subscriptionExpires.toSeconds() > 3600) {
            throw new IllegalArgumentException("subscriptionExpires must be 1 s to 3600 s (whole seconds on the"
                    + " wire), got " + subscriptionExpires);
        }
        if (!(renewAt > 0 && renewAt < 1)) {
            throw new IllegalArgumentException("renewAt must be a fraction between 0 and 1 (exclusive), got "
                    + renewAt);
        }
        positive(reconnectInitialDelay, "reconnectInitialDelay");
        positive(reconnectMaxDelay, "reconnectMaxDelay");
        if (reconnectInitialDelay.compareTo(reconnectMaxDelay) > 0) {
            throw new IllegalArgumentException("reconnectInitialDelay (" + reconnectInitialDelay + ") must not"
                    + " exceed reconnectMaxDelay (" + reconnectMaxDelay + ")");
        }
        if (!(reconnectMultiplier >= 1 && reconnectMultiplier <= 100)) {
            throw new IllegalArgumentException("reconnectMultiplier must be from 1 (constant wait) to 100, got "
                    + reconnectMultiplier);
        }
    }

    public static IvrOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().requestTimeout(requestTimeout).connectTimeout(connectTimeout)
                .subscriptionExpires(subscriptionExpires).renewAt(renewAt).bearerAuth(bearerAuth)
                .reconnect(reconnect).reconnectInitialDelay(reconnectInitialDelay)
                .reconnectMaxDelay(reconnectMaxDelay).reconnectMultiplier(reconnectMultiplier);
    }

    /**
     * The longest wait before reconnect attempt {@code attempt} (1 for the first after a drop): the initial delay
     * times the multiplier for each earlier failed attempt, at most the maximum. The client waits a random time
     * between half of this and all of it, so that clients dropped by the same outage spread their returns.
     */
    public Duration reconnectDelay(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt counts from 1, got " + attempt);
        }
        double millis = reconnectInitialDelay.toMillis() * Math.pow(reconnectMultiplier, attempt - 1);
        long max = reconnectMaxDelay.toMillis();
        return Duration.ofMillis(millis >= max ? max : Math.max(1, (long) millis));
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /** Builds {@link IvrOptions}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration subscriptionExpires = DEFAULT_SUBSCRIPTION_EXPIRES;
        private double renewAt = DEFAULT_RENEW_AT;
        private boolean bearerAuth = DEFAULT_BEARER_AUTH;
        private boolean reconnect = DEFAULT_RECONNECT;
        private Duration reconnectInitialDelay = DEFAULT_RECONNECT_INITIAL_DELAY;
        private Duration reconnectMaxDelay = DEFAULT_RECONNECT_MAX_DELAY;
        private double reconnectMultiplier = DEFAULT_RECONNECT_MULTIPLIER;

        private Builder() {
        }

        public Builder requestTimeout(Duration value) {
            this.requestTimeout = Objects.requireNonNull(value, "requestTimeout");
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = Objects.requireNonNull(value, "connectTimeout");
            return this;
        }

        public Builder subscriptionExpires(Duration value) {
            this.subscriptionExpires = Objects.requireNonNull(value, "subscriptionExpires");
            return this;
        }

        public Builder renewAt(double value) {
            this.renewAt = value;
            return this;
        }

        public Builder bearerAuth(boolean value) {
            this.bearerAuth = value;
            return this;
        }

        public Builder reconnect(boolean value) {
            this.reconnect = value;
            return this;
        }

        public Builder reconnectInitialDelay(Duration value) {
            this.reconnectInitialDelay = Objects.requireNonNull(value, "reconnectInitialDelay");
            return this;
        }

        public Builder reconnectMaxDelay(Duration value) {
            this.reconnectMaxDelay = Objects.requireNonNull(value, "reconnectMaxDelay");
            return this;
        }

        public Builder reconnectMultiplier(double value) {
            this.reconnectMultiplier = value;
            return this;
        }

        public IvrOptions build() {
            return new IvrOptions(requestTimeout, connectTimeout, subscriptionExpires, renewAt, bearerAuth,
                    reconnect, reconnectInitialDelay, reconnectMaxDelay, reconnectMultiplier);
        }
    }
}
