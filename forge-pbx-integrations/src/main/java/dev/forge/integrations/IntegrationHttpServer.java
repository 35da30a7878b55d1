package dev.forge.integrations;

import dev.forge.integrations.internal.JettyWebHandler;
import dev.forge.integrations.internal.SlowConnections;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link IntegrationHttp} (or any {@link WebHandler}) served by Jetty, with a bound on everything a client can
 * hold: how long it may take to send a request's head and its body, how long a connection may sit idle, how
 * large a head and a body may be, how many connections are open and how many threads serve them.
 *
 * <pre>{@code
 * try (IntegrationHttpServer server = IntegrationHttpServer.start(http, 8080)) {   // 127.0.0.1:8080
 *     ...
 * }
 * IntegrationHttpServer server = IntegrationHttpServer.builder(http)
 *         .address(new InetSocketAddress("0.0.0.0", 8443)).maxConnections(2000).start();
 * }</pre>
 *
 * <p>Jetty reads requests without holding a thread while a client is slow, so a few slow clients cannot stop
 * the others; a client that has not sent a whole request head within {@link Builder#headerTimeout} of
 * connecting (or of its previous answer) is disconnected, and one whose body takes longer than
 * {@link Builder#bodyTimeout} gets 408. A head over {@link Builder#maxHeaderBytes} gets 431 and a body over
 * {@link Builder#maxBodyBytes} 413, before Forge reads it. The answers are computed asynchronously: a slow hook
 * holds no thread either. The reason phrase of an answer is Jetty's standard one.
 *
 * <p>A PBX that runs its own Jetty can mount {@link #handler(WebHandler, int, Duration)} in it instead; one
 * with another server calls {@link WebHandler#handle} from it.
 *
 * <p>Thread-safety: thread-safe; {@link #close()} is idempotent and does not close the dispatcher's host.
 *
 * @since 0.1.0
 */
public final class IntegrationHttpServer implements AutoCloseable {

    /** The largest request body accepted by default: 1 MiB. */
    public static final int MAX_REQUEST_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_HEADER_BYTES = 8 * 1024;
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    public static final int DEFAULT_MAX_THREADS = 32;

    private final Server server;
    private final ServerConnector connector;
    private final SlowConnections slow;
    private final AtomicBoolean closed = new AtomicBoolean();

    private IntegrationHttpServer(Server server, ServerConnector connector, SlowConnections slow) {
        this.server = server;
        this.connector = connector;
        this.slow = slow;
    }

    /** Serves {@code http} on {@code 127.0.0.1:port} (0 for any free port) with the default bounds. */
    public static IntegrationHttpServer start(WebHandler http, int port) throws IOException {
        return builder(http).port(port).start();
    }

    /** Serves {@code http} on {@code address} with the default bounds. */
    public static IntegrationHttpServer start(WebHandler http, InetSocketAddress address) throws IOException {
        return builder(http).address(address).start();
    }

    public static Builder builder(WebHandler http) {
        return new Builder(http);
    }

    /**
     * {@code http} as a Jetty {@link Handler}, for a PBX's own Jetty server: bodies over {@code maxBodyBytes}
     * get 413 and bodies slower than {@code bodyTimeout} 408. The bounds on connections, heads and threads are
     * then that server's.
     */
    public static Handler handler(WebHandler http, int maxBodyBytes, Duration bodyTimeout) {
        return new JettyWebHandler(Objects.requireNonNull(http, "http"), positive("maxBodyBytes", maxBodyBytes),
                positive("bodyTimeout", bodyTimeout));
    }

    /** Where the server listens. */
    public InetSocketAddress address() {
        String host = connector.getHost();
        return new InetSocketAddress(host == null ? "0.0.0.0" : host, connector.getLocalPort());
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** The server's base URI, e.g. {@code http://127.0.0.1:8080}. */
    public URI uri() {
        String host = address().getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + port());
    }

    /** Connections cut so far for not sending a request head in time. */
    public long slowConnectionsClosed() {
        return slow.closed();
    }

    /** Stops the server at once (exchanges in progress are cut off). Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            slow.close();
            try {
                server.stop();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(IntegrationHttpServer.class).debug("stopping: {}", e.toString());
            }
        }
    }

    private static int positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + ": must be positive, got " + value);
        }
        return value;
    }

    private static Duration positive(String field, Duration value) {
        Objects.requireNonNull(value, field);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + ": must be positive, got " + value);
        }
        return value;
    }

    /** Builds and starts an {@link IntegrationHttpServer}. Not thread-safe. */
    public static final class Builder {
        private final WebHandler http;
        private InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
        private Duration bodyTimeout = DEFAULT_BODY_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
        private int maxBodyBytes = MAX_REQUEST_BYTES;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxThreads = DEFAULT_MAX_THREADS;

        private Builder(WebHandler http) {
            this.http = Objects.requireNonNull(http, "http");
        }

        /** Where to listen; {@code 127.0.0.1} and any free port by default. */
        public Builder address(InetSocketAddress value) {
            this.address = Objects.requireNonNull(value, "address");
            return this;
        }

        /** The port on 127.0.0.1 (0 for any free one). */
        public Builder port(int value) {
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException("port: must be 0 to 65535, got " + value);
            }
            this.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), value);
            return this;
        }

        /** How long a client has to send a whole request head, from connecting or from its previous answer. */
        public Builder headerTimeout(Duration value) {
            this.headerTimeout = positive("headerTimeout", value);
            return this;
        }

        /** How long a client has to send a request's whole body once its head arrived; then 408. */
        public Builder bodyTimeout(Duration value) {
            this.bodyTimeout = positive("bodyTimeout", value);
            return this;
        }

        /** How long a connection may pass without a byte either way before it is closed. */
        public Builder idleTimeout(Duration value) {
            this.idleTimeout = positive("idleTimeout", value);
            return this;
        }

        /** The largest request head (request line and headers); a larger one gets 431. */
        public Builder maxHeaderBytes(int value) {
            this.maxHeaderBytes = positive("maxHeaderBytes", value);
            return this;
        }

        /** The largest request body; a larger one gets 413. */
        public Builder maxBodyBytes(int value) {
            this.maxBodyBytes = positive("maxBodyBytes", value);
            return this;
        }

        /** How many connections may be open at once; past it, new ones wait in the OS' backlog. */
        public Builder maxConnections(int value) {
            this.maxConnections = positive("maxConnections", value);
            return this;
        }

        /** The most threads the server uses (at least 8: Jetty keeps some for accepting and selecting). */
        public Builder maxThreads(int value) {
            if (value < 8) {
                throw new IllegalArgumentException("maxThreads: must be at least 8, got " + value);
            }
            this.maxThreads = value;
            return this;
        }

        /**
         * Starts serving.
         *
         * @throws IOException if the address cannot be bound
         */
        public IntegrationHttpServer start() throws IOException {
            QueuedThreadPool threads = new QueuedThreadPool(maxThreads, 2);
            threads.setName("forge-integrations-http");
            threads.setDaemon(true);
            Server server = new Server(threads);
            HttpConfiguration config = new HttpConfiguration();
            config.setRequestHeaderSize(maxHeaderBytes);
            config.setSendServerVersion(false);
            config.setSendXPoweredBy(false);
            ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
            connector.setHost(address.getAddress() == null ? address.getHostString()
                    : address.getAddress().getHostAddress());
            connector.setPort(address.getPort());
            connector.setIdleTimeout(idleTimeout.toMillis());
            connector.setAcceptQueueSize(128);
            SlowConnections slow = new SlowConnections(headerTimeout);
            connector.addBean(slow.listener());
            server.addConnector(connector);
            server.addBean(new NetworkConnectionLimit(maxConnections, connector));
            server.setHandler(new JettyWebHandler(http, maxBodyBytes, bodyTimeout));
            server.setStopTimeout(0);
            try {
                server.start();
            } catch (IOException e) {
                stopQuietly(server, slow);
                throw e;
            } catch (Exception e) {
                stopQuietly(server, slow);
                throw new IOException("cannot serve on " + address + ": " + e.getMessage(), e);
            }
            slow.start();
            return new IntegrationHttpServer(server, connector, slow);
        }

        private static void stopQuietly(Server server, SlowConnections slow) {
            slow.close();
            try {
                server.stop();
            } catch (Exception ignored) {
                // it did not start
            }
        }
    }
}
