package dev.forge.testkit.ivr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.ivr.ApiEvent;
import dev.forge.ivr.IvrClient;
import dev.forge.ivr.IvrConnectionException;
import dev.forge.ivr.IvrConnectionListener;
import dev.forge.ivr.IvrEvent;
import dev.forge.ivr.IvrOptions;
import dev.forge.ivr.IvrReply;
import dev.forge.ivr.IvrRequest;
import dev.forge.ivr.IvrRequestException;
import dev.forge.ivr.IvrTimeoutException;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.glassfish.tyrus.client.ClientManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** IvrClient against FakeIvrPlatform, end to end over a real WebSocket on loopback. */
class FakeIvrPlatformTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TOKEN = "t0k3n-for-tests";

    private FakeIvrPlatform platform;

    @BeforeEach
    void start() {
        platform = FakeIvrPlatform.start(TOKEN);
    }

    @AfterEach
    void stop() {
        platform.close();
    }

    private IvrClient connect(IvrOptions options) {
        return IvrClient.connect(platform.endpoint(), TOKEN, options);
    }

    private static <T> T next(BlockingQueue<T> queue) throws InterruptedException {
        T item = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(item, "nothing arrived within " + WAIT);
        return item;
    }

    @ParameterizedTest(name = "bearer={0}")
    @ValueSource(booleans = {true, false})
    void connectsWithEitherTokenStyleAndAnswersConnectionInfo(boolean bearer) throws Exception {
        try (IvrClient client = connect(IvrOptions.builder().bearerAuth(bearer).build())) {
            IvrReply info = client.connectionInfo();
            assertEquals("ok", info.resultText());
            assertEquals("token", info.extra().get("ownertype").textValue());
            assertTrue(info.extra().get("capabilities").toString().contains("ivrapi"));
            assertInstanceOf(IvrRequest.ConnectionInfo.class, platform.takeRequest(WAIT));
        }
    }

    @ParameterizedTest(name = "bearer={0}")
    @ValueSource(booleans = {true, false})
    void aWrongTokenFailsToConnect(boolean bearer) {
        IvrConnectionException e = assertThrows(IvrConnectionException.class, () -> IvrClient.connect(
                platform.endpoint(), "wrong",
                IvrOptions.builder().bearerAuth(bearer).connectTimeout(Duration.ofSeconds(5)).build()));
        assertTrue(e.getMessage().startsWith("Could not open the ivrapi socket at " + platform.endpoint()),
                e.getMessage());
        assertTrue(e.getMessage().contains("the server answered HTTP 401"), e.getMessage());
        assertTrue(!e.getMessage().contains("wrong"), "the token must not appear in the message");
    }

    @Test
    void controlsACallFromApiStartToApiStop() throws Exception {
        BlockingQueue<IvrEvent> events = new LinkedBlockingQueue<>();
        try (IvrClient client = connect(IvrOptions.defaults());
             IvrClient rival = connect(IvrOptions.defaults())) {
            client.addListener(events::add);
            assertEquals("ok", client.subscribe(ApiEvent.EVENT_CLASS).resultText());
            var subscribe = (IvrRequest.Subscribe) platform.takeRequest(WAIT);
            assertEquals(300, subscribe.expires());

            platform.startCall("rDlg-006-ZevQbP", "abc", "dialog");
            ApiEvent start = ((IvrEvent.Notify) next(events)).apiEvent().orElseThrow();
            assertEquals(ApiEvent.Type.START, start.type());
            assertEquals("dialog", start.state());

            assertEquals("ok", client.accept(start.key(), start.ivrid()).resultText());
            IvrRequestException refused = assertThrows(IvrRequestException.class,
                    () -> rival.accept(start.key(), start.ivrid()));
            assertEquals("ivrapi_accept", refused.request());
            assertEquals("session rDlg-006-ZevQbP is already accepted by another connection",
                    refused.fields().get("reason").textValue());

            ObjectNode playback = JsonNodeFactory.instance.objectNode().put("oType", 204).put("mode", 0)
                    .put("file", ":GS_PUB/x/y/14.mp3");
            assertEquals("ok", client.applyComponent(start.key(), start.ivrid(), playback).resultText());

            platform.dtmf(start.ivrid(), "5");
            var dtmf = (IvrEvent.Dtmf) next(events);
            assertEquals("5", dtmf.dtmf());
            assertEquals("component", dtmf.mode());

            platform.componentStopped(start.ivrid(), "transfer",
                    JsonNodeFactory.instance.objectNode().put("dtmfBuffer", "5"));
            var stopped = (IvrEvent.ComponentStopped) next(events);
            assertEquals("transfer", stopped.transferKey());
            assertTrue(stopped.ivrid().isEmpty(), "as in the seed, the stop event names no session");
            assertEquals(0L, stopped.oId(), "the apply set no oId");

            platform.stopCall(start.ivrid(), "script");
            ApiEvent stop = ((IvrEvent.Notify) next(events)).apiEvent().orElseThrow();
            assertEquals(ApiEvent.Type.STOP, stop.type());
            assertEquals("script", stop.reason());
        }
    }

    /** A call taken by {@code client}, with a playback (oId 9) running on it. */
    private static void playing(IvrClient client, FakeIvrPlatform platform) {
        platform.startCall("rDlg-1", "abc", "dialog");
        assertEquals("ok", client.accept("abc", "rDlg-1").resultText());
        ObjectNode playback = JsonNodeFactory.instance.objectNode().put("oType", 204).put("mode", 0)
                .put("file", ":GS_PUB/x/y/14.mp3").put("oId", 9);
        assertEquals("ok", client.applyComponent("abc", "rDlg-1", playback).resultText());
    }

    @Test
    void terminateAnswersWhetherTheComponentStillRan() throws Exception {
        BlockingQueue<IvrEvent> events = new LinkedBlockingQueue<>();
        try (IvrClient client = connect(IvrOptions.defaults())) {
            client.addListener(events::add);
            playing(client, platform);
            // running: stopped, its stop event (branch "terminated") before the answer
            assertEquals("ok", client.terminateComponent("abc", "rDlg-1").resultText());
            var stopped = (IvrEvent.ComponentStopped) next(events);
            assertEquals(FakeIvrPlatform.TERMINATED_KEY, stopped.transferKey());
            assertEquals(9L, stopped.oId());
            // ended: nothing to terminate, an error
            IvrRequestException refused = assertThrows(IvrRequestException.class,
                    () -> client.terminateComponent("abc", "rDlg-1"));
            assertEquals("no component is running on session rDlg-1", refused.fields().get("reason").textValue());
        }
    }

    @ParameterizedTest(name = "drop={0}")
    @ValueSource(booleans = {false, true})
    void eventsWhileTheControllerIsAwayAreKeptForTheReacceptOrDropped(boolean drop) throws Exception {
        platform.dropEventsWhileDisconnected(drop);
        BlockingQueue<IvrEvent> events = new LinkedBlockingQueue<>();
        BlockingQueue<Integer> back = new LinkedBlockingQueue<>();
        IvrOptions fastReconnect = IvrOptions.builder().reconnectInitialDelay(Duration.ofMillis(10))
                .reconnectMaxDelay(Duration.ofMillis(40)).build();
        try (IvrClient client = connect(fastReconnect)) {
            client.addListener(events::add);
            client.addConnectionListener(new IvrConnectionListener() {
                @Override
                public void onReconnected(int attempts) {
                    back.add(attempts);
                }
            });
            playing(client, platform);
            platform.refuseConnections(true);
            platform.disconnectAll();
            platform.dtmf("rDlg-1", "4"); // the caller presses 4, which ends the playback: nobody is connected
            platform.componentStopped("rDlg-1", "transfer", JsonNodeFactory.instance.objectNode()
                    .put("dtmfBuffer", "4"));
            platform.refuseConnections(false);
            next(back);
            assertEquals("ok", client.reaccept("abc", "rDlg-1").resultText());
            if (!drop) {
                assertEquals("4", ((IvrEvent.Dtmf) next(events)).dtmf());
                var stopped = (IvrEvent.ComponentStopped) next(events);
                assertEquals(9L, stopped.oId());
                assertEquals("4", stopped.results().path("dtmfBuffer").asText());
            }
            // either way the platform has nothing running: a terminate finds nothing to stop
            IvrRequestException refused = assertThrows(IvrRequestException.class,
                    () -> client.terminateComponent("abc", "rDlg-1"));
            assertEquals("no component is running on session rDlg-1", refused.fields().get("reason").textValue());
            platform.dtmf("rDlg-1", "9"); // a live event: everything kept would have come before it
            assertEquals("9", ((IvrEvent.Dtmf) next(events)).dtmf(), "the outage's events were dropped: " + events);
        }
    }

    @Test
    void aMalformedFrameIsSkippedAndTheConnectionStays() throws Exception {
        try (IvrClient client = connect(IvrOptions.defaults())) {
            client.connectionInfo();
            platform.sendRaw("[\"ivrapi_dtmf\", not json");
            platform.sendRaw("{\"not\":\"an array\"}");
            assertEquals("ok", client.connectionInfo().resultText());
            assertTrue(client.isOpen());
        }
    }

    @Test
    void aRequestWithNoReplyTimesOutWithAClearMessage() {
        platform.ignore("connection_info");
        try (IvrClient client = connect(IvrOptions.builder().requestTimeout(Duration.ofMillis(300)).build())) {
            IvrTimeoutException e = assertThrows(IvrTimeoutException.class, client::connectionInfo);
            assertEquals("No connection_info_result for qid 1 within PT0.3S (IvrOptions.requestTimeout); the request"
                    + " was dropped. Is the session still controlled and the platform answering?", e.getMessage());
        }
    }

    @Test
    void theSubscriptionIsRenewedWithTheSameIdBeforeItExpires() throws Exception {
        IvrOptions shortLived = IvrOptions.builder().subscriptionExpires(Duration.ofSeconds(1)).renewAt(0.5).build();
        try (IvrClient client = connect(shortLived)) {
            client.subscribe(ApiEvent.EVENT_CLASS);
            var first = (IvrRequest.Subscribe) platform.takeRequest(WAIT);
            var renewal = (IvrRequest.Subscribe) platform.takeRequest(WAIT);
            assertNotNull(renewal, "no renewal within " + WAIT);
            assertEquals(first.id(), renewal.id());
            assertEquals(1, renewal.expires());
            assertTrue(!first.qid().equals(renewal.qid()));
        }
    }

    @Test
    void aDroppedConnectionFailsThePendingRequest() throws InterruptedException {
        platform.ignore("connection_info");
        try (IvrClient client = connect(IvrOptions.defaults())) {
            CompletionStage<IvrReply> pending = client.connectionInfoAsync();
            // the fake has the request, so it has the connection too (a just-opened one may not be listed yet)
            assertNotNull(platform.takeRequest("connection_info", WAIT));
            platform.disconnectAll();
            IvrConnectionException e = assertThrows(IvrConnectionException.class, () -> client.await(pending));
            assertTrue(e.getMessage().startsWith("The ivrapi socket closed"), e.getMessage());
        }
    }

    @Test
    void cancellingARequestCompletesItsStage() {
        platform.ignore("connection_info");
        try (IvrClient client = connect(IvrOptions.defaults())) {
            CompletionStage<IvrReply> pending = client.connectionInfoAsync();
            assertTrue(pending.toCompletableFuture().cancel(true));
            assertThrows(dev.forge.ivr.IvrException.class, () -> client.await(pending));
        }
    }

    /**
     * Grizzly's HTTP keep-alive closes a connection idle for 30 s unless the server turns it off; a controller
     * waiting for calls is idle that long, so the fake must keep it. The wait is the thing under test: 35 s with
     * no frame, then a request on the same connection.
     */
    @Test
    void aConnectionIdleForLongerThanThirtySecondsStaysOpen() throws Exception {
        try (IvrClient client = connect(IvrOptions.builder().reconnect(false).build())) {
            BlockingQueue<String> drops = new LinkedBlockingQueue<>();
            client.addConnectionListener(new IvrConnectionListener() {
                @Override
                public void onDisconnected(String reason) {
                    drops.add(reason);
                }
            });
            String drop = drops.poll(35, TimeUnit.SECONDS);
            assertEquals(null, drop, "the idle connection was closed: " + drop);
            assertTrue(client.connectionInfo().isOk());
            assertEquals(0, client.reconnectCount());
        }
    }

    /**
     * Tyrus re-arms a session's idle timer on every frame; with no idle timeout it runs that timer at once, one
     * wake-up of its timer pool per frame. The client makes it quiet: no timer runs per frame, and none is left
     * queued per frame either. (White-box: it reads the client's Tyrus container.)
     */
    @Test
    void framesNeitherRunNorQueueTyrusIdleTimers() throws Exception {
        try (IvrClient client = connect(IvrOptions.defaults())) {
            Field manager = IvrClient.class.getDeclaredField("manager");
            manager.setAccessible(true);
            ScheduledThreadPoolExecutor timers = (ScheduledThreadPoolExecutor)
                    ((ClientManager) manager.get(client)).getScheduledExecutorService();
            long ranBefore = timers.getCompletedTaskCount();
            for (int i = 0; i < 500; i++) {
                assertTrue(client.connectionInfo().isOk());
            }
            long ran = timers.getCompletedTaskCount() - ranBefore;
            assertTrue(ran < 5, "1,000 frames ran " + ran + " Tyrus timer tasks");
            assertTrue(timers.getQueue().size() < 5, "1,000 frames left " + timers.getQueue().size()
                    + " Tyrus timer tasks queued");
        }
    }
}
