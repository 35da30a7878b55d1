package dev.forge.redis;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a Redis server is, parsed from the two forms operators write:
 * <ul>
 *   <li>Teleforge's {@code host:port/db}, e.g. {@code our-client.forge-cloud.com:6379/0} (port and db
 *       optional: 6379 and 0);</li>
 *   <li>a URI {@code redis://[user:password@]host[:port][/db]}, or {@code rediss://...} for TLS.</li>
 * </ul>
 * {@link #toString()} never shows the password.
 *
 * <p>Thread-safety: immutable.
 *
 * @param host     the server's host name or address
 * @param port     its port
 * @param database the logical database, 0 to 15 on a default server
 * @param user     the ACL user, or {@code null}
 * @param password the password, or {@code null}
 * @param tls      whether to connect with TLS
 *
 * @since 0.1.0
 */
public record RedisEndpoint(String host, int port, int database, String user, String password, boolean tls) {

    public static final int DEFAULT_PORT = 6379;

    public RedisEndpoint {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("redis: a host is required");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("redis: port must be 1 to 65535, got " + port);
        }
        if (database < 0) {
            throw new IllegalArgumentException("redis: database must be 0 or more, got " + database);
        }
    }

    /**
     * Parses either form.
     *
     * @throws IllegalArgumentException naming the value and the forms accepted
     */
    public static RedisEndpoint parse(String text) {
        Objects.requireNonNull(text, "redis");
        String t = text.trim();
        String lower = t.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("redis://") || lower.startsWith("rediss://")) {
                return fromUri(URI.create(t), lower.startsWith("rediss://"));
            }
            if (t.contains("://")) {
                throw new IllegalArgumentException("scheme");
            }
            return fromShortForm(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("redis: '" + redact(t) + "' is not a Redis address; write host:port/db "
                    + "(e.g. localhost:6379/0) or redis://[user:password@]host:port/db (rediss:// for TLS)");
        }
    }

    private static RedisEndpoint fromShortForm(String t) {
        String hostPort = t;
        int db = 0;
        int slash = t.indexOf('/');
        if (slash >= 0) {
            hostPort = t.substring(0, slash);
            db = Integer.parseInt(t.substring(slash + 1));
        }
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        int port = colon < 0 ? DEFAULT_PORT : Integer.parseInt(hostPort.substring(colon + 1));
        return new RedisEndpoint(host, port, db, null, null, false);
    }

    private static RedisEndpoint fromUri(URI uri, boolean tls) {
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("host");
        }
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            if (colon < 0) {
                password = decode(info);
            } else {
                user = colon == 0 ? null : decode(info.substring(0, colon));
                password = decode(info.substring(colon + 1));
            }
        }
        int db = 0;
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            db = Integer.parseInt(path.substring(1));
        }
        return new RedisEndpoint(uri.getHost(), uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort(), db, user, password, tls);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String redact(String text) {
        return text.replaceAll("//([^:/@]*):[^@/]*@", "//$1:***@");
    }

    /** Jedis's client settings for this endpoint. */
    public JedisClientConfig clientConfig() {
        DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().database(database).ssl(tls)
                .connectionTimeoutMillis(5_000).socketTimeoutMillis(10_000);
        if (user != null) {
            b.user(user);
        }
        if (password != null) {
            b.password(password);
        }
        return b.build();
    }

    /** A pooled client; the caller closes it. */
    public JedisPooled connect() {
        return new JedisPooled(new HostAndPort(host, port), clientConfig());
    }

    @Override
    public String toString() {
        return (tls ? "rediss://" : "redis://") + (user != null ? user + "@" : password != null ? "***@" : "")
                + host + ":" + port + "/" + database;
    }
}
