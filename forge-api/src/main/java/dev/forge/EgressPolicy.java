package dev.forge;

import dev.forge.internal.IpLiteral;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which hosts an App's {@code fetch} (and an integration's {@code system.http}) may reach, per tenant, and
 * how much it may send and read.
 *
 * <h2>Names</h2>
 * Egress is denied unless a destination is allowed: by exact {@code host:port}, for one tenant or for
 * {@link #ALL_TENANTS}. Host names are compared without case and without a trailing dot; IP literals are
 * compared as addresses, so {@code [::1]:8080}, {@code [0:0:0:0:0:0:0:1]:8080} and a URL's
 * {@code http://[::1]:8080/} are one destination. This check happens before any connection or DNS lookup.
 *
 * <h2>Addresses</h2>
 * A name that is allowed is then resolved once (with {@link Builder#resolver the resolver}, the system's by
 * default), and the address it resolved to is checked before Forge connects to exactly that address (there is
 * no second lookup, so a name cannot be rebound between the check and the connection). An address that is
 * loopback, link-local, private or otherwise not public (see {@link #classify}) is refused, unless the host
 * allowed it explicitly: by an entry that names the IP literal itself ({@code allow(tenant, "127.0.0.1:8080")}
 * lets that tenant reach 127.0.0.1 at port 8080, by that literal or by any allowed name that resolves to it),
 * or with {@link Builder#allowPrivate(String, String)} for a whole range. A public address needs nothing more
 * than its allowed name.
 *
 * <pre>{@code
 * EgressPolicy egress = EgressPolicy.builder()
 *         .allow("acme", "api.example.com:443")          // public: the name is enough
 *         .allow("acme", "crm.internal:8443")            // resolves to 10.20.0.7 ...
 *         .allowPrivate("acme", "10.20.0.0/16")          // ... which this range allows
 *         .build();
 * }</pre>
 *
 * <p>Thread-safety: immutable, if its resolver is thread-safe (the default is).
 *
 * @since 0.1.0
 */
public final class EgressPolicy {

    public static final String ALL_TENANTS = "*";
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** No destination allowed. */
    public static final EgressPolicy DENY_ALL = builder().build();

    /**
     * Turns a host name into addresses, for the address check. The first address returned is the one checked
     * and connected to. It is never asked about IP literals.
     *
     * <p>Thread-safety: implementations must be thread-safe.
     */
    @FunctionalInterface
    public interface Resolver {
        /** The system's resolver: {@link InetAddress#getAllByName(String)}. */
        Resolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

        /**
         * The addresses of {@code host}, first the one to use.
         *
         * @throws UnknownHostException if the name has none
         */
        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    private final Map<String, Set<String>> allowed;
    private final Map<String, List<Range>> privateRanges;
    private final int maxResponseBytes;
    private final int maxRequestBytes;
    private final Duration connectTimeout;
    private final Resolver resolver;

    private EgressPolicy(Builder b) {
        Map<String, Set<String>> copy = new HashMap<>();
        b.allowed.forEach((t, s) -> copy.put(t, Set.copyOf(s)));
        this.allowed = Map.copyOf(copy);
        Map<String, List<Range>> ranges = new HashMap<>();
        b.privateRanges.forEach((t, l) -> ranges.put(t, List.copyOf(l)));
        this.privateRanges = Map.copyOf(ranges);
        this.maxResponseBytes = b.maxResponseBytes;
        this.maxRequestBytes = b.maxRequestBytes;
        this.connectTimeout = b.connectTimeout;
        this.resolver = b.resolver;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether {@code tenant} may connect to {@code host:port} by name ({@code host} as a URL gives it: a name,
     * an IPv4 literal, or an IPv6 literal with or without brackets).
     */
    public boolean allows(String tenant, String host, int port) {
        String dest = hostKey(host) + ":" + port;
        return entries(tenant).contains(dest) || entries(ALL_TENANTS).contains(dest);
    }

    /**
     * Why {@code tenant} may not connect to {@code address}, which {@code host} resolved to (or is), at
     * {@code port}; empty if it may. Only the address is judged here: {@link #allows} judges the name.
     *
     * @return a sentence for the script, naming the host, the address and why, or empty
     */
    public Optional<String> refusal(String tenant, String host, int port, InetAddress address) {
        Objects.requireNonNull(address, "address");
        Optional<String> kind = classify(address);
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        String literal = address.getHostAddress() + ":" + port;
        if (entries(tenant).contains(literal) || entries(ALL_TENANTS).contains(literal)) {
            return Optional.empty();
        }
        for (String t : List.of(tenant, ALL_TENANTS)) {
            for (Range r : privateRanges.getOrDefault(t, List.of())) {
                if (r.contains(address)) {
                    return Optional.empty();
                }
            }
        }
        String shown = IpLiteral.inUrl(address);
        String how = IpLiteral.parse(host) != null ? host + " is " + kind.get()
                : host + " resolved to " + address.getHostAddress() + ", " + kind.get();
        return Optional.of("egress to " + host + ":" + port + " is refused for '" + tenant + "': " + how
                + "; the host must allow that address explicitly (allow(tenant, \"" + shown + ":" + port
                + "\"), allowPrivate(tenant, range), or --allow-host " + shown + ":" + port + ")");
    }

    /**
     * What kind of non-public address {@code address} is: "a loopback address", "a private address
     * (10.0.0.0/8)" and so on; empty for a public unicast address. Refused kinds: unspecified (0.0.0.0, ::),
     * "this network" (0.0.0.0/8), loopback (127.0.0.0/8, ::1), link-local (169.254.0.0/16, fe80::/10),
     * private (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16), unique local (fc00::/7), site-local (fec0::/10),
     * shared / carrier-grade NAT (100.64.0.0/10), IETF protocol assignments (192.0.0.0/24), benchmarking
     * (198.18.0.0/15), reserved (240.0.0.0/4) and broadcast, multicast (224.0.0.0/4, ff00::/8); an IPv6 address
     * that carries an IPv4 one (IPv4-mapped {@code ::ffff:0:0/96}, IPv4-compatible {@code ::/96}, NAT64
     * {@code 64:ff9b::/96}) is judged by the IPv4 address it carries.
     */
    public static Optional<String> classify(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 16) {
            byte[] v4 = embeddedIpv4(b);
            if (v4 != null) {
                return classifyV4(v4).map(kind -> kind + " (carried in the IPv6 address " + address.getHostAddress() + ")");
            }
            if (address.isAnyLocalAddress()) {
                return Optional.of("the unspecified address");
            }
            if (address.isLoopbackAddress()) {
                return Optional.of("a loopback address");
            }
            if (address.isLinkLocalAddress()) {
                return Optional.of("a link-local address (fe80::/10)");
            }
            if (address.isSiteLocalAddress()) {
                return Optional.of("a site-local address (fec0::/10)");
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return Optional.of("a unique local address (fc00::/7)");
            }
            if (address.isMulticastAddress()) {
                return Optional.of("a multicast address (ff00::/8)");
            }
            return Optional.empty();
        }
        return classifyV4(b);
    }

    private static Optional<String> classifyV4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        String kind;
        if (a0 == 0 && a1 == 0 && a2 == 0 && b[3] == 0) {
            kind = "the unspecified address";
        } else if (a0 == 0) {
            kind = "a 'this network' address (0.0.0.0/8)";
        } else if (a0 == 127) {
            kind = "a loopback address";
        } else if (a0 == 169 && a1 == 254) {
            kind = "a link-local address (169.254.0.0/16)";
        } else if (a0 == 10) {
            kind = "a private address (10.0.0.0/8)";
        } else if (a0 == 172 && (a1 & 0xf0) == 16) {
            kind = "a private address (172.16.0.0/12)";
        } else if (a0 == 192 && a1 == 168) {
            kind = "a private address (192.168.0.0/16)";
        } else if (a0 == 100 && (a1 & 0xc0) == 64) {
            kind = "a shared (carrier-grade NAT) address (100.64.0.0/10)";
        } else if (a0 == 192 && a1 == 0 && a2 == 0) {
            kind = "an IETF protocol address (192.0.0.0/24)";
        } else if (a0 == 198 && (a1 & 0xfe) == 18) {
            kind = "a benchmarking address (198.18.0.0/15)";
        } else if (a0 >= 224 && a0 <= 239) {
            kind = "a multicast address (224.0.0.0/4)";
        } else if (a0 == 255 && a1 == 255 && a2 == 255 && (b[3] & 0xff) == 255) {
            kind = "the broadcast address";
        } else if (a0 >= 240) {
            kind = "a reserved address (240.0.0.0/4)";
        } else {
            return Optional.empty();
        }
        return Optional.of(kind);
    }

    /** The IPv4 address inside an IPv4-mapped, IPv4-compatible or NAT64 IPv6 address, else null. */
    private static byte[] embeddedIpv4(byte[] b) {
        boolean zero80 = true;
        for (int i = 0; i < 10; i++) {
            zero80 &= b[i] == 0;
        }
        boolean mapped = zero80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zero80 && b[10] == 0 && b[11] == 0
                && !((b[12] | b[13] | b[14]) == 0 && (b[15] == 0 || b[15] == 1)); // not :: or ::1
        boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = b[i] == 0;
        }
        return mapped || compatible || nat64 ? new byte[] {b[12], b[13], b[14], b[15]} : null;
    }

    public int maxResponseBytes() {
        return maxResponseBytes;
    }

    /** The largest request body (UTF-8 bytes) {@code fetch} and {@code system.http} may send. */
    public int maxRequestBytes() {
        return maxRequestBytes;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The resolver that turns allowed names into the addresses that are checked and connected to. */
    public Resolver resolver() {
        return resolver;
    }

    private Set<String> entries(String tenant) {
        return allowed.getOrDefault(tenant, Set.of());
    }

    /**
     * The form a host is compared in: lower case, no trailing dot, an IP literal as its address (IPv6 without
     * brackets, in Java's full form). Never looks anything up.
     */
    static String hostKey(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".") && h.length() > 1) {
            h = h.substring(0, h.length() - 1);
        }
        InetAddress literal = IpLiteral.parse(h);
        return literal == null ? h : literal.getHostAddress();
    }

    /** An address range in CIDR notation. */
    private record Range(byte[] network, int bits) {
        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((b[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Builds an {@link EgressPolicy}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Set<String>> allowed = new HashMap<>();
        private final Map<String, List<Range>> privateRanges = new HashMap<>();
        private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
        private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Resolver resolver = Resolver.SYSTEM;

        private Builder() {
        }

        /**
         * Allows {@code tenant} (or {@link #ALL_TENANTS}) to reach {@code "host:port"}: a name
         * ({@code api.example.com:443}), an IPv4 literal ({@code 127.0.0.1:8080}) or a bracketed IPv6 literal
         * ({@code [::1]:8080}). An IP literal also allows that address at that port when it is loopback or
         * private (see the class comment).
         */
        public Builder allow(String tenant, String hostPort) {
            Objects.requireNonNull(tenant, "tenant");
            allowed.computeIfAbsent(tenant, t -> new HashSet<>()).add(parse(hostPort));
            return this;
        }

        /**
         * Lets {@code tenant} (or {@link #ALL_TENANTS}) connect to addresses in {@code cidr} (e.g.
         * {@code 10.20.0.0/16}, {@code 127.0.0.1/32}, {@code fd00::/8}) although they are loopback, link-local,
         * private or otherwise not public. It allows no destination by itself: the names still need
         * {@link #allow}; this says that the addresses they resolve to in this range are meant.
         */
        public Builder allowPrivate(String tenant, String cidr) {
            Objects.requireNonNull(tenant, "tenant");
            privateRanges.computeIfAbsent(tenant, t -> new ArrayList<>()).add(range(cidr));
            return this;
        }

        public Builder maxResponseBytes(int value) {
            if (value <= 0) {
                throw new IllegalArgumentException("maxResponseBytes: must be positive, got " + value);
            }
            maxResponseBytes = value;
            return this;
        }

        /** The largest request body (UTF-8 bytes) a script may send; {@link #DEFAULT_MAX_REQUEST_BYTES} by default. */
        public Builder maxRequestBytes(int value) {
            if (value <= 0) {
                throw new IllegalArgumentException("maxRequestBytes: must be positive, got " + value);
            }
            maxRequestBytes = value;
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

        /** How allowed names are resolved; {@link Resolver#SYSTEM} by default. */
        public Builder resolver(Resolver value) {
            resolver = Objects.requireNonNull(value, "resolver");
            return this;
        }

        public EgressPolicy build() {
            return new EgressPolicy(this);
        }

        /**
         * Parses {@code HOST:PORT} as the CLI's {@code --allow-host} takes it, into the form
         * {@link #allows} compares.
         *
         * @throws IllegalArgumentException naming the value when it has no port or a bad one
         */
        static String parse(String hostPort) {
            if (hostPort == null) {
                throw new IllegalArgumentException("allow-host: missing; write HOST:PORT, e.g. api.example.com:443");
            }
            String text = hostPort.trim();
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                throw new IllegalArgumentException("allow-host: '" + hostPort + "' is not HOST:PORT, e.g. api.example.com:443");
            }
            String host = text.substring(0, colon).trim();
            if (host.indexOf(':') >= 0 && !(host.startsWith("[") && host.endsWith("]"))) {
                throw new IllegalArgumentException("allow-host: '" + hostPort + "' has an IPv6 address without brackets; "
                        + "write [ADDRESS]:PORT, e.g. [::1]:8080");
            }
            if (host.startsWith("[") && (!host.endsWith("]") || IpLiteral.parse(host) == null)) {
                throw new IllegalArgumentException("allow-host: '" + hostPort + "' has no valid IPv6 address in brackets");
            }
            int port;
            try {
                port = Integer.parseInt(text.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("allow-host: '" + hostPort + "' has no numeric port");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("allow-host: '" + hostPort + "' has port " + port + "; use 1 to 65535");
            }
            return hostKey(host) + ":" + port;
        }

        private static Range range(String cidr) {
            if (cidr == null) {
                throw new IllegalArgumentException("allowPrivate: missing; write ADDRESS/BITS, e.g. 10.20.0.0/16");
            }
            int slash = cidr.indexOf('/');
            InetAddress a = IpLiteral.parse(slash < 0 ? cidr : cidr.substring(0, slash));
            if (a == null) {
                throw new IllegalArgumentException("allowPrivate: '" + cidr + "' is not ADDRESS/BITS with an IP address, "
                        + "e.g. 10.20.0.0/16 or fd00::/8");
            }
            int max = a.getAddress().length * 8;
            int bits;
            try {
                bits = slash < 0 ? max : Integer.parseInt(cidr.substring(slash + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("allowPrivate: '" + cidr + "' has no numeric prefix length");
            }
            if (bits < 8 || bits > max) {
                throw new IllegalArgumentException("allowPrivate: '" + cidr + "' has prefix length " + bits
                        + "; use 8 to " + max + " (a shorter one would allow most of the address space)");
            }
            return new Range(a.getAddress(), bits);
        }
    }
}
