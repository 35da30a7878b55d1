package dev.forge.testkit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestRedisTest {

    @Test
    void startsARealServerThatKeepsDataAcrossARestart() {
        try (TestRedis redis = TestRedis.start()) {
            assertEquals("+PONG", redis.command("PING"));
            if (!redis.managed()) {
                return;
            }
            assertEquals("+OK", redis.command("SET forge:kept yes"));
            redis.restart();
            assertTrue(redis.command("GET forge:kept").startsWith("$3"), "the value survived the restart");
            redis.kill();
            redis.restart();
            assertTrue(redis.command("EXISTS forge:kept").equals(":1"), "append-only data survives a SIGKILL");
        }
    }
}
