package dev.forge.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis server for tests, found the way the test kit promises:
 * <ol>
 *   <li>{@code FORGE_REDIS_URL} if set (a server someone else runs; {@link #stop()} and {@link #start()}
 *       are then unavailable);</li>
 *   <li>else {@code redis-server} from the {@code PATH}, started on a free loopback port;</li>
 *   <li>else the Linux x86-64 server binary shipped inside {@code com.github.codemonstur:embedded-redis}
 *       (add it with test scope), copied to a temporary file and started the same way.</li>
 * </ol>
 * A server this class starts binds to 127.0.0.1 only, keeps its data in a temporary directory with
 * append-only persistence (so a {@link #restart()} keeps what was written), and is stopped by
 * {@link #close()}.
 *
 * <p>Thread-safety: not thread-safe; one test class owns an instance.
 *
 * @since 0.1.0
 */
public final class TestRedis implements AutoCloseable {

    /** The environment variable naming an external server, e.g. {@code redis://127.0.0.1:6379/0}. */
    public static final String URL_VARIABLE = "FORGE_REDIS_URL";

    private static final String EMBEDDED_BINARY = "redis-server-6.2.6-v5-linux-amd64";

    private final String externalUrl;
    private final Path binary;
    private final Path dir;
    private final int port;
    private Process process;

    private TestRedis(String externalUrl, Path binary, Path dir, int port) {
        this.externalUrl = externalUrl;
        this.binary = binary;
        this.dir = dir;
        this.port = port;
    }

    /** Finds or starts a server as described above. */
    public static TestRedis start() {
        String url = System.getenv(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            return new TestRedis(url.trim(), null, null, -1);
        }
        Path binary = onPath().orElseGet(TestRedis::embedded);
        try {
            TestRedis redis = new TestRedis(null, binary, Files.createTempDirectory("forge-redis-"), freePort());
            redis.launch();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start a Redis server from " + binary, e);
        }
    }

    /** The server's address as {@code redis://127.0.0.1:PORT/0} (or {@code FORGE_REDIS_URL}). */
    public String url() {
        return externalUrl != null ? externalUrl : "redis://127.0.0.1:" + port + "/0";
    }

    /** The server's address in Teleforge's {@code host:port/db} form. */
    public String hostPortDb() {
        if (externalUrl != null) {
            return externalUrl.replaceFirst("^rediss?://([^@]*@)?", "");
        }
        return "127.0.0.1:" + port + "/0";
    }

    /** Whether this class started the server (and so can stop and restart it). */
    public boolean managed() {
        return externalUrl == null;
    }

    /** Stops the server abruptly (SIGKILL); its data on disk stays. */
    public void kill() {
        requireManaged();
        if (process != null) {
            process.destroyForcibly();
            waitFor(process);
            process = null;
        }
    }

    /** Stops the server as an operator would: SHUTDOWN, which writes its data first. */
    public void stop() {
        requireManaged();
        if (process != null) {
            command("SHUTDOWN");
            waitFor(process);
            process = null;
        }
    }

    /** Starts the server again on the same port with the same data. */
    public void restart() {
        requireManaged();
        if (process != null) {
            stop();
        }
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException("could not restart Redis", e);
        }
    }

    /** Sends one inline command (e.g. {@code FLUSHALL}) and returns the first line of the reply. */
    public String command(String inline) {
        String host = managed() ? "127.0.0.1" : null;
        if (host == null) {
            throw new IllegalStateException("command() needs a server this class started; use a client for " + url());
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        } catch (IOException e) {
            if (inline.startsWith("SHUTDOWN")) {
                return "";
            }
            throw new UncheckedIOException("Redis at " + url() + " did not answer " + inline, e);
        }
    }

    private void launch() throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--dir", dir.toString(), "--appendonly", "yes", "--appendfsync", "always",
                "--save", "", "--protected-mode", "yes", "--daemonize", "no"));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("redis-server exited with " + process.exitValue() + ": " + log());
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                if (command("PING").equals("+PONG")) {
                    return;
                }
            } catch (IOException | UncheckedIOException notYet) {
                // not listening yet: wait on the process for a moment, then try again
            }
            try {
                process.waitFor(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while Redis started", e);
            }
        }
        throw new IOException("redis-server did not answer PING within 20 s: " + log());
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("redis.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private void requireManaged() {
        if (!managed()) {
            throw new IllegalStateException("the Redis at " + URL_VARIABLE + " is not ours to stop or restart");
        }
    }

    private static void waitFor(Process p) {
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Optional<Path> onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String d : path.split(":")) {
            Path candidate = Path.of(d, "redis-server");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Path embedded() {
        try (InputStream in = TestRedis.class.getClassLoader().getResourceAsStream(EMBEDDED_BINARY)) {
            if (in == null) {
                throw new IllegalStateException("no Redis for tests: set " + URL_VARIABLE + ", put redis-server on the PATH "
                        + "(apt-get install redis-server), or add com.github.codemonstur:embedded-redis with test scope");
            }
            Path file = Files.createTempFile("forge-redis-server-", "");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not unpack the embedded Redis server", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Stops a server this class started and deletes its data. */
    @Override
    public void close() {
        if (managed()) {
            if (process != null) {
                process.destroyForcibly();
                waitFor(process);
                process = null;
            }
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // temporary data; nothing else to do
            }
        }
    }
}
