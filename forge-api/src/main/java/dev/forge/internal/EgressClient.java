package dev.forge.internal;

import dev.forge.EgressPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP/1.1 client behind {@code fetch} and {@code system.http}: one exchange per connection, to the one
 * address the {@link EgressPolicy} checked.
 *
 * <p>Why not {@code java.net.http.HttpClient}: it resolves the name itself when it connects, so a name could
 * be checked against one address and connect to another (DNS rebinding), and Java 17 gives it no resolver to
 * plug in. Here an exchange goes:
 * <ol>
 *   <li>at once, on the caller's thread: the URL, the name against {@link EgressPolicy#allows}, the method and
 *       headers (no CR or LF, none of the headers that frame the message), and the body's size against
 *       {@link EgressPolicy#maxRequestBytes()}, counted without copying it; any mistake is an
 *       {@link IllegalArgumentException} whose message the binding prefixes with its own name;</li>
 *   <li>on an egress thread: the name resolved once with {@link EgressPolicy#resolver()} (an IP literal is not
 *       resolved), the first address checked with {@link EgressPolicy#refusal} (a refusal fails the future with
 *       {@link Refused}), a socket connected to exactly that address, TLS with the name for SNI and the
 *       certificate check, the request written (the body encoded to UTF-8 in small pieces straight onto the
 *       socket, never copied whole), and the response read with its body capped at
 *       {@link EgressPolicy#maxResponseBytes()} ({@link TooLarge} past it; a {@code Content-Length} over the
 *       cap fails before the body is read).</li>
 * </ol>
 * The whole exchange must end by the request's deadline, or its socket is closed and it fails with a
 * {@link SocketTimeoutException}; cancelling the future closes the socket too. At most {@link #MAX_IN_FLIGHT}
 * exchanges run at once, {@link #MAX_IN_FLIGHT_PER_TENANT} of one tenant, so that one tenant's slow server
 * cannot hold every egress thread.
 *
 * <p>Thread-safety: thread-safe. {@link #close()} ends every exchange in flight and is idempotent.
 */
public final class EgressClient implements AutoCloseable {

    /** Exchanges in flight at once, over all tenants. */
    public static final int MAX_IN_FLIGHT = 1024;
    /** Exchanges in flight at once for one tenant. */
    public static final int MAX_IN_FLIGHT_PER_TENANT = 256;
    /** The longest request head (request line and headers) sent, and the longest response head read. */
    public static final int MAX_HEAD_BYTES = 64 * 1024;

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
     * @param tls            the TLS socket factory, or null for the JVM's default
     * @param verifyHost     whether the server's certificate must name the host (false only with a factory that
     *                       trusts everything, for {@code system.http}'s {@code verify: false})
     */
    public record Request(String tenant, URI uri, String method, List<Header> headers, String body,
                          Duration connectTimeout, long deadlineNanos, SSLSocketFactory tls, boolean verifyHost) {
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

    private final EgressPolicy policy;
    private final ThreadPoolExecutor pool;
    private final ScheduledThreadPoolExecutor deadlines;
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();
    private final Set<Exchange> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public EgressClient(EgressPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        int n = CLIENTS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(0, MAX_IN_FLIGHT, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(null, r, "forge-egress-" + n + "-" + threads.incrementAndGet(), 512 * 1024);
            t.setDaemon(true);
            return t;
        });
        this.deadlines = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "forge-egress-" + n + "-deadlines");
            t.setDaemon(true);
            return t;
        });
        deadlines.setRemoveOnCancelPolicy(true);
    }

    /**
     * Checks {@code r} and starts its exchange.
     *
     * @return the response, or the exchange's failure ({@link Refused}, {@link TooLarge},
     *         {@link SocketTimeoutException}, another {@link IOException})
     * @throws IllegalArgumentException if the request is wrong or not allowed, before anything is sent
     */
    public CompletableFuture<Response> send(Request r) {
        Objects.requireNonNull(r, "request");
        String scheme = r.uri.getScheme() == null ? "" : r.uri.getScheme().toLowerCase(Locale.ROOT);
        String host = r.uri.getHost();
        if (!scheme.equals("http") && !scheme.equals("https") || host == null) {
            throw new IllegalArgumentException("'" + r.uri + "' is not an http or https URL");
        }
        int port = port(r.uri);
        if (!policy.allows(r.tenant, host, port)) {
            throw new IllegalArgumentException("egress to " + host + ":" + port + " is not allowed for '" + r.tenant + "'");
        }
        long bodyBytes = r.body == null ? -1 : utf8Length(r.body);
        if (bodyBytes > policy.maxRequestBytes()) {
            throw new IllegalArgumentException("the request body is " + bodyBytes + " bytes, over the limit of "
                    + policy.maxRequestBytes() + " bytes (EgressPolicy.maxRequestBytes)");
        }
        byte[] head = head(r, host, bodyBytes);
        if (closed) {
            throw new IllegalStateException("egress: closed");
        }
        reserve(r.tenant);
        Exchange x = new Exchange(r, host, port, head, bodyBytes);
        live.add(x);
        try {
            pool.execute(x);
        } catch (RejectedExecutionException e) {
            x.finished();
            x.completeExceptionally(new IOException(closed ? "egress: closed"
                    : "more than " + MAX_IN_FLIGHT + " requests are in flight on this host; try again later"));
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

    /** Ends every exchange in flight (each fails) and stops the egress threads. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pool.shutdown();
        deadlines.shutdownNow();
        for (Exchange x : List.copyOf(live)) {
            x.abort("egress: closed");
        }
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
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

    // ---- the request ---------------------------------------------------------------------------------

    /** The request line and headers, checked: no CR, LF or NUL anywhere, no framing header from the script. */
    private static byte[] head(Request r, String host, long bodyBytes) {
        if (!isToken(r.method)) {
            throw new IllegalArgumentException("method: '" + r.method + "' is not an HTTP method");
        }
        String path = r.uri.getRawPath() == null || r.uri.getRawPath().isEmpty() ? "/" : r.uri.getRawPath();
        String query = r.uri.getRawQuery() == null ? "" : "?" + r.uri.getRawQuery();
        StringBuilder b = new StringBuilder(256).append(r.method).append(' ').append(path).append(query)
                .append(" HTTP/1.1\r\n");
        b.append("Host: ").append(host).append(r.uri.getPort() == -1 ? "" : ":" + r.uri.getPort()).append("\r\n");
        boolean agent = false;
        for (Header h : r.headers) {
            if (!isToken(h.name)) {
                throw new IllegalArgumentException("header name '" + printable(h.name) + "' is not a valid HTTP header name");
            }
            String lower = h.name.toLowerCase(Locale.ROOT);
            if (RESTRICTED.contains(lower)) {
                throw new IllegalArgumentException("header '" + h.name + "' is set by Forge and may not be given");
            }
            for (int i = 0; i < h.value.length(); i++) {
                char c = h.value.charAt(i);
                if (c > 0xff || c < 0x20 && c != '\t' || c == 0x7f) {
                    throw new IllegalArgumentException("header '" + h.name + "' has a character its value may not hold ("
                            + String.format("U+%04X", (int) c) + " at " + i + ")");
                }
            }
            agent |= lower.equals("user-agent");
            b.append(h.name).append(": ").append(h.value.strip()).append("\r\n");
            if (b.length() > MAX_HEAD_BYTES) {
                throw new IllegalArgumentException("the request headers are over " + MAX_HEAD_BYTES + " bytes");
            }
        }
        if (!agent) {
            b.append("User-Agent: forge\r\n");
        }
        if (r.body != null) {
            b.append("Content-Length: ").append(bodyBytes).append("\r\n");
        } else if (r.method.equals("POST") || r.method.equals("PUT") || r.method.equals("PATCH")) {
            b.append("Content-Length: 0\r\n");
        }
        b.append("Connection: close\r\n\r\n");
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
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

    /** Encodes {@code body} onto {@code out} in 8 KiB pieces: no whole copy of it is ever made. */
    private static long writeBody(String body, OutputStream out) throws IOException {
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .replaceWith(new byte[] {'?'});
        CharBuffer in = CharBuffer.wrap(body);
        ByteBuffer buf = ByteBuffer.allocate(8192);
        long written = 0;
        boolean done = false;
        while (!done) {
            CoderResult result = encoder.encode(in, buf, true);
            if (result.isUnderflow()) {
                encoder.flush(buf);
                done = true;
            }
            out.write(buf.array(), 0, buf.position());
            written += buf.position();
            buf.clear();
        }
        return written;
    }

    // ---- one exchange --------------------------------------------------------------------------------

    /** One exchange: its future, its socket while it has one, and why it was ended early, if it was. */
    private final class Exchange extends CompletableFuture<Response> implements Runnable {
        private final Request r;
        private final String host;
        private final int port;
        private final byte[] head;
        private final long bodyBytes;
        private final Object lock = new Object();
        private Socket socket;
        private String aborted;
        private boolean released;

        Exchange(Request r, String host, int port, byte[] head, long bodyBytes) {
            this.r = r;
            this.host = host;
            this.port = port;
            this.head = head;
            this.bodyBytes = bodyBytes;
        }

        @Override
        public void run() {
            ScheduledFuture<?> timer = null;
            try {
                long left = r.deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("timed out before it started");
                }
                long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(left));
                timer = deadlines.schedule(() -> abort("timed out after " + ms + " ms"), left, TimeUnit.NANOSECONDS);
                complete(exchange());
            } catch (IOException | RuntimeException e) {
                String why;
                synchronized (lock) {
                    why = aborted;
                }
                completeExceptionally(why == null || e instanceof Refused ? e
                        : why.startsWith("timed out") ? new SocketTimeoutException(why) : new IOException(why, e));
            } finally {
                if (timer != null) {
                    timer.cancel(false);
                }
                close(socketOf());
                finished();
            }
        }

        private Response exchange() throws IOException {
            InetAddress address = resolve();
            Optional<String> refused = policy.refusal(r.tenant, host, port, address);
            if (refused.isPresent()) {
                throw new Refused(refused.get());
            }
            LOG.debug("egress for '{}': {}:{} at {}", r.tenant, host, port, address.getHostAddress());
            Socket plain = new Socket();
            attach(plain);
            long left = TimeUnit.NANOSECONDS.toMillis(r.deadlineNanos - System.nanoTime());
            int connectMs = (int) Math.max(1, Math.min(r.connectTimeout.toMillis(), Math.min(left, Integer.MAX_VALUE)));
            try {
                plain.connect(new InetSocketAddress(address, port), connectMs);
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException("connecting to " + host + ":" + port + " (" + address.getHostAddress()
                        + ") timed out after " + connectMs + " ms");
            }
            Socket s = plain;
            if ("https".equalsIgnoreCase(r.uri.getScheme())) {
                s = tls(plain);
            }
            OutputStream out = s.getOutputStream();
            out.write(head);
            if (r.body != null) {
                long written = writeBody(r.body, out);
                if (written != bodyBytes) {
                    throw new IOException("the request body encoded to " + written + " bytes, not the " + bodyBytes
                            + " announced");
                }
            }
            out.flush();
            return new ResponseReader(new BufferedInputStream(s.getInputStream(), 16 * 1024), policy.maxResponseBytes())
                    .read(r.method.equals("HEAD"));
        }

        /** The one address to check and connect to: the literal itself, or the first the resolver gives. */
        private InetAddress resolve() throws UnknownHostException {
            InetAddress literal = IpLiteral.parse(host);
            if (literal != null) {
                return literal;
            }
            List<InetAddress> all = policy.resolver().resolve(host);
            if (all == null || all.isEmpty() || all.get(0) == null) {
                throw new UnknownHostException(host + ": the resolver found no address");
            }
            return all.get(0);
        }

        private Socket tls(Socket plain) throws IOException {
            SSLSocketFactory factory = r.tls != null ? r.tls : (SSLSocketFactory) SSLSocketFactory.getDefault();
            String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            // the name, never the address, goes to TLS: it is sent as SNI and the certificate must match it
            SSLSocket ssl = (SSLSocket) factory.createSocket(plain, name, port, true);
            attach(ssl);
            SSLParameters params = ssl.getSSLParameters();
            if (r.verifyHost) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            params.setApplicationProtocols(new String[] {"http/1.1"});
            ssl.setSSLParameters(params);
            ssl.startHandshake();
            return ssl;
        }

        private void attach(Socket s) throws IOException {
            synchronized (lock) {
                if (aborted == null) {
                    socket = s;
                    return;
                }
            }
            close(s);
            throw new IOException("ended before connecting");
        }

        private Socket socketOf() {
            synchronized (lock) {
                return socket;
            }
        }

        /** Ends the exchange from outside: its socket is closed, so the egress thread's I/O fails at once. */
        void abort(String why) {
            Socket s;
            synchronized (lock) {
                if (aborted == null) {
                    aborted = why;
                }
                s = socket;
            }
            close(s);
            if (why.equals("egress: closed")) {
                completeExceptionally(new IOException(why));
            }
        }

        void finished() {
            synchronized (lock) {
                if (released) {
                    return;
                }
                released = true;
            }
            live.remove(this);
            release(r.tenant);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            abort("cancelled");
            return super.cancel(mayInterruptIfRunning);
        }

        private void close(Socket s) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing is all that was wanted
                }
            }
        }
    }

    // ---- the response --------------------------------------------------------------------------------

    /** Reads one HTTP/1.1 response: its head (at most {@link #MAX_HEAD_BYTES}) and its body, capped. */
    static final class ResponseReader {
        private static final int MAX_CHUNK_LINE = 1024;
        private final InputStream in;
        private final int cap;
        private int headLeft = MAX_HEAD_BYTES;

        ResponseReader(InputStream in, int cap) {
            this.in = in;
            this.cap = cap;
        }

        Response read(boolean head) throws IOException {
            int status;
            Map<String, List<String>> headers;
            do {
                status = statusLine(line());
                headers = headers();
            } while (status >= 100 && status < 200 && status != 101);
            if (status == 101) {
                throw new IOException("the server switched protocols (101), which is not supported");
            }
            String body = head || status == 204 || status == 304 ? "" : body(headers);
            Map<String, List<String>> frozen = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            headers.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
            return new Response(status, Collections.unmodifiableMap(frozen), body);
        }

        private static int statusLine(String line) throws IOException {
            if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
                throw new IOException("the server did not answer with HTTP/1.x: '" + abbreviate(line) + "'");
            }
            try {
                int status = Integer.parseInt(line.substring(9, 12));
                if (status < 100 || status > 999 || line.length() > 12 && line.charAt(12) != ' ') {
                    throw new NumberFormatException();
                }
                return status;
            } catch (NumberFormatException e) {
                throw new IOException("the server's status line has no status code: '" + abbreviate(line) + "'");
            }
        }

        private Map<String, List<String>> headers() throws IOException {
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String line = line(); !line.isEmpty(); line = line()) {
                int colon = line.indexOf(':');
                if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t'
                        || !isToken(line.substring(0, colon))) {
                    throw new IOException("the server sent a malformed header line: '" + abbreviate(line) + "'");
                }
                headers.computeIfAbsent(line.substring(0, colon), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).strip());
            }
            return headers;
        }

        private String body(Map<String, List<String>> headers) throws IOException {
            List<String> te = headers.get("Transfer-Encoding");
            if (te != null) {
                String last = String.join(",", te).toLowerCase(Locale.ROOT);
                last = last.substring(last.lastIndexOf(',') + 1).strip();
                return last.equals("chunked") ? chunked() : untilEnd();
            }
            List<String> length = headers.get("Content-Length");
            if (length == null) {
                return untilEnd();
            }
            long n = -1;
            for (String v : String.join(",", length).split(",")) {
                long one;
                try {
                    one = Long.parseLong(v.strip());
                } catch (NumberFormatException e) {
                    throw new IOException("the server sent Content-Length '" + abbreviate(String.join(",", length)) + "'");
                }
                if (one < 0 || n != -1 && one != n) {
                    throw new IOException("the server sent Content-Length '" + abbreviate(String.join(",", length)) + "'");
                }
                n = one;
            }
            if (n > cap) {
                throw tooLarge();
            }
            byte[] body = new byte[(int) n];
            int read = 0;
            while (read < n) {
                int got = in.read(body, read, (int) n - read);
                if (got < 0) {
                    throw new IOException("the response ended after " + read + " of its " + n + " bytes");
                }
                read += got;
            }
            return new String(body, StandardCharsets.UTF_8);
        }

        private String chunked() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (;;) {
                String line = chunkLine();
                int semi = line.indexOf(';');
                long size;
                try {
                    size = Long.parseLong((semi < 0 ? line : line.substring(0, semi)).strip(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("the server sent a malformed chunk size: '" + abbreviate(line) + "'");
                }
                if (size < 0) {
                    throw new IOException("the server sent a malformed chunk size: '" + abbreviate(line) + "'");
                }
                if (size == 0) {
                    headLeft = MAX_HEAD_BYTES;
                    while (!line().isEmpty()) {
                        // trailers: read and dropped
                    }
                    return body.toString(StandardCharsets.UTF_8);
                }
                if (body.size() + size > cap) {
                    throw tooLarge();
                }
                long left = size;
                while (left > 0) {
                    int got = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (got < 0) {
                        throw new IOException("the response ended inside a chunk");
                    }
                    body.write(buf, 0, got);
                    left -= got;
                }
                if (!chunkLine().isEmpty()) {
                    throw new IOException("the server sent a chunk longer than its size");
                }
            }
        }

        private String untilEnd() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int got; (got = in.read(buf)) >= 0; ) {
                if (body.size() + got > cap) {
                    throw tooLarge();
                }
                body.write(buf, 0, got);
            }
            return body.toString(StandardCharsets.UTF_8);
        }

        private TooLarge tooLarge() {
            return new TooLarge("the response body is over the limit of " + cap + " bytes (EgressPolicy.maxResponseBytes)");
        }

        /** One line of the head (or the trailers), without its CR LF; counts against the head's limit. */
        private String line() throws IOException {
            return line(true);
        }

        /** A chunk's size line, or the end of its data: a line of its own limit, so many chunks are fine. */
        private String chunkLine() throws IOException {
            return line(false);
        }

        private String line(boolean head) throws IOException {
            StringBuilder b = new StringBuilder(64);
            for (int n = 0; ; n++) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException(!head ? "the response ended inside its chunks"
                            : b.length() == 0 ? "the server closed the connection without an answer"
                            : "the server closed the connection inside the response's head");
                }
                if (head ? --headLeft < 0 : n > MAX_CHUNK_LINE) {
                    throw new IOException(head ? "the response's head is over " + MAX_HEAD_BYTES + " bytes"
                            : "the server sent a chunk size line over " + MAX_CHUNK_LINE + " bytes");
                }
                if (c == '\n') {
                    int end = b.length();
                    if (end > 0 && b.charAt(end - 1) == '\r') {
                        b.setLength(end - 1);
                    }
                    return b.toString();
                }
                b.append((char) c);
            }
        }

        private static String abbreviate(String s) {
            return printable(s.length() <= 80 ? s : s.substring(0, 80) + "...");
        }
    }
}
