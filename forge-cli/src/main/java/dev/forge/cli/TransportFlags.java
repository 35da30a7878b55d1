package dev.forge.cli;

import dev.forge.redis.RedisEndpoint;
import dev.forge.redis.RedisTransport;
import dev.forge.spi.TransportOptions;

import java.util.Set;

/**
 * What {@code forge worker} and {@code forge submit} share: where the Redis transport is
 * ({@code --redis URL}) and its key prefix ({@code --prefix}, default {@value #DEFAULT_PREFIX}).
 *
 * <p>Thread-safety: immutable.
 */
record TransportFlags(RedisEndpoint endpoint, String prefix) {

    static final String DEFAULT_PREFIX = "forge";

    static final Set<String> FLAGS = Set.of("--redis", "--prefix");

    static TransportFlags parse(Args args) {
        String url = args.value("--redis").orElseThrow(() -> new UsageException(
                "--redis: required, e.g. --redis localhost:6379/0 or --redis redis://host:6379/0"));
        RedisEndpoint endpoint = ScriptOptions.flag("--redis", () -> RedisEndpoint.parse(url));
        String prefix = args.value("--prefix").orElse(DEFAULT_PREFIX);
        if (prefix.isBlank()) {
            throw new UsageException("--prefix: must not be empty");
        }
        return new TransportFlags(endpoint, prefix);
    }

    RedisTransport open(TransportOptions options) {
        return new RedisTransport(endpoint, prefix, options);
    }
}
