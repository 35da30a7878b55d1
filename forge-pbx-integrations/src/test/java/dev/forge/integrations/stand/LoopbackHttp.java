package dev.forge.integrations.stand;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the services integrations call (a CRM, a screen-pop service): the JDK's HTTP server on
 * 127.0.0.1 that keeps every request and answers each with one fixed JSON body. Shared with the test kit's
 * tests through this module's test-jar.
 */
public final class LoopbackHttp implements AutoCloseable {

    /** One request as it arrived. */
    public record Received(String method, String path, Map<String, List<String>> headers, String body) {
        /** The first value of header {@code name} (the JDK's spelling: {@code X-pop-token}), or null. */
        public String header(String name) {
            List<String> v = headers.get(name);
            return v == null ? null : v.get(0);
        }
    }

    private final HttpServer server;
    private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();

    /** A CRM that answers 201 with {@code {"id":"crm-1"}} and an {@code X-Crm} header. */
    public LoopbackHttp() throws IOException {
        this(201, "{\"id\":\"crm-1\"}");
    }

    /** A service that answers every request with {@code status} and the JSON {@code answerJson}. */
    public LoopbackHttp(int status, String answerJson) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    Map.copyOf(exchange.getRequestHeaders()), body));
            byte[] answer = answerJson.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("X-Crm", "yes");
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        server.start();
    }

    public String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public String url(String path) {
        return "http://" + hostPort() + path;
    }

    /** The next request, waiting at most fifteen seconds. */
    public Received take() throws InterruptedException {
        Received r = received.poll(15, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no request reached the local server within 15 s");
        }
        return r;
    }

    public int pending() {
        return received.size();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
