package dev.forge.ivr;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link IvrClient}. Build with {@link #builder()}; every setting has a {@code DEFAULT_*}.
 *
 * @param requestTimeout how long a request waits for its {@code _result} before failing with
 *                       {@link IvrTimeoutException}
 * @param connectTimeout how long opening the socket may take
 * @param subscriptionExpires the {@code expires} of a subscription (the platform allows at most 3600 s)
 * @param renewAt when to renew a subscription, as a fraction of {@code subscriptionExpires} (the platform
 *                documentation renews a 300 s subscription at 240 s)
 * @param bearerAuth true to send the token as {@code Authorization: Bearer}, false to put it in the URL path
 */
public record IvrOptions(Duration requestTimeout, Duration connectTimeout, Duration subscriptionExpires,
                         double renewAt, boolean bearerAuth) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_SUBSCRIPTION_EXPIRES = Duration.ofSeconds(300);
    public static final double DEFAULT_RENEW_AT = 0.8;
    public static final boolean DEFAULT_BEARER_AUTH = true;

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
    }

    public static IvrOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().requestTimeout(requestTimeout).connectTimeout(connectTimeout)
                .subscriptionExpires(subscriptionExpires).renewAt(renewAt).bearerAuth(bearerAuth);
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

        public IvrOptions build() {
            return new IvrOptions(requestTimeout, connectTimeout, subscriptionExpires, renewAt, bearerAuth);
        }
    }
}
