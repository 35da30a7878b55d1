package dev.forge.egress.internal;

import dev.forge.EgressPolicy;
import dev.forge.internal.IpLiteral;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContinueProtocolHandler;
import org.eclipse.jetty.client.Destination;
import org.eclipse.jetty.client.EarlyHintsProtocolHandler;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProcessingProtocolHandler;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP client behind {@code fetch} and {@code system.http}: Jetty's {@link HttpClient}, made to connect
 * only to the one address the {@link EgressPolicy} checked.
 *
 * <p>Why not {@code java.net.http.HttpClient}: it resolves the name itself when it connects, so a name could be
 * checked against one address and connect to another (DNS rebinding), and Java 17 gives it no resolver to plug
 * in. Jetty takes a {@link SocketAddressResolver}; this one resolves once and returns only the address it
 * checked. An exchange goes:
 * <ol>
 *   <li>at once, on the caller's thread: the URL, the name against {@link EgressPolicy#allows}, the method and
 *       headers (no CR or LF, none of the headers that frame the message), and the body's size against
 *       {@link EgressPolicy#maxRequestBytes()}, counted before it is encoded; any mistake is an
 *       {@link IllegalArgumentException} whose message the binding prefixes with its own name;</li>
 *   <li>in Jetty: a connection kept for this tenant and destination is reused, or a new one is opened: the
 *       name resolved once with {@link EgressPolicy#resolver()} on an egress thread (an IP literal is not
 *       resolved), the first address checked with {@link EgressPolicy#refusal} (a refusal fails the future with
 *       {@link Refused}), a connection to exactly that address, TLS with the name for SNI and the certificate
 *       check; then the request, and the response with its body capped at {@link EgressPolicy#maxResponseBytes()}
 *       ({@link TooLarge} past it; a {@code Content-Length} over the cap fails before the body is read).</li>
 * </ol>
 * The whole exchange must end by the request's deadline, or it is aborted (its connection closed) and fails
 * with a {@link SocketTimeoutException}; cancelling the future aborts it too. Connections are HTTP/1.1, kept
 * per tenant and destination (the tenant is part of Jetty's destination, so one tenant's connection never
 * carries another's request) and closed after {@link #IDLE_TIMEOUT} unused. Redirects are not followed,
 * cookies are not kept, and bodies are not decompressed: a script sees what the server sent. At most
 * {@link #MAX_IN_FLIGHT} exchanges run at once, {@link #MAX_IN_FLIGHT_PER_TENANT} of one tenant, so that one
 * tenant's slow server cannot hold every connection and thread.
 *
 * <p>Thread-safety: thread-safe. Jetty starts on the first exchange; {@link #close()} ends every exchange in
 * flight, stops Jetty and is idempotent.
 */
public final class EgressClient implements AutoCloseable {

    /** Exchanges in flight at once, over all tenants. */
    public static final int MAX_IN_FLIGHT = 1024;
    /** Exchanges in flight at once for one tenant. */
    public static final int MAX_IN_FLIGHT_PER_TENANT = 256;
    /**
     * The longest request head (request line and headers) sent, and the longest response head read (Jetty counts
     * a chunked body's chunk extensions against it too).
     */
    public static final int MAX_HEAD_BYTES = 64 * 1024;
    /** How long a connection is kept for reuse when no exchange uses it. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Jetty's own connect timeout, which applies to every connection: only a backstop as long as the longest
     * {@code system.http} allows, since each request's connect timeout is a timer of its own (Exchange.start).
     */
    private static final Duration CONNECT_BACKSTOP = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(EgressClient.class);
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    /** Headers that frame the message or the connection: Forge writes them, a script may not. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "transfer-encoding", "connection",
            "keep-alive", "proxy-connection", "upgrade", "te", "trailer", "expect");

    /** One request header. */
    public record Header(String name, String value) {
        public Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * One exchange to make.
     *
     * @param tenant         whom the policy is asked for
     * @param uri            an http or https URL
     * @param method         an HTTP method, upper case
     * @param headers        request headers, in order
     * @param body           the body, or null for none
     * @param connectTimeout how long connecting may take (the deadline still applies)
     * @param deadlineNanos  by when ({@link System#nanoTime()}) the whole exchange must end
     * @param verify         whether the server's certificate is checked, against the trusted certificates and
     *                       the host's name (false only for {@code system.http}'s {@code verify: false})
     */
    public record Request(String tenant, URI uri, String method, List<Header> headers, String body,
                          Duration connectTimeout, long deadlineNanos, boolean verify) {
        public Request {
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(method, "method");
            headers = List.copyOf(Objects.requireNonNull(headers, "headers"));
            Objects.requireNonNull(connectTimeout, "connectTimeout");
        }
    }

    /**
     * A response.
     *
     * @param status  the status code
     * @param headers the headers by name, names compared without case, in name order
     * @param body    the body as UTF-8 text
     */
    public record Response(int status, Map<String, List<String>> headers, String body) {
    }

    /** The address a destination resolved to is not allowed: the message says which and why. Not worth a retry. */
    public static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** The response body is over the cap. Not worth a retry. */
    public static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    /**
     * Jetty's tag for a request: part of its destination, so connections are kept per tenant, and how the
     * resolver learns whom to check for and the name as the URL gave it.
     */
    private record Route(String tenant, String host) {
    }

    private final EgressPolicy policy;
    private final SSLContext trust;
    private final int number = CLIENTS.incrementAndGet();
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final Set<Exchange> live = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    /** Made on first use, under {@link #lock}: the threads both clients share, and a client per TLS mode. */
    private QueuedThreadPool threads;
    private Scheduler scheduler;
    private HttpClient verifying;
    private HttpClient trustingAll;
    private volatile boolean closed;

    /** A client that trusts the JVM's default certificate authorities. */
    public EgressClient(EgressPolicy policy) {
        this(policy, null);
    }

    /**
     * A client that trusts the servers {@code trust}'s trust managers accept (null: the JVM's default), and
     * still checks that a certificate names the host.
     */
    public EgressClient(EgressPolicy policy, SSLContext trust) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.trust = trust;
    }

    /**
     * Checks {@code r} and starts its exchange.
     *
     * @return the response, or the exchange's failure ({@link Refused}, {@link TooLarge},
     *         {@link SocketTimeoutException}, another {@link IOException})
     * @throws IllegalArgumentException if the request is wrong or not allowed, before anything is sent
     * @throws IllegalStateException    if this client is closed
     */
    public CompletableFuture<Response> send(Request r) {
        Objects.requireNonNull(r, "request");
        String scheme = r.uri.getScheme() == null ? "" : r.uri.getScheme().toLowerCase(Locale.ROOT);
        String host = r.uri.getHost();
        if (!scheme.equals("http") && !scheme.equals("https") || host == null) {
            throw new IllegalArgumentException("'" + r.uri + "' is not an http or https URL");
        }
        int port = r.uri.getPort() != -1 ? r.uri.getPort() : scheme.equals("https") ? 443 : 80;
        if (!policy.allows(r.tenant, host, port)) {
            throw new IllegalArgumentException("egress to " + host + ":" + port + " is not allowed for '" + r.tenant + "'");
        }
        long bodyBytes = r.body == null ? -1 : utf8Length(r.body);
        if (bodyBytes > policy.maxRequestBytes()) {
            throw new IllegalArgumentException("the request body is " + bodyBytes + " bytes, over the limit of "
                    + policy.maxRequestBytes() + " bytes (EgressPolicy.maxRequestBytes)");
        }
        checkHead(r);
        if (closed) {
            throw new IllegalStateException("egress: closed");
        }
        long left = r.deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return CompletableFuture.failedFuture(new SocketTimeoutException("timed out before it started"));
        }
        reserve(r.tenant);
        if (total.incrementAndGet() > MAX_IN_FLIGHT) {
            total.decrementAndGet();
            release(r.tenant);
            return CompletableFuture.failedFuture(new IOException("more than " + MAX_IN_FLIGHT
                    + " requests are in flight on this host; try again later"));
        }
        Exchange x = new Exchange(r, TimeUnit.NANOSECONDS.toMillis(left));
        live.add(x);
        try {
            x.start(client(r.verify), host, port);
        } catch (RuntimeException e) {
            x.finished(null, closed ? new IOException("egress: closed") : e);
        }
        return x;
    }

    /** The UTF-8 length of {@code text}, without encoding it (an unpaired surrogate is sent as '?'). */
    public static long utf8Length(CharSequence text) {
        long n = 0;
        int len = text.length();
        for (int i = 0; i < len; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(text.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n += 1;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Ends every exchange in flight (each fails) and stops Jetty and its threads. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (Exchange x : List.copyOf(live)) {
            x.abort(new IOException("egress: closed"));
        }
        for (Object part : new Object[] {verifying, trustingAll, scheduler, threads}) {
            if (part instanceof LifeCycle l) {
                try {
                    l.stop();
                } catch (Exception e) {
                    LOG.debug("egress: stopping {} failed", part, e);
                }
            }
        }
    }

    // ---- Jetty -----------------------------------------------------------------------------------------

    /** The client for {@code verify}, started on first use. */
    private HttpClient client(boolean verify) {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("egress: closed");
            }
            try {
                if (threads == null) {
                    threads = new QueuedThreadPool(MAX_IN_FLIGHT, 2, 30_000);
                    threads.setName("forge-egress-" + number);
                    threads.setDaemon(true);
                    threads.setReservedThreads(0);
                    threads.start();
                    scheduler = new ScheduledExecutorScheduler("forge-egress-" + number + "-timers", true);
                    scheduler.start();
                }
                if (verify && verifying == null) {
                    verifying = newClient(verifyingTls(), "");
                } else if (!verify && trustingAll == null) {
                    trustingAll = newClient(trustingAllTls(), "-unverified");
                }
            } catch (Exception e) {
                throw new IllegalStateException("egress: cannot start the HTTP client: " + e.getMessage(), e);
            }
            return verify ? verifying : trustingAll;
        }
    }

    private HttpClient newClient(SslContextFactory.Client tls, String suffix) throws Exception {
        HttpClient c = new HttpClient();
        c.setName("forge-egress-" + number + suffix);
        c.setExecutor(threads);
        c.setScheduler(scheduler);
        c.setSslContextFactory(tls);
        c.setSocketAddressResolver(new CheckedResolver());
        c.setFollowRedirects(false);
        c.setRedirectCache(null);
        c.setHttpCookieStore(new HttpCookieStore.Empty());
        c.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "forge"));
        c.setDefaultRequestContentType(null);
        c.setConnectTimeout(CONNECT_BACKSTOP.toMillis());
        c.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        c.setDestinationIdleTimeout(2 * IDLE_TIMEOUT.toMillis());
        // a tenant's requests never wait for one another's connections: its cap is the only queue
        c.setMaxConnectionsPerDestination(MAX_IN_FLIGHT_PER_TENANT);
        // checkHead holds a request head to MAX_HEAD_BYTES with its own message; Jetty's limit is above it
        c.setMaxRequestHeadersSize(2 * MAX_HEAD_BYTES);
        c.setMaxResponseHeadersSize(MAX_HEAD_BYTES);
        c.start();
        // the body as the server sent it (Jetty would ask for gzip and inflate it, past the size cap's count)
        c.getContentDecoderFactories().clear();
        // only the handlers of interim (1xx) responses: none that would send a request of its own (redirects,
        // authentication, upgrades)
        c.getProtocolHandlers().clear();
        c.getProtocolHandlers().put(new ContinueProtocolHandler());
        c.getProtocolHandlers().put(new ProcessingProtocolHandler());
        c.getProtocolHandlers().put(new EarlyHintsProtocolHandler());
        return c;
    }

    private SslContextFactory.Client verifyingTls() {
        SslContextFactory.Client tls = new SslContextFactory.Client();
        if (trust != null) {
            tls.setSslContext(trust);
        }
        // the certificate must name the host: the URL's name, never the address connected to
        tls.setEndpointIdentificationAlgorithm("HTTPS");
        return tls;
    }

    /** For {@code verify: false}: any certificate, any name. The caller warns; Jetty's own warning is left out. */
    private static SslContextFactory.Client trustingAllTls() {
        SslContextFactory.Client tls = new SslContextFactory.Client(true) {
            @Override
            protected void checkTrustAll() {
            }

            @Override
            protected void checkEndPointIdentificationAlgorithm() {
            }
        };
        tls.setEndpointIdentificationAlgorithm(null);
        return tls;
    }

    /**
     * Jetty asks this for the addresses of a destination when it opens a connection: the name is resolved once,
     * the first address checked, and only that address returned, so Jetty connects to what was checked.
     */
    private final class CheckedResolver implements SocketAddressResolver {
        @Override
        public void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
            Object destination = context.get(Destination.CONTEXT_KEY);
            Object tag = destination instanceof Destination d ? d.getOrigin().getTag() : null;
            if (!(tag instanceof Route route)) {
                promise.failed(new IOException("egress: a connection to " + host + ":" + port + " for no tenant"));
                return;
            }
            // the system's resolver blocks: never on the thread that sent the request
            Runnable lookup = () -> {
                try {
                    InetAddress address = resolveOnce(route.host);
                    Optional<String> refused = policy.refusal(route.tenant, route.host, port, address);
                    if (refused.isPresent()) {
                        promise.failed(new Refused(refused.get()));
                        return;
                    }
                    LOG.debug("egress for '{}': {}:{} at {}", route.tenant, route.host, port, address.getHostAddress());
                    promise.succeeded(List.of(new InetSocketAddress(address, port)));
                } catch (IOException | RuntimeException e) {
                    promise.failed(e);
                }
            };
            try {
                threads.execute(lookup);
            } catch (RejectedExecutionException e) {
                promise.failed(new IOException("egress: closed"));
            }
        }

        /**
         * The one address to check and connect to: the literal itself, or the first the resolver gives, carrying
         * the name. Jetty gives TLS the connected address's host string, for SNI and the certificate check, so
         * the address must hold the URL's name, whatever the resolver put in it; making it looks nothing up.
         */
        private InetAddress resolveOnce(String host) throws UnknownHostException {
            InetAddress literal = IpLiteral.parse(host);
            if (literal != null) {
                return literal;
            }
            List<InetAddress> all = policy.resolver().resolve(host);
            if (all == null || all.isEmpty() || all.get(0) == null) {
                throw new UnknownHostException(host + ": the resolver found no address");
            }
            InetAddress first = all.get(0);
            return first instanceof Inet6Address v6 && v6.getScopeId() != 0
                    ? Inet6Address.getByAddress(host, v6.getAddress(), v6.getScopeId())
                    : InetAddress.getByAddress(host, first.getAddress());
        }
    }

    // ---- the request -----------------------------------------------------------------------------------

    /** The request line and headers, checked: no CR, LF or NUL anywhere, no framing header from the script. */
    private static void checkHead(Request r) {
        if (!isToken(r.method)) {
            throw new IllegalArgumentException("method: '" + r.method + "' is not an HTTP method");
        }
        long size = r.method.length() + 1 + (r.uri.getRawPath() == null ? 1 : r.uri.getRawPath().length())
                + (r.uri.getRawQuery() == null ? 0 : 1 + r.uri.getRawQuery().length()) + " HTTP/1.1\r\n".length();
        for (Header h : r.headers) {
            if (!isToken(h.name)) {
                throw new IllegalArgumentException("header name '" + printable(h.name) + "' is not a valid HTTP header name");
            }
            if (RESTRICTED.contains(h.name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header '" + h.name + "' is set by Forge and may not be given");
            }
            for (int i = 0; i < h.value.length(); i++) {
                char c = h.value.charAt(i);
                if (c > 0xff || c < 0x20 && c != '\t' || c == 0x7f) {
                    throw new IllegalArgumentException("header '" + h.name + "' has a character its value may not hold ("
                            + String.format("U+%04X", (int) c) + " at " + i + ")");
                }
            }
            size += h.name.length() + 2 + h.value.length() + 2;
            if (size > MAX_HEAD_BYTES) {
                throw new IllegalArgumentException("the request headers are over " + MAX_HEAD_BYTES + " bytes");
            }
        }
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 60; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    private void reserve(String tenant) {
        boolean[] ok = {true};
        inFlight.compute(tenant, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= MAX_IN_FLIGHT_PER_TENANT) {
                ok[0] = false;
                return n;
            }
            return count + 1;
        });
        if (!ok[0]) {
            throw new IllegalArgumentException("more than " + MAX_IN_FLIGHT_PER_TENANT + " requests of '" + tenant
                    + "' are in flight; wait for some to finish");
        }
    }

    private void release(String tenant) {
        inFlight.computeIfPresent(tenant, (k, n) -> n <= 1 ? null : n - 1);
    }

    // ---- one exchange ----------------------------------------------------------------------------------

    /**
     * One exchange: its future, its Jetty request, and the response body read so far (capped). Its slot in the
     * in-flight counts is held until Jetty says the exchange is over, cancelled or not.
     */
    private final class Exchange extends CompletableFuture<Response> {
        private final Request r;
        private final long timeoutMs;
        private final boolean head;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile org.eclipse.jetty.client.Request request;

        Exchange(Request r, long timeoutMs) {
            this.r = r;
            this.timeoutMs = Math.max(1, timeoutMs);
            this.head = r.method.equals("HEAD");
        }

        void start(HttpClient client, String host, int port) {
            boolean agent = r.headers.stream().anyMatch(h -> h.name.equalsIgnoreCase("user-agent"));
            org.eclipse.jetty.client.Request q = client.newRequest(r.uri)
                    .method(r.method)
                    .tag(new Route(r.tenant, host))
                    .timeout(timeoutMs, TimeUnit.MILLISECONDS)
                    // silence within the deadline is allowed: only the deadline ends a slow exchange
                    .idleTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                    .headers(fields -> {
                        if (agent) {
                            fields.remove(HttpHeader.USER_AGENT);
                        }
                        for (Header h : r.headers) {
                            fields.add(h.name, h.value.strip());
                        }
                    });
            if (r.body != null) {
                // String.getBytes sends an unpaired surrogate as '?', as utf8Length counted it
                q.body(new BytesRequestContent((String) null, r.body.getBytes(StandardCharsets.UTF_8)));
            } else if (r.method.equals("POST") || r.method.equals("PUT") || r.method.equals("PATCH")) {
                q.body(new BytesRequestContent((String) null, new byte[0]));
            }
            long connectMs = Math.max(1, Math.min(r.connectTimeout.toMillis(), timeoutMs));
            Scheduler.Task connecting = client.getScheduler().schedule(() -> q.abort(new SocketTimeoutException(
                    "connecting to " + host + ":" + port + " timed out after " + connectMs + " ms")),
                    connectMs, TimeUnit.MILLISECONDS);
            q.onRequestBegin(begun -> connecting.cancel());
            q.onResponseHeaders(this::headers);
            q.onResponseContent(this::content);
            request = q;
            if (isDone()) {
                // cancelled or closed before the request existed
                connecting.cancel();
                finished(null, new IOException("egress: ended before it started"));
                return;
            }
            q.send(result -> {
                connecting.cancel();
                finished(result, result.getFailure());
            });
        }

        private void headers(org.eclipse.jetty.client.Response response) {
            int status = response.getStatus();
            if (head || status == 204 || status == 304) {
                return;
            }
            long length = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
            if (length > policy.maxResponseBytes()) {
                response.abort(tooLarge());
            }
        }

        private void content(org.eclipse.jetty.client.Response response, ByteBuffer chunk) {
            if (body.size() + (long) chunk.remaining() > policy.maxResponseBytes()) {
                response.abort(tooLarge());
                return;
            }
            byte[] bytes = new byte[chunk.remaining()];
            chunk.get(bytes);
            body.write(bytes, 0, bytes.length);
        }

        private TooLarge tooLarge() {
            return new TooLarge("the response body is over the limit of " + policy.maxResponseBytes()
                    + " bytes (EgressPolicy.maxResponseBytes)");
        }

        /** Jetty's end of the exchange (or a start that failed): completes the future and frees the slot. */
        void finished(Result result, Throwable failure) {
            if (failure == null) {
                org.eclipse.jetty.client.Response response = result.getResponse();
                Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                for (HttpField f : response.getHeaders()) {
                    headers.computeIfAbsent(f.getName(), k -> new ArrayList<>()).add(f.getValue());
                }
                headers.replaceAll((k, v) -> List.copyOf(v));
                complete(new Response(response.getStatus(), Collections.unmodifiableMap(headers),
                        body.toString(StandardCharsets.UTF_8)));
            } else {
                completeExceptionally(failure(failure));
            }
            if (released.compareAndSet(false, true)) {
                live.remove(this);
                total.decrementAndGet();
                release(r.tenant);
            }
        }

        /**
         * Jetty's failure as this class promises it: an IOException, a timeout as a SocketTimeoutException, an
         * early end in words (Jetty's message is a dump of its connection).
         */
        private Throwable failure(Throwable e) {
            if (e instanceof TimeoutException) {
                SocketTimeoutException timeout = new SocketTimeoutException("timed out after " + timeoutMs + " ms");
                timeout.initCause(e);
                return timeout;
            }
            if (e instanceof EOFException) {
                return new IOException("the server closed the connection before the response ended", e);
            }
            if (e instanceof IOException) {
                return e;
            }
            return new IOException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
        }

        /** Ends the exchange from outside: Jetty aborts it and closes its connection. */
        void abort(IOException why) {
            completeExceptionally(why);
            org.eclipse.jetty.client.Request q = request;
            if (q != null) {
                q.abort(why);
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            org.eclipse.jetty.client.Request q = request;
            if (q != null) {
                q.abort(new IOException("cancelled"));
            }
            return cancelled;
        }
    }
}
