package dev.forge;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which hosts an App's {@code fetch} may reach, per tenant, and how much it may read. Egress is denied
 * unless a destination is allowed: by exact {@code host:port}, for one tenant or for
 * {@link #ALL_TENANTS}. The check happens before any connection or DNS lookup.
 *
 * <p>Thread-safety: immutable.
 *
 * @since 0.1.0
 */
public final class EgressPolicy {

    public static final String ALL_TENANTS = "*";
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** No destination allowed. */
    public static final EgressPolicy DENY_ALL = builder().build();

    private final Map<String, Set<String>> allowed;
    private final int maxResponseBytes;
    private final Duration connectTimeout;

    private EgressPolicy(Builder b) {
        Map<String, Set<String>> copy = new HashMap<>();
        b.allowed.forEach((t, s) -> copy.put(t, Set.copyOf(s)));
        this.allowed = Map.copyOf(copy);
        this.maxResponseBytes = b.maxResponseBytes;
        this.connectTimeout = b.connectTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether {@code tenant} may connect to {@code host:port}. */
    public boolean allows(String tenant, String host, int port) {
        String dest = host.toLowerCase(Locale.ROOT) + ":" + port;
        return allowed.getOrDefault(tenant, Set.of()).contains(dest)
                || allowed.getOrDefault(ALL_TENANTS, Set.of()).contains(dest);
    }

    public int maxResponseBytes() {
        return maxResponseBytes;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Builds an {@link EgressPolicy}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Set<String>> allowed = new HashMap<>();
        private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

        private Builder() {
        }

        /** Allows {@code tenant} (or {@link #ALL_TENANTS}) to reach {@code "host:port"}. */
        public Builder allow(String tenant, String hostPort) {
            Objects.requireNonNull(tenant, "tenant");
            allowed.computeIfAbsent(tenant, t -> new HashSet<>()).add(parse(hostPort));
            return this;
        }

        public Builder maxResponseBytes(int value) {
            if (value <= 0) {
                throw new IllegalArgumentException("maxResponseBytes: must be positive, got " + value);
            }
            maxResponseBytes = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            Objects.requireNonNull(value, "connectTimeout");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("connectTimeout: must be positive, got " + value.toMillis() + " ms");
            }
            connectTimeout = value;
            return this;
        }

        public EgressPolicy build() {
            return new EgressPolicy(this);
        }

        /**
         * Parses {@code HOST:PORT} as the CLI's {@code --allow-host} takes it.
         *
         * @throws IllegalArgumentException naming the value when it has no port or a bad one
         */
        static String parse(String hostPort) {
            if (hostPort == null) {
                throw new IllegalArgumentException("allow-host: missing; write HOST:PORT, e.g. api.example.com:443");
            }
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0 || colon == hostPort.length() - 1) {
                throw new IllegalArgumentException("allow-host: '" + hostPort + "' is not HOST:PORT, e.g. api.example.com:443");
            }
            String host = hostPort.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("allow-host: '" + hostPort + "' has no numeric port");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("allow-host: '" + hostPort + "' has port " + port + "; use 1 to 65535");
            }
            return host + ":" + port;
        }
    }
}
