package dev.forge.testkit.integrations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.testkit.internal.TestJson;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real browser for front-end tests: Chromium started headless with a throw-away profile, driven over the
 * Chrome DevTools Protocol on a loopback WebSocket (the JDK's own client; no WebDriver).
 *
 * <pre>{@code
 * try (HeadlessChromium browser = HeadlessChromium.start()) {
 *     browser.navigate(server.uri() + "/settings/tenant/tenant1.pbx.com");
 *     browser.waitFor("document.body.dataset.ready === 'true'");
 *     browser.type("section[data-identifier=crm] [name=url]", "https://crm.example");
 *     JsonNode v = browser.evaluate("document.title");
 * }
 * }</pre>
 *
 * <p>The executable is {@code $FORGE_CHROMIUM}, else the first of {@code chromium}, {@code chromium-browser},
 * {@code google-chrome} on the {@code PATH} (Debian: {@code apt-get install chromium}). Each wait is bounded
 * ({@link #DEFAULT_TIMEOUT}); waits for the page watch the DOM for the change rather than sleeping.
 *
 * <p>Thread-safety: not thread-safe; one test thread drives it. {@link #close()} ends the browser and its child
 * processes and deletes the profile; it is idempotent.
 *
 * @since 0.1.0
 */
public final class HeadlessChromium implements AutoCloseable {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://[^\\s]+)");

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final Duration timeout;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
    private final Map<String, List<CompletableFuture<JsonNode>>> waiters = new ConcurrentHashMap<>();
    private final List<String> console = new CopyOnWriteArrayList<>();
    private boolean closed;

    private HeadlessChromium(Process process, Path profile, WebSocket socket, Duration timeout) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
        this.timeout = timeout;
    }

    /** Where Chromium is, if anywhere. */
    public static Optional<Path> find() {
        String configured = System.getenv("FORGE_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured));
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Starts the browser found by {@link #find()}.
     *
     * @throws IllegalStateException if there is none, saying how to get one
     */
    public static HeadlessChromium start() throws IOException {
        Path executable = find().orElseThrow(() -> new IllegalStateException("no Chromium found: install it "
                + "(Debian: apt-get install -y chromium) or set FORGE_CHROMIUM to its executable"));
        return start(executable, DEFAULT_TIMEOUT);
    }

    /** Starts {@code executable} headless, waiting at most {@code timeout} for it and for each later step. */
    public static HeadlessChromium start(Path executable, Duration timeout) throws IOException {
        Path profile = Files.createTempDirectory("forge-chromium-");
        List<String> command = List.of(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--mute-audio",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=" + profile,
                "about:blank");
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            URI browser = URI.create(listening(process, timeout));
            URI page = pageSocket(browser, timeout);
            Listener listener = new Listener();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(timeout)
                    .buildAsync(page, listener).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            HeadlessChromium chromium = new HeadlessChromium(process, profile, socket, timeout);
            listener.owner = chromium;
            chromium.call("Page.enable", TestJson.object());
            chromium.call("Runtime.enable", TestJson.object());
            return chromium;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroy(process, profile);
            throw new IOException("interrupted while starting Chromium");
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            destroy(process, profile);
            throw new IOException("Chromium did not start: " + e, e);
        }
    }

    /** Reads Chromium's stderr until it names its DevTools endpoint. */
    private static String listening(Process process, Duration timeout) throws InterruptedException, ExecutionException,
            TimeoutException {
        CompletableFuture<String> found = new CompletableFuture<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        found.complete(m.group(1));
                    } else if (!found.isDone() && seen.size() < 50) {
                        seen.add(line);
                    }
                }
            } catch (IOException e) {
                // the process ended; reported below
            }
            found.completeExceptionally(new IllegalStateException("Chromium exited without a DevTools endpoint: " + seen));
        }, "forge-chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        return found.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The WebSocket of the browser's first page, from its /json/list. */
    private static URI pageSocket(URI browser, Duration timeout) throws InterruptedException, ExecutionException,
            TimeoutException {
        URI list = URI.create("http://" + browser.getHost() + ":" + browser.getPort() + "/json/list");
        HttpResponse<String> r = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(list).timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        for (JsonNode target : TestJson.parse("/json/list", r.body())) {
            if ("page".equals(target.path("type").asText())) {
                return URI.create(target.path("webSocketDebuggerUrl").asText());
            }
        }
        throw new IllegalStateException("Chromium has no page target: " + r.body());
    }

    /** Opens {@code url} and waits for its load event. */
    public void navigate(String url) {
        CompletableFuture<JsonNode> loaded = next("Page.loadEventFired");
        ObjectNode params = TestJson.object();
        params.put("url", url);
        JsonNode result = call("Page.navigate", params);
        if (result.hasNonNull("errorText")) {
            throw new IllegalStateException("navigate " + url + ": " + result.get("errorText").asText());
        }
        await(loaded, "the load event of " + url);
    }

    /**
     * Evaluates {@code expression} in the page (awaiting it if it is a promise) and returns its value as JSON.
     *
     * @throws IllegalStateException with the page's error if it throws or rejects
     */
    public JsonNode evaluate(String expression) {
        ObjectNode params = TestJson.object();
        params.put("expression", expression);
        params.put("awaitPromise", true);
        params.put("returnByValue", true);
        JsonNode result = call("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) {
            JsonNode d = result.get("exceptionDetails");
            String text = d.path("exception").path("description").asText(d.path("text").asText());
            throw new IllegalStateException("the page threw: " + text + "\nconsole: " + console);
        }
        JsonNode value = result.path("result").path("value");
        return value.isMissingNode() ? TestJson.MAPPER.nullNode() : value;
    }

    /**
     * Waits until {@code condition} (a JavaScript expression) is truthy in the page, re-checking whenever the DOM
     * changes, and returns its value.
     */
    public JsonNode waitFor(String condition) {
        long ms = timeout.toMillis();
        String quoted = TestJson.write(TestJson.MAPPER.getNodeFactory().textNode(condition));
        return evaluate("new Promise((resolve, reject) => {"
                + " const check = () => { let v; try { v = (" + condition + "); } catch (e) { v = undefined; }"
                + "   if (v) { resolve(v); return true; } return false; };"
                + " if (check()) return;"
                + " const watch = new MutationObserver(() => { if (check()) { watch.disconnect(); clearTimeout(timer); } });"
                + " watch.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});"
                + " const timer = setTimeout(() => { watch.disconnect(); if (!check()) reject(new Error('timed out after "
                + ms + " ms waiting for ' + " + quoted + ")); }, " + ms + ");"
                + "})");
    }

    /** Focuses the element {@code selector} names, empties it, and types {@code text} into it as a user would. */
    public void type(String selector, String text) {
        String sel = TestJson.write(TestJson.MAPPER.getNodeFactory().textNode(selector));
        evaluate("(() => { const el = document.querySelector(" + sel + ");"
                + " if (!el) throw new Error('no element ' + " + sel + ");"
                + " el.value = ''; el.focus(); })()");
        ObjectNode params = TestJson.object();
        params.put("text", text);
        call("Input.insertText", params);
    }

    /** Clicks the element {@code selector} names. */
    public void click(String selector) {
        String sel = TestJson.write(TestJson.MAPPER.getNodeFactory().textNode(selector));
        evaluate("(() => { const el = document.querySelector(" + sel + ");"
                + " if (!el) throw new Error('no element ' + " + sel + "); el.click(); })()");
    }

    /** What the page wrote to its console so far, and its uncaught errors. */
    public List<String> console() {
        return List.copyOf(console);
    }

    /** Sends one DevTools command and waits for its result. */
    public JsonNode call(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        replies.put(id, reply);
        ObjectNode message = TestJson.object();
        message.put("id", id);
        message.put("method", method);
        message.set("params", params);
        socket.sendText(TestJson.write(message), true);
        JsonNode answer = await(reply, method);
        if (answer.has("error")) {
            throw new IllegalStateException(method + ": " + answer.get("error").path("message").asText());
        }
        return answer.path("result");
    }

    private CompletableFuture<JsonNode> next(String event) {
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        waiters.computeIfAbsent(event, e -> new CopyOnWriteArrayList<>()).add(f);
        return f;
    }

    private JsonNode await(CompletableFuture<JsonNode> f, String what) {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer within " + timeout.toMillis() + " ms for " + what
                    + "\nconsole: " + console);
        }
    }

    private void onMessage(String text) {
        JsonNode message = TestJson.parse("devtools message", text);
        if (message.has("id")) {
            CompletableFuture<JsonNode> reply = replies.remove(message.get("id").asInt());
            if (reply != null) {
                reply.complete(message);
            }
            return;
        }
        String method = message.path("method").asText();
        JsonNode params = message.path("params");
        if (method.equals("Runtime.consoleAPICalled")) {
            StringBuilder line = new StringBuilder(params.path("type").asText()).append(':');
            for (JsonNode arg : params.path("args")) {
                line.append(' ').append(arg.has("value") ? arg.get("value").asText() : arg.path("description").asText());
            }
            console.add(line.toString());
        } else if (method.equals("Runtime.exceptionThrown")) {
            console.add("uncaught: " + params.path("exceptionDetails").path("exception").path("description")
                    .asText(params.path("exceptionDetails").path("text").asText()));
        }
        List<CompletableFuture<JsonNode>> waiting = waiters.remove(method);
        if (waiting != null) {
            waiting.forEach(f -> f.complete(params));
        }
    }

    private void onClosed(Throwable why) {
        IllegalStateException e = new IllegalStateException("the DevTools connection closed" + (why == null ? "" : ": " + why));
        replies.values().forEach(f -> f.completeExceptionally(e));
        waiters.values().forEach(list -> list.forEach(f -> f.completeExceptionally(e)));
    }

    /** Ends the browser and deletes its profile. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        socket.abort();
        destroy(process, profile);
    }

    private static void destroy(Process process, Path profile) {
        List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                children.forEach(ProcessHandle::destroyForcibly);
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // a child still writing: the temporary directory is cleaned by the system later
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // as above
        }
    }

    /** Joins the text frames of the DevTools WebSocket into messages. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        volatile HeadlessChromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                HeadlessChromium o = owner;
                if (o != null) {
                    o.onMessage(text);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            HeadlessChromium o = owner;
            if (o != null) {
                o.onClosed(null);
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            HeadlessChromium o = owner;
            if (o != null) {
                o.onClosed(error);
            }
        }
    }
}
