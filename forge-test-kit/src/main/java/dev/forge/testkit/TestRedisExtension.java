package dev.forge.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link TestRedis} for one test class: started before its first test, stopped after its last.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestRedisExtension REDIS = new TestRedisExtension();
 * ... new RedisDatastore(RedisEndpoint.parse(REDIS.server().url()), "test") ...
 * }</pre>
 *
 * <p>Thread-safety: JUnit calls the callbacks on one thread; {@link #server()} may be read from any.
 *
 * @since 0.1.0
 */
public final class TestRedisExtension implements BeforeAllCallback, AfterAllCallback {

    private volatile TestRedis redis;

    @Override
    public void beforeAll(ExtensionContext context) {
        redis = TestRedis.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TestRedis r = redis;
        redis = null;
        if (r != null) {
            r.close();
        }
    }

    /** The running server. */
    public TestRedis server() {
        TestRedis r = redis;
        if (r == null) {
            throw new IllegalStateException("no Redis yet: register the extension on a static field with @RegisterExtension");
        }
        return r;
    }
}
