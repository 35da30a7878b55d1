package dev.forge.cli;

import dev.forge.integrations.Header;
import dev.forge.integrations.Integration;
import dev.forge.integrations.IntegrationHost;
import dev.forge.integrations.IntegrationRequest;
import dev.forge.integrations.IntegrationResponse;
import dev.forge.testkit.internal.TestJson;
import dev.forge.redis.RedisEndpoint;
import dev.forge.redis.teleforge.InboundCall;
import dev.forge.redis.teleforge.TeleforgeCodec;
import dev.forge.redis.teleforge.TeleforgeKeys;
import dev.forge.redis.teleforge.TeleforgeListener;
import dev.forge.redis.teleforge.TeleforgeNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Carries Teleforge's inbound call notifications into an integration: each inbound call popped from Redis is
 * posted, as Teleforge's own JSON ({@code {type: "call", payload: {...}}}), to the integration's {@code onhttp}
 * at {@code /integrations/<identifier>/teleforge}, for one tenant. The {@code tfbridge} sample turns it into a
 * screen pop.
 *
 * <pre>{@code
 * try (TeleforgeBridge bridge = TeleforgeBridge.start("pbx.example:6379/0", host, "tfbridge", "tenant1.pbx.com",
 *         bridged -> log(bridged))) { ... }
 * }</pre>
 *
 * <p>Other notifications are skipped. It pops the list: Teleforge supports one consumer per list (see
 * {@code TeleforgeListener}).
 *
 * <p>Thread-safety: thread-safe; {@link #close()} is idempotent and leaves the host open.
 *
 * @since 0.1.0
 */
public final class TeleforgeBridge implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TeleforgeBridge.class);

    /**
     * One call carried over, and the integration's answer.
     *
     * @param callRef the call's Teleforge reference ({@code call_ref})
     * @param agent   the agent's extension ({@code ref})
     * @param caller  the caller's number
     * @param answer  what the integration's {@code onhttp} answered
     */
    public record Bridged(String callRef, String agent, String caller, IntegrationResponse answer) {
    }

    private final TeleforgeListener listener;

    private TeleforgeBridge(TeleforgeListener listener) {
        this.listener = listener;
    }

    /**
     * Starts listening.
     *
     * @param redis   Teleforge's Redis, as {@code host:port/db} or {@code redis://...}
     * @param answers told of each call carried over (on the listener's thread), e.g. to log it
     * @throws IllegalArgumentException naming the argument that is wrong
     */
    public static TeleforgeBridge start(String redis, IntegrationHost host, String identifier, String domain,
                                        Consumer<Bridged> answers) {
        RedisEndpoint endpoint = RedisEndpoint.parse(Objects.requireNonNull(redis, "redis"));
        Objects.requireNonNull(host, "host");
        Integration.checkIdentifier(identifier);
        if (domain == null || domain.isBlank()) {
            throw new IllegalArgumentException("domain: required; name the tenant the Teleforge PBX serves");
        }
        Objects.requireNonNull(answers, "answers");
        TeleforgeListener listener = TeleforgeListener.builder(endpoint).lists(List.of(TeleforgeKeys.INBOUND))
                .patterns(List.of()).start(n -> forward(n, host, identifier, domain, answers));
        return new TeleforgeBridge(listener);
    }

    /** The request the bridge posts for one inbound call. */
    static IntegrationRequest request(InboundCall call, String identifier, String domain) {
        return new IntegrationRequest("POST", "http", TestJson.write(TeleforgeCodec.envelope(call)), identifier,
                "/integrations/" + identifier + "/teleforge", domain,
                List.of(new Header("Content-Type", "application/json")));
    }

    private static void forward(TeleforgeNotification n, IntegrationHost host, String identifier, String domain,
                                Consumer<Bridged> answers) {
        if (!(n instanceof InboundCall call)) {
            return;
        }
        CompletableFuture<IntegrationResponse> answer = host.http(request(call, identifier, domain));
        answer.thenAccept(r -> {
            LOG.debug("teleforge call {} for agent {} -> {} {}", call.callRef(), call.ref(), r.code(), r.text());
            answers.accept(new Bridged(call.callRef(), call.ref(), call.number(), r));
        });
    }

    /** Waits until the listener is connected to Redis. */
    public boolean awaitReady(java.time.Duration timeout) throws InterruptedException {
        return listener.awaitReady(timeout);
    }

    @Override
    public void close() {
        listener.close();
    }
}
