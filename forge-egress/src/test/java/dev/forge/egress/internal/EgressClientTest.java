package dev.forge.egress.internal;

import com.sun.net.httpserver.HttpServer;
import dev.forge.EgressPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The egress client against real servers on loopback (IPv4 and IPv6, plain and TLS): the address check, the
 * pinned connection, the request and response caps, the deadline and cancellation.
 */
class EgressClientTest {

    private static HttpServer v4;
    private static HttpServer v6;
    private static final LinkedBlockingQueue<Map<String, String>> SEEN = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws IOException {
        v4 = server(InetAddress.getByName("127.0.0.1"));
        v6 = server(InetAddress.getByName("::1"));
    }

    @AfterAll
    static void stop() {
        v4.stop(0);
        v6.stop(0);
    }

    /** A server that answers /echo with the request's body and keeps the Host header and body it saw. */
    private static HttpServer server(InetAddress address) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(address, 0), 0);
        s.createContext("/echo", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            SEEN.add(Map.of("host", String.valueOf(exchange.getRequestHeaders().getFirst("Host")),
                    "method", exchange.getRequestMethod(), "length", Integer.toString(body.length)));
            exchange.getResponseHeaders().add("X-Seen", "yes");
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        s.createContext("/big", exchange -> {
            exchange.sendResponseHeaders(200, 2000);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(new byte[2000]);
            } catch (IOException clientGaveUp) {
                // expected
            }
        });
        s.createContext("/chunked", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 20; i++) {
                    out.write(new byte[100]);
                    out.flush();
                }
            } catch (IOException clientGaveUp) {
                // expected
            }
        });
        s.start();
        return s;
    }

    private static int port(HttpServer s) {
        return s.getAddress().getPort();
    }

    private static EgressClient.Request get(String tenant, String url) {
        return request(tenant, url, "GET", null);
    }

    private static EgressClient.Request request(String tenant, String url, String method, String body) {
        return new EgressClient.Request(tenant, URI.create(url), method, List.of(), body, Duration.ofSeconds(5),
                System.nanoTime() + TimeUnit.SECONDS.toNanos(10), true);
    }

    private static EgressClient.Response ok(CompletableFuture<EgressClient.Response> f) throws Exception {
        return f.get(15, TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletableFuture<EgressClient.Response> f) {
        return assertThrows(ExecutionException.class, () -> f.get(15, TimeUnit.SECONDS)).getCause();
    }

    private static Map<String, String> seen() throws InterruptedException {
        Map<String, String> s = SEEN.poll(10, TimeUnit.SECONDS);
        assertNotNull(s, "the server saw no request");
        return s;
    }

    @Test
    void aBracketedIpv6EntryReachesAServerOnIpv6Loopback() throws Exception {
        SEEN.clear();
        String entry = "[::1]:" + port(v6);
        EgressPolicy policy = EgressPolicy.builder().allow("acme", entry).build();
        try (EgressClient client = new EgressClient(policy)) {
            EgressClient.Response r = ok(client.send(request("acme", "http://[::1]:" + port(v6) + "/echo", "POST", "hi")));
            assertEquals(200, r.status());
            assertEquals("hi", r.body());
            assertEquals(List.of("yes"), r.headers().get("x-seen"), "header names compare without case");
            assertEquals("[::1]:" + port(v6), seen().get("host"));
        }
    }

    @Test
    void aNameThatResolvesToLoopbackIsRefusedBeforeAnyConnection() throws Exception {
        try (ServerSocket victim = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = victim.getLocalPort();
            AtomicInteger lookups = new AtomicInteger();
            EgressPolicy policy = EgressPolicy.builder().allow("acme", "victim.test:" + port)
                    .resolver(host -> {
                        lookups.incrementAndGet();
                        return List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
                    }).build();
            try (EgressClient client = new EgressClient(policy)) {
                Throwable e = failure(client.send(get("acme", "http://victim.test:" + port + "/")));
                assertInstanceOf(EgressClient.Refused.class, e);
                assertEquals("egress to victim.test:" + port + " is refused for 'acme': victim.test resolved to 127.0.0.1, "
                        + "a loopback address; the host must allow that address explicitly (allow(tenant, \"127.0.0.1:"
                        + port + "\"), allowPrivate(tenant, range), or --allow-host 127.0.0.1:" + port + ")", e.getMessage());
            }
            assertEquals(1, lookups.get());
            victim.setSoTimeout(1);
            assertThrows(SocketTimeoutException.class, victim::accept, "no connection was made");
        }
    }

    @Test
    void localhostByNameIsRefusedUnlessItsAddressIsAllowed() throws Exception {
        String url = "http://localhost:" + port(v4) + "/echo";
        EgressPolicy nameOnly = EgressPolicy.builder().allow("acme", "localhost:" + port(v4)).build();
        try (EgressClient client = new EgressClient(nameOnly)) {
            Throwable e = failure(client.send(get("acme", url)));
            assertInstanceOf(EgressClient.Refused.class, e);
            assertTrue(e.getMessage().startsWith("egress to localhost:" + port(v4) + " is refused for 'acme': localhost "
                    + "resolved to "), e.getMessage());
            assertTrue(e.getMessage().contains("a loopback address"), e.getMessage());
        }
        // localhost may resolve to ::1 first on some hosts: this test's server is on 127.0.0.1
        EgressPolicy withAddress = EgressPolicy.builder().allow("acme", "localhost:" + port(v4))
                .resolver(host -> List.of(InetAddress.getByName("127.0.0.1")))
                .allow("acme", "127.0.0.1:" + port(v4)).build();
        try (EgressClient client = new EgressClient(withAddress)) {
            SEEN.clear();
            assertEquals(200, ok(client.send(get("acme", url))).status());
            assertEquals("localhost:" + port(v4), seen().get("host"));
        }
    }

    @Test
    void theCheckedAddressIsTheOneConnectedToAndTheHostHeaderKeepsTheName() throws Exception {
        SEEN.clear();
        AtomicInteger lookups = new AtomicInteger();
        // a rebinding resolver: the second answer would be a different address
        EgressPolicy policy = EgressPolicy.builder().allow("acme", "victim.test:" + port(v4))
                .allowPrivate("acme", "127.0.0.1/32")
                .resolver(host -> List.of(lookups.incrementAndGet() == 1 ? InetAddress.getByName("127.0.0.1")
                        : InetAddress.getByName("10.255.255.1"))).build();
        try (EgressClient client = new EgressClient(policy)) {
            assertEquals(200, ok(client.send(get("acme", "http://victim.test:" + port(v4) + "/echo"))).status());
        }
        assertEquals("victim.test:" + port(v4), seen().get("host"));
        assertEquals(1, lookups.get(), "one lookup per exchange");
    }

    @Test
    void anOversizedRequestBodyIsRefusedBeforeAnythingIsSent() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            EgressPolicy policy = EgressPolicy.builder().allow("acme", "127.0.0.1:" + server.getLocalPort())
                    .maxRequestBytes(1000).build();
            try (EgressClient client = new EgressClient(policy)) {
                // 999 ASCII bytes and one two-byte character: 1001 bytes in UTF-8 from 1000 characters
                String body = "x".repeat(999) + "é";
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                        client.send(request("acme", "http://127.0.0.1:" + server.getLocalPort() + "/", "POST", body)));
                assertEquals("the request body is 1001 bytes, over the limit of 1000 bytes (EgressPolicy.maxRequestBytes)",
                        e.getMessage());
            }
            server.setSoTimeout(1);
            assertThrows(SocketTimeoutException.class, server::accept, "nothing was sent");
        }
    }

    @Test
    void aBodyAtTheCapArrivesWhole() throws Exception {
        SEEN.clear();
        EgressPolicy policy = EgressPolicy.builder().allow("acme", "127.0.0.1:" + port(v4)).maxRequestBytes(20_000).build();
        // two-, three- and four-byte characters across the encoder's 8 KiB pieces
        StringBuilder b = new StringBuilder();
        while (EgressClient.utf8Length(b) + 9 <= 20_000) {
            b.append("é€\uD83D\uDE00");
        }
        b.append("x".repeat((int) (20_000 - EgressClient.utf8Length(b))));
        String body = b.toString();
        assertEquals(body.getBytes(StandardCharsets.UTF_8).length, EgressClient.utf8Length(body));
        try (EgressClient client = new EgressClient(policy)) {
            EgressClient.Response r = ok(client.send(request("acme", "http://127.0.0.1:" + port(v4) + "/echo", "PUT", body)));
            assertEquals(body, r.body());
        }
        assertEquals("20000", seen().get("length"));
    }

    @Test
    void anOversizedResponseIsCut() throws Exception {
        EgressPolicy policy = EgressPolicy.builder().allow("acme", "127.0.0.1:" + port(v4)).maxResponseBytes(1000).build();
        try (EgressClient client = new EgressClient(policy)) {
            for (String path : List.of("/big", "/chunked")) {
                Throwable e = failure(client.send(get("acme", "http://127.0.0.1:" + port(v4) + path)));
                assertInstanceOf(EgressClient.TooLarge.class, e, path);
                assertEquals("the response body is over the limit of 1000 bytes (EgressPolicy.maxResponseBytes)",
                        e.getMessage());
            }
        }
    }

    @Test
    void aBodyOfManySmallChunksIsOneBody() throws Exception {
        // 30,000 one-byte chunks: 150 KB of chunk framing, more than a response head may hold. Chunk extensions are
        // read and dropped, but Jetty counts their bytes against the head's limit, so only some chunks have one
        StringBuilder answer = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 30_000; i++) {
            answer.append(i % 100 == 0 ? "1;ext=x\r\n" : "1\r\n").append((char) ('a' + i % 26)).append("\r\n");
        }
        answer.append("0\r\nX-Trailer: t\r\n\r\n");
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    readHead(s);
                    s.getOutputStream().write(answer.toString().getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the test fails on the missing answer
                }
            }, "chunked-server");
            t.setDaemon(true);
            t.start();
            EgressPolicy policy = EgressPolicy.builder().allow("acme", "127.0.0.1:" + server.getLocalPort()).build();
            try (EgressClient client = new EgressClient(policy)) {
                String body = ok(client.send(get("acme", "http://127.0.0.1:" + server.getLocalPort() + "/"))).body();
                assertEquals(30_000, body.length());
                assertTrue(body.startsWith("abcdefghijklmnopqrstuvwxyzabc"), body.substring(0, 30));
            }
        }
    }

    @Test
    void headersCannotSmuggleOrReframeARequest() {
        EgressPolicy policy = EgressPolicy.builder().allow("acme", "127.0.0.1:" + port(v4)).build();
        try (EgressClient client = new EgressClient(policy)) {
            URI uri = URI.create("http://127.0.0.1:" + port(v4) + "/echo");
            Map<EgressClient.Header, String> wrong = Map.of(
                    new EgressClient.Header("X-A", "1\r\nX-Injected: 1"), "header 'X-A' has a character its value may not "
                            + "hold (U+000D at 1)",
                    new EgressClient.Header("Content-Length", "5"), "header 'Content-Length' is set by Forge and may not be given",
                    new EgressClient.Header("Host", "elsewhere"), "header 'Host' is set by Forge and may not be given",
                    new EgressClient.Header("Bad Name", "v"), "header name 'Bad Name' is not a valid HTTP header name");
            wrong.forEach((header, message) -> assertEquals(message, assertThrows(IllegalArgumentException.class, () ->
                    client.send(new EgressClient.Request("acme", uri, "GET", List.of(header), null, Duration.ofSeconds(1),
                            System.nanoTime() + TimeUnit.SECONDS.toNanos(5), true))).getMessage()));
        }
    }

    @Test
    void theDeadlineAndCancellationCloseTheConnection() throws Exception {
        try (ServerSocket hanging = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = hanging.getLocalPort();
            EgressPolicy policy = EgressPolicy.builder().allow("acme", "127.0.0.1:" + port).build();
            try (EgressClient client = new EgressClient(policy)) {
                CompletableFuture<EgressClient.Response> timed = client.send(new EgressClient.Request("acme",
                        URI.create("http://127.0.0.1:" + port + "/"), "GET", List.of(), null, Duration.ofSeconds(5),
                        System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300), true));
                try (Socket s = hanging.accept()) {
                    assertTrue(readsToEnd(s), "the timed-out exchange closed its connection");
                }
                Throwable e = failure(timed);
                assertInstanceOf(SocketTimeoutException.class, e);
                assertTrue(e.getMessage().startsWith("timed out after "), e.getMessage());

                CompletableFuture<EgressClient.Response> cancelled = client.send(get("acme", "http://127.0.0.1:" + port + "/"));
                try (Socket s = hanging.accept()) {
                    readHead(s);
                    cancelled.cancel(true);
                    assertTrue(readsToEnd(s), "the cancelled exchange closed its connection");
                }
            }
        }
    }

    @Test
    void tlsUsesTheNameForSniAndTheCertificateWhileConnectingToTheCheckedAddress(@TempDir Path dir) throws Exception {
        SSLContext server = context(keystore(dir, "victim", "dns:victim.test"), true);
        SSLContext trustingIt = context(dir.resolve("victim.p12"), false);
        try (SSLServerSocket tls = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = tls.getLocalPort();
            List<SNIServerName> sni = new ArrayList<>();
            CountDownLatch served = new CountDownLatch(1);
            Thread t = new Thread(() -> {
                try (SSLSocket s = (SSLSocket) tls.accept()) {
                    s.startHandshake();
                    sni.addAll(((ExtendedSSLSession) s.getSession()).getRequestedServerNames());
                    String head = readHead(s);
                    sni.add(new SNIHostName(head.replaceAll("(?s).*\r\nHost: ([^:\r]+).*", "$1")));
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                } catch (IOException e) {
                    // the test below fails on the missing answer
                } finally {
                    served.countDown();
                }
            }, "tls-server");
            t.setDaemon(true);
            t.start();
            EgressPolicy policy = EgressPolicy.builder().allow("acme", "victim.test:" + port)
                    .allowPrivate("acme", "127.0.0.0/8")
                    .resolver(host -> List.of(InetAddress.getByName("127.0.0.1"))).build();
            try (EgressClient client = new EgressClient(policy, trustingIt)) {
                EgressClient.Response r = ok(client.send(new EgressClient.Request("acme",
                        URI.create("https://victim.test:" + port + "/"), "GET", List.of(), null, Duration.ofSeconds(5),
                        System.nanoTime() + TimeUnit.SECONDS.toNanos(10), true)));
                assertEquals("ok", r.body());
            }
            assertTrue(served.await(10, TimeUnit.SECONDS));
            assertEquals(List.of(new SNIHostName("victim.test"), new SNIHostName("victim.test")), sni,
                    "SNI, then the Host header");
        }
    }

    @Test
    void tlsChecksTheCertificateAgainstTheNameNotTheAddress(@TempDir Path dir) throws Exception {
        SSLContext server = context(keystore(dir, "other", "dns:other.test"), true);
        SSLContext trustingIt = context(dir.resolve("other.p12"), false);
        try (SSLServerSocket tls = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = tls.getLocalPort();
            Thread t = new Thread(() -> {
                try (SSLSocket s = (SSLSocket) tls.accept()) {
                    s.startHandshake();
                } catch (IOException expected) {
                    // the client rejects the certificate
                }
            }, "tls-server");
            t.setDaemon(true);
            t.start();
            EgressPolicy policy = EgressPolicy.builder().allow("acme", "victim.test:" + port)
                    .allowPrivate("acme", "127.0.0.0/8")
                    .resolver(host -> List.of(InetAddress.getByName("127.0.0.1"))).build();
            try (EgressClient client = new EgressClient(policy, trustingIt)) {
                Throwable e = failure(client.send(new EgressClient.Request("acme",
                        URI.create("https://victim.test:" + port + "/"), "GET", List.of(), null, Duration.ofSeconds(5),
                        System.nanoTime() + TimeUnit.SECONDS.toNanos(10), true)));
                assertInstanceOf(SSLHandshakeException.class, e);
                assertTrue(e.getMessage().contains("victim.test"), e.getMessage());
            }
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** Reads until the peer closes; true if it did (false would be a read timeout). */
    private static boolean readsToEnd(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        try {
            while (in.read() != -1) {
                // the request, then nothing until the client closes
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static String readHead(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.write(c);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** A PKCS#12 key store with a self-signed certificate for {@code san}, made by the JDK's keytool. */
    private static Path keystore(Path dir, String name, String san) throws Exception {
        Path file = dir.resolve(name + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + name, "-ext", "SAN=" + san, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", file.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(Files.size(file) > 0);
        return file;
    }

    /** A TLS context that serves the key store's key, or trusts its certificate. */
    private static SSLContext context(Path keystore, boolean serve) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        SSLContext c = SSLContext.getInstance("TLS");
        if (serve) {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "changeit".toCharArray());
            c.init(kmf.getKeyManagers(), null, null);
        } else {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            c.init(null, tmf.getTrustManagers(), null);
        }
        return c;
    }
}
