package dev.forge.redis;

/**
 * The Lua scripts that make each step of {@link RedisTransport} one atomic command, so a retry after a
 * lost reply does no harm. EVAL (not EVALSHA) keeps them working across a server restart.
 */
final class RedisTransportScripts {

    private RedisTransportScripts() {
    }

    /**
     * Queues a message once per idempotency key. KEYS: idem, stream. ARGV: key, script, data, submittedAt,
     * ttl seconds. Returns the message's id, the first one's if the key is known.
     */
    static final String SUBMIT = """
            local id = redis.call('GET', KEYS[1])
            if id then return id end
            id = redis.call('XADD', KEYS[2], '*', 'key', ARGV[1], 'script', ARGV[2], 'data', ARGV[3], 'submittedAt', ARGV[4])
            redis.call('SET', KEYS[1], id, 'EX', ARGV[5])
            return id
            """;

    /** The guard shared by the scripts below: is this delivery still the current one? */
    private static final String CURRENT = """
            local function current(stream, group, id, consumer, count)
              local p = redis.call('XPENDING', stream, group, id, id, 1)
              return #p == 1 and p[1][2] == consumer and tonumber(p[1][4]) == tonumber(count)
            end
            """;

    /**
     * A final outcome: the first one for the key is kept and published; the message is acknowledged
     * whoever holds it now. KEYS: result, stream, last. ARGV: group, id, outcome, ttl seconds, channel, key.
     * Returns 1 if this outcome was the first.
     */
    static final String FINISH = """
            local first = redis.call('SET', KEYS[1], ARGV[3], 'NX', 'EX', ARGV[4])
            redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
            redis.call('XDEL', KEYS[2], ARGV[2])
            redis.call('DEL', KEYS[3])
            if first then
              redis.call('PUBLISH', ARGV[5], ARGV[6] .. '\\n' .. ARGV[3])
              return 1
            end
            return 0
            """;

    /**
     * A non-final outcome with attempts left: remember it as the last outcome and make the message look
     * idle for the visibility timeout, so the next claim sweep of any node takes it. Only the current
     * delivery may do this. KEYS: last, stream. ARGV: group, id, consumer, attempt, outcome, ttl seconds,
     * idle ms. Returns 1 if it was current.
     */
    static final String RETRY = CURRENT + """
            if not current(KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4]) then return 0 end
            redis.call('SET', KEYS[1], ARGV[5], 'EX', ARGV[6])
            redis.call('XCLAIM', KEYS[2], ARGV[1], ARGV[3], 0, ARGV[2], 'IDLE', ARGV[7], 'JUSTID')
            return 1
            """;

    /**
     * The attempts are used up: move the message to the dead letters with its last outcome (ARGV[10], or
     * the one remembered, or none) and record that outcome as the result (or ARGV[11] if there is none).
     * Only the current delivery may do this. KEYS: result, stream, last, dead. ARGV: group, id, consumer,
     * delivery count, key, script, data, submittedAt, attempts, last outcome or '', no-answer outcome,
     * ttl seconds, channel, max dead letters. Returns the last outcome it kept ('' for none) if it was current,
     * else nil.
     */
    static final String DEAD = CURRENT + """
            if not current(KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4]) then return false end
            local last = ARGV[10]
            if last == '' then
              local remembered = redis.call('GET', KEYS[3])
              if remembered then last = remembered end
            end
            redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[14], '*', 'id', ARGV[2], 'key', ARGV[5], 'script', ARGV[6],
                'data', ARGV[7], 'submittedAt', ARGV[8], 'attempts', ARGV[9], 'lastOutcome', last)
            redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
            redis.call('XDEL', KEYS[2], ARGV[2])
            redis.call('DEL', KEYS[3])
            local result = last
            if result == '' then result = ARGV[11] end
            if redis.call('SET', KEYS[1], result, 'NX', 'EX', ARGV[12]) then
              redis.call('PUBLISH', ARGV[13], ARGV[5] .. '\\n' .. result)
            end
            return last
            """;
}
