/**
 * Redis for Forge: the {@link dev.forge.spi.Datastore} and the durable {@link dev.forge.spi.Transport} on
 * Redis, and Teleforge's Redis call notifications. Only this module knows Jedis.
 */
module dev.forge.redis {
    requires transitive dev.forge.api;
    // RedisEndpoint.connect() and RedisDatastore(JedisPooled, ...) show Jedis types to their users
    requires transitive redis.clients.jedis;
    requires org.slf4j;

    exports dev.forge.redis;
    exports dev.forge.redis.teleforge;
}
