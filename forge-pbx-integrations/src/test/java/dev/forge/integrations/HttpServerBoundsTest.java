package dev.forge.integrations;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The integrations' HTTP server under attack on loopback: slow clients (slowloris), oversized heads and
 * bodies. A bystander integration's {@code onhttp}, run by real V8, is probed all the while; each probe must
 * be answered within 2 s. The server runs with its default bounds.
 */
class HttpServerBoundsTest {

    private static final Duration PROBE_LIMIT = Duration.ofSeconds(2);
    private static final int ATTACKERS = 40;

    private final IntegrationRegistry registry = new IntegrationRegistry();
    private IntegrationHost host;
    private IntegrationHttpServer server;
    private final List<AutoCloseable> closers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        registry.register(Integration.builder().name("Bystander").identifier("bystander")
                .backend("function onhttp(data, callback) { callback(200, 'Ok', 'text/plain', 'here'); }").build());
        registry.enable(IntegrationRegistry.ALL_TENANTS, "bystander");
        host = IntegrationHost.builder(registry).secretKey(new byte[16]).build();
        server = IntegrationHttpServer.start(IntegrationHttp.builder(host).build(), 0);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closers) {
            c.close();
        }
        server.close();
        host.close();
    }

    @Test
    void fortySlowClientsForTwentySecondsDelayNoOne() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger cut = new AtomicInteger();
        Dribblers dribblers = new Dribblers(opened, cut);
        closers.add(dribblers);
        for (int i = 0; i < ATTACKERS; i++) {
            // half dribble a request head, half a whole head and then a body of a megabyte, one byte at a time
            dribblers.add(i % 2 == 0
                    ? "GET /integrations/bystander/slow HTTP/1.1\r\nHost: victim.example\r\nX-Pad: "
                    : "POST /integrations/bystander/slow HTTP/1.1\r\nHost: victim.example\r\nContent-Length: 1000000\r\n\r\n");
        }
        Probes probes = probe(Duration.ofSeconds(20));
        assertTrue(opened.get() >= ATTACKERS, "the attack ran: " + opened.get() + " connections");
        assertTrue(cut.get() >= ATTACKERS / 2, "slow clients are cut off (head 10 s, body 10 s): " + cut.get());
        assertTrue(server.slowConnectionsClosed() >= ATTACKERS / 2, "late heads: " + server.slowConnectionsClosed());
        probes.assertAllAnsweredInTime();
    }

    @Test
    void aFloodOfOversizedHeadsAndBodiesDelaysNoOneAndIsRefused() throws Exception {
        ConcurrentHashMap<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        AtomicBoolean flooding = new AtomicBoolean(true);
        ExecutorService flood = Executors.newFixedThreadPool(ATTACKERS);
        closers.add(flood::shutdownNow);
        String bigHead = "GET /integrations/bystander/big HTTP/1.1\r\nHost: victim.example\r\nX-Pad: "
                + "a".repeat(64 * 1024) + "\r\n\r\n";
        byte[] megabyte = new byte[1024 * 1024];
        for (int i = 0; i < ATTACKERS; i++) {
            int kind = i % 3;
            flood.submit(() -> {
                while (flooding.get()) {
                    try (Socket s = connect()) {
                        OutputStream out = s.getOutputStream();
                        if (kind == 0) {
                            out.write(bigHead.getBytes(StandardCharsets.US_ASCII));
                        } else if (kind == 1) {
                            out.write(("POST /integrations/bystander/big HTTP/1.1\r\nHost: victim.example\r\n"
                                    + "Content-Length: " + (5 * megabyte.length) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        } else {
                            out.write(("POST /integrations/bystander/big HTTP/1.1\r\nHost: victim.example\r\n"
                                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                            for (int c = 0; c < 5; c++) {
                                out.write((Integer.toHexString(megabyte.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                                out.write(megabyte);
                                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                            }
                            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        out.flush();
                        statuses.computeIfAbsent(status(s.getInputStream()), k -> new AtomicInteger()).incrementAndGet();
                    } catch (IOException e) {
                        // the server may close while the rest is still being written: that is a refusal too
                        statuses.computeIfAbsent(-1, k -> new AtomicInteger()).incrementAndGet();
                    }
                }
                return null;
            });
        }
        Probes probes = probe(Duration.ofSeconds(10));
        flooding.set(false);
        int refused = count(statuses, 431) + count(statuses, 413);
        assertTrue(count(statuses, 431) > 0 && count(statuses, 413) > 0, "heads get 431, bodies 413: " + statuses);
        assertEquals(0, count(statuses, 200), "no oversized request reached the hook: " + statuses);
        assertTrue(refused >= ATTACKERS, "the flood ran: " + statuses);
        probes.assertAllAnsweredInTime();
    }

    @Test
    void aLateHeadIsCutAndALateBodyGets408() throws Exception {
        try (IntegrationHttpServer strict = IntegrationHttpServer.builder(IntegrationHttp.builder(host).build())
                .headerTimeout(Duration.ofMillis(500)).bodyTimeout(Duration.ofMillis(500)).start()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", strict.port()), 5000);
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET /integrations/bystander/x HTTP/1.1\r\nHost: a\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(-1, s.getInputStream().read(), "a head that does not end is cut off");
            }
            assertEquals(1, strict.slowConnectionsClosed());
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", strict.port()), 5000);
                s.setSoTimeout(10_000);
                s.getOutputStream().write(("POST /integrations/bystander/x HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n"
                        + "12345").getBytes(StandardCharsets.US_ASCII));
                assertEquals(408, status(s.getInputStream()));
            }
        }
    }

    @Test
    void theBuilderNamesTheFieldAndValueItRefuses() {
        IntegrationHttpServer.Builder b = IntegrationHttpServer.builder(request -> null);
        assertEquals("headerTimeout: must be positive, got PT0S",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> b.headerTimeout(Duration.ZERO)).getMessage());
        assertEquals("maxThreads: must be at least 8, got 2",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> b.maxThreads(2)).getMessage());
        assertEquals("port: must be 0 to 65535, got 70000",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> b.port(70000)).getMessage());
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        s.setSoTimeout(30_000);
        return s;
    }

    /** The status of the answer on {@code in}: the number in its status line. */
    private static int status(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        String[] parts = line.toString().trim().split(" ");
        return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
    }

    private static int count(ConcurrentHashMap<Integer, AtomicInteger> statuses, int status) {
        AtomicInteger n = statuses.get(status);
        return n == null ? 0 : n.get();
    }

    /** Probes the bystander four times a second for {@code length}. */
    private Probes probe(Duration length) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(PROBE_LIMIT).build();
        int count = (int) (length.toMillis() / 250);
        Probes probes = new Probes(count);
        ScheduledExecutorService every = Executors.newScheduledThreadPool(2);
        try {
            every.scheduleAtFixedRate(() -> {
                long start = System.nanoTime();
                String result;
                try {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.uri()
                                    + "/integrations/bystander/probe")).timeout(PROBE_LIMIT).build(),
                            HttpResponse.BodyHandlers.ofString());
                    result = r.statusCode() + " " + r.body();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception e) {
                    result = e.toString();
                }
                probes.done(result, Duration.ofNanos(System.nanoTime() - start));
            }, 0, 250, TimeUnit.MILLISECONDS);
            assertTrue(probes.all.await(length.toMillis() + 30_000, TimeUnit.MILLISECONDS),
                    "the probes ran: " + probes.all.getCount() + " left, late " + probes.late);
        } finally {
            every.shutdownNow();
        }
        return probes;
    }

    /** What the probes saw. */
    private static final class Probes {
        final CountDownLatch all;
        final ConcurrentLinkedQueue<String> late = new ConcurrentLinkedQueue<>();
        volatile Duration slowest = Duration.ZERO;

        Probes(int count) {
            this.all = new CountDownLatch(count);
        }

        synchronized void done(String result, Duration took) {
            if (all.getCount() == 0) {
                return;
            }
            if (took.compareTo(slowest) > 0) {
                slowest = took;
            }
            if ((!result.equals("200 here") || took.compareTo(PROBE_LIMIT) > 0) && late.size() < 10) {
                late.add(result + " in " + took.toMillis() + " ms");
            }
            all.countDown();
        }

        void assertAllAnsweredInTime() {
            assertTrue(late.isEmpty(), "every probe answered within 2 s (slowest " + slowest.toMillis() + " ms): " + late);
        }
    }

    /**
     * Connections that each send their text one byte every 100 ms, for ever: when the server cuts one off, it
     * is counted and opened again.
     */
    private final class Dribblers implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(4);
        private final AtomicInteger opened;
        private final AtomicInteger cut;

        Dribblers(AtomicInteger opened, AtomicInteger cut) {
            this.opened = opened;
            this.cut = cut;
        }

        void add(String text) {
            byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
            Socket[] socket = new Socket[1];
            int[] at = new int[1];
            timer.scheduleWithFixedDelay(() -> {
                try {
                    if (socket[0] == null) {
                        socket[0] = connect();
                        opened.incrementAndGet();
                        at[0] = 0;
                    }
                    // past the text: more header padding, or more body
                    socket[0].getOutputStream().write(at[0] < bytes.length ? bytes[at[0]] : 'a');
                    at[0]++;
                } catch (IOException e) {
                    cut.incrementAndGet();
                    try {
                        socket[0].close();
                    } catch (IOException | RuntimeException ignored) {
                        // already gone
                    }
                    socket[0] = null;
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
