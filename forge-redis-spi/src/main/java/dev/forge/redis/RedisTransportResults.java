package dev.forge.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Listens on the results channel on its own platform thread and connection, and hands each result to the
 * transport's waiters. After every (re)subscription it reads the results of all waiters, since anything
 * published while it was away is gone.
 */
final class RedisTransportResults {

    private static final Logger LOG = LoggerFactory.getLogger(RedisTransportResults.class);

    private final RedisTransport transport;
    private final CompletableFuture<Void> firstSubscription = new CompletableFuture<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;
    private volatile Jedis connection;
    private int failures; // in a row, for the backoff; only the loop's thread uses it

    RedisTransportResults(RedisTransport transport) {
        this.transport = transport;
        this.thread = RedisTransport.platform("forge-redis-transport-results").newThread(this::loop);
    }

    void start() {
        thread.start();
    }

    /** Completes once the first subscription is in place. */
    CompletableFuture<Void> subscribed() {
        return firstSubscription;
    }

    private void loop() {
        while (stop.getCount() > 0) {
            try (Jedis jedis = new Jedis(new HostAndPort(transport.endpoint.host(), transport.endpoint.port()),
                    transport.endpoint.clientConfig())) {
                connection = jedis;
                if (stop.getCount() == 0) {
                    return;
                }
                listen(jedis.getConnection());
            } catch (JedisException e) {
                if (stop.getCount() == 0) {
                    return;
                }
                LOG.debug("redis transport: results listener lost {} ({}); reconnecting", transport.endpoint, e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("redis transport: results listener failed; reconnecting", e);
            }
            try {
                stop.await(RedisTransport.backoffMillis(failures++), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * SUBSCRIBE spoken directly: Jedis's {@code JedisPubSub} needs the token-auth module Forge leaves out.
     * Like Jedis, no read timeout while subscribed; a server that goes away closes the socket.
     */
    private void listen(Connection c) {
        c.sendCommand(Protocol.Command.SUBSCRIBE, transport.channel);
        c.setTimeoutInfinite();
        while (stop.getCount() > 0) {
            List<Object> reply = c.getObjectMultiBulkReply();
            String kind = text(reply.get(0));
            if (kind.equals("subscribe")) {
                failures = 0;
                firstSubscription.complete(null);
                transport.checkAllResults();
            } else if (kind.equals("message") && reply.size() >= 3) {
                String message = text(reply.get(2));
                int nl = message.indexOf('\n');
                if (nl > 0) {
                    transport.resultArrived(message.substring(0, nl), message.substring(nl + 1));
                }
            }
        }
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    void close() {
        stop.countDown();
        Jedis c = connection;
        if (c != null) {
            try {
                c.disconnect();
            } catch (RuntimeException e) {
                // already closed
            }
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
