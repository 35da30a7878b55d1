package dev.forge.micrometer;

import dev.forge.ivr.AcceptLost;
import dev.forge.ivr.ControlHandler;
import dev.forge.ivr.ControlOptions;
import dev.forge.ivr.IvrClient;
import dev.forge.ivr.IvrConnectionListener;
import dev.forge.ivr.IvrController;
import dev.forge.ivr.IvrOptions;
import dev.forge.ivr.IvrSession;
import dev.forge.ivr.StopReason;
import dev.forge.testkit.ivr.FakeIvrPlatform;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IvrMetrics on SimpleMeterRegistry, with an IvrClient against FakeIvrPlatform over a real WebSocket on loopback. */
class IvrMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TOKEN = "t0k3n-for-metrics";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BlockingQueue<IvrSession> taken = new LinkedBlockingQueue<>();
    private final BlockingQueue<AcceptLost> lost = new LinkedBlockingQueue<>();
    private FakeIvrPlatform platform;
    private IvrClient client;
    private IvrMetrics metrics;

    @BeforeEach
    void start() {
        platform = FakeIvrPlatform.start(TOKEN);
        client = IvrClient.connect(platform.endpoint(), TOKEN, IvrOptions.defaults());
        metrics = IvrMetrics.builder(registry).tags("platform", "pbx-1").build().bind(client);
    }

    @AfterEach
    void stop() {
        metrics.close();
        client.close();
        platform.close();
    }

    private static <T> T next(BlockingQueue<T> queue) throws InterruptedException {
        T item = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(item, "nothing arrived within " + WAIT);
        return item;
    }

    private double count(String name, String... tags) {
        return registry.get(name).tags("platform", "pbx-1").tags(tags).counter().count();
    }

    private double gauge(String name) {
        return registry.get(name).tags("platform", "pbx-1").gauge().value();
    }

    @Test
    void sessionsTakenActiveAndEndedWithTheirReason() throws Exception {
        ControlHandler handler = new ControlHandler() {
            @Override
            public void onSession(IvrSession session) {
                taken.add(session);
            }

            @Override
            public void onAcceptLost(AcceptLost l) {
                lost.add(l);
            }
        };
        try (IvrController controller = client.control(ControlOptions.builder().key("abc").build(),
                metrics.instrument(handler))) {
            platform.startCall("rDlg-1", "abc", "dialog");
            platform.startCall("rDlg-2", "abc", "dialog");
            IvrSession one = next(taken);
            IvrSession two = next(taken);
            assertEquals(2, count(IvrMetrics.SESSIONS_TAKEN));
            assertEquals(2.0, gauge(IvrMetrics.SESSIONS_ACTIVE));

            platform.stopCall(one.ivrid(), "script");
            assertEquals(StopReason.SCRIPT, one.awaitEnd(WAIT).orElseThrow());
            assertEquals(1.0, gauge(IvrMetrics.SESSIONS_ACTIVE));
            assertEquals(1, registry.get(IvrMetrics.SESSION_DURATION).tags("reason", "script").timer().count());

            two.abort().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(StopReason.ABORT, two.awaitEnd(WAIT).orElseThrow());
            assertEquals(0.0, gauge(IvrMetrics.SESSIONS_ACTIVE));
            assertEquals(1, registry.get(IvrMetrics.SESSION_DURATION).tags("reason", "abort").timer().count());

            platform.refuse("ivrapi_accept", "taken by another controller");
            platform.startCall("rDlg-3", "abc", "dialog");
            assertEquals(AcceptLost.Reason.REFUSED, next(lost).reason());
            assertEquals(1, count(IvrMetrics.ACCEPTS_LOST, "reason", "refused"));
            assertEquals(0, count(IvrMetrics.ACCEPTS_LOST, "reason", "timed_out"));
            assertEquals(2, count(IvrMetrics.SESSIONS_TAKEN), "a lost offer is not a session");
            assertEquals(0.0, gauge(IvrMetrics.SESSIONS_ACTIVE));
        }
    }

    @Test
    void theSocketsDropsAndReconnects() throws Exception {
        assertEquals(1.0, gauge(IvrMetrics.CONNECTED));
        assertEquals(0, registry.get(IvrMetrics.RECONNECTS).tags("platform", "pbx-1").functionCounter().count());
        CountDownLatch back = new CountDownLatch(1);
        // added after IvrMetrics' listener: it hears the drop after IvrMetrics counted it
        client.addConnectionListener(new IvrConnectionListener() {
            @Override
            public void onReconnected(int attempts) {
                back.countDown();
            }
        });
        // the client's handshake can finish before the platform has entered the connection
        assertTrue(platform.awaitConnections(1, WAIT), "the platform never saw the client's connection");
        platform.disconnectAll();
        assertTrue(back.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "no reconnect within " + WAIT);
        assertEquals(1, count(IvrMetrics.DISCONNECTS));
        assertEquals(1, registry.get(IvrMetrics.RECONNECTS).tags("platform", "pbx-1").functionCounter().count());
        assertEquals(1.0, gauge(IvrMetrics.CONNECTED));

        client.close();
        assertEquals(0.0, gauge(IvrMetrics.CONNECTED));
        assertEquals(1, count(IvrMetrics.DISCONNECTS), "close() is not a drop");
    }

    @Test
    void closeRemovesTheMeters() {
        assertTrue(registry.getMeters().size() > 10);
        metrics.close();
        metrics.close();
        assertTrue(registry.getMeters().isEmpty(), registry.getMeters()::toString);
    }
}
