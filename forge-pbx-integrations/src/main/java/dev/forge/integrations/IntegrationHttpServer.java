package dev.forge.integrations;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link IntegrationHttp} (or any {@link WebHandler}) on the JDK's {@link HttpServer}.
 *
 * <pre>{@code
 * try (IntegrationHttpServer server = IntegrationHttpServer.start(http, 8080)) {   // 127.0.0.1:8080
 *     ...
 * }
 * }</pre>
 *
 * <p>Request bodies over {@link #MAX_REQUEST_BYTES} are refused with 413. The reason phrase of an answer is
 * not sent (the JDK's server picks its own). The server's threads read requests and write answers; the
 * answers themselves are computed asynchronously, so a slow hook holds no server thread.
 *
 * <p>Thread-safety: thread-safe; {@link #close()} is idempotent and does not close the dispatcher's host.
 */
public final class IntegrationHttpServer implements AutoCloseable {

    /** The largest request body accepted: 1 MiB. */
    public static final int MAX_REQUEST_BYTES = 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(IntegrationHttpServer.class);

    private final HttpServer server;
    private final ExecutorService threads;
    private final WebHandler http;
    private final AtomicBoolean closed = new AtomicBoolean();

    private IntegrationHttpServer(HttpServer server, ExecutorService threads, WebHandler http) {
        this.server = server;
        this.threads = threads;
        this.http = http;
    }

    /** Serves {@code http} on {@code 127.0.0.1:port} (0 for any free port). */
    public static IntegrationHttpServer start(WebHandler http, int port) throws IOException {
        return start(http, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    /** Serves {@code http} on {@code address}. */
    public static IntegrationHttpServer start(WebHandler http, InetSocketAddress address) throws IOException {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(address, "address");
        HttpServer server = HttpServer.create(address, 64);
        return serve(server, http);
    }

    /**
     * Serves {@code http} on a server the host made (an {@link HttpsServer}, say), which it must not have
     * started; this adapter starts it and stops it on {@link #close()}.
     */
    public static IntegrationHttpServer serve(HttpServer server, WebHandler http) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(http, "http");
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "forge-integrations-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ExecutorService threads = Executors.newFixedThreadPool(4, factory);
        server.setExecutor(threads);
        IntegrationHttpServer adapter = new IntegrationHttpServer(server, threads, http);
        server.createContext("/", adapter::exchange);
        server.start();
        return adapter;
    }

    /** Where the server listens. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The server's base URI, e.g. {@code http://127.0.0.1:8080}. */
    public URI uri() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create((server instanceof HttpsServer ? "https" : "http") + "://" + host + ":" + a.getPort());
    }

    private void exchange(HttpExchange exchange) {
        WebRequest request;
        try {
            byte[] body = readBody(exchange.getRequestBody());
            if (body == null) {
                send(exchange, WebResponse.text(413, "the request body is over " + MAX_REQUEST_BYTES + " bytes\n"));
                return;
            }
            List<Header> headers = new ArrayList<>();
            for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
                for (String v : h.getValue()) {
                    headers.add(new Header(h.getKey(), v));
                }
            }
            request = new WebRequest(exchange.getRequestMethod(), server instanceof HttpsServer ? "https" : "http",
                    exchange.getRequestURI().getRawPath() + (exchange.getRequestURI().getRawQuery() == null ? ""
                            : "?" + exchange.getRequestURI().getRawQuery()), headers,
                    new String(body, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            LOG.debug("bad request: {}", e.toString());
            send(exchange, WebResponse.text(400, "bad request\n"));
            return;
        }
        http.handle(request).whenComplete((response, error) ->
                send(exchange, error == null ? response : WebResponse.text(500, "the request failed\n")));
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_REQUEST_BYTES + 1);
        return bytes.length > MAX_REQUEST_BYTES ? null : bytes;
    }

    private static void send(HttpExchange exchange, WebResponse response) {
        try (exchange) {
            byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            for (Header h : response.headers()) {
                exchange.getResponseHeaders().add(h.name(), h.value());
            }
            boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
            exchange.sendResponseHeaders(response.status(), head || body.length == 0 ? -1 : body.length);
            if (!head && body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            LOG.debug("could not send the answer: {}", e.toString());
        }
    }

    /** Stops the server at once (exchanges in progress are cut off). Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
