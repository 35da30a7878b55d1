package dev.forge.redis;

/**
 * Redis could not be reached or stopped answering. The message names the endpoint (never its password)
 * and the operation; the cause is Jedis's own exception.
 *
 * <p>Thread-safety: immutable.
 *
 * @since 0.1.0
 */
public final class RedisUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String endpoint;

    public RedisUnavailableException(String endpoint, String operation, Throwable cause) {
        super("redis: " + operation + " failed: the server at " + endpoint + " is unreachable ("
                + (cause == null ? "no detail" : cause.getMessage()) + "); check that it runs and the address is right",
                cause);
        this.endpoint = endpoint;
    }

    /** The endpoint as {@link RedisEndpoint#toString()} shows it, without a password. */
    public String endpoint() {
        return endpoint;
    }
}
