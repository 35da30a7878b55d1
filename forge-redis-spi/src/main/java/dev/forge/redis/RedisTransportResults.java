package dev.forge.redis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

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
                // returns only if unsubscribed; throws when the connection is lost or closed
                jedis.subscribe(new Listener(), transport.channel);
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
     * Jedis's pub/sub, called on the loop's thread: no read timeout while subscribed; a server that goes away
     * closes the socket. A message is {@code id + "\n" + outcome}.
     */
    private final class Listener extends JedisPubSub {

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            failures = 0;
            firstSubscription.complete(null);
            transport.checkAllResults();
        }

        @Override
        public void onMessage(String channel, String message) {
            int nl = message.indexOf('\n');
            if (nl > 0) {
                transport.resultArrived(message.substring(0, nl), message.substring(nl + 1));
            }
            if (stop.getCount() == 0) {
                unsubscribe(); // closed from a waiter's continuation on this thread
            }
        }
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
