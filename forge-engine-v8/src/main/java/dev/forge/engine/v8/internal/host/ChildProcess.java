package dev.forge.engine.v8.internal.host;

import dev.forge.engine.v8.internal.wire.FrameChannel;
import dev.forge.engine.v8.internal.wire.FrameIn;
import dev.forge.engine.v8.internal.wire.FrameOut;
import dev.forge.engine.v8.internal.wire.Frames;
import dev.forge.engine.v8.internal.wire.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The host's handle on one isolate process: the process, its control channel (stdin, written by a thread of
 * its own so that nobody waits on a child's pipe), its lanes, the isolates running a turn in it now, and the
 * tail of its stderr (which says why V8 aborted, when it did).
 *
 * <p>Thread-safety: thread-safe.
 */
final class ChildProcess {

    private static final Logger LOG = LoggerFactory.getLogger("forge.v8.process");
    private static final int TAIL_BYTES = 8 << 10;
    private static final int CONTROL_QUEUE = 4096;
    private static final long PAGE_BYTES = 4096;

    final int id;
    /** The tenant this child is kept for (quarantine), or null for a shared child; for logs. */
    volatile String tenant;
    /** The process Forge started: the JVM itself, or the confinement's {@code unshare} around it. */
    final Process process;
    /** The isolate process's JVM, as the host sees it: what its memory is read from and its logs name. */
    volatile long pid;
    /** What confines it, as it reported when it started (before any tenant's code). */
    volatile String confinement = "";
    final CompletableFuture<Death> death = new CompletableFuture<>();
    /** Isolates running a turn here now (whom a death blames), with what each turn may grow the process by. */
    private final Map<IsolateLink, Turn> active = new ConcurrentHashMap<>();
    /** Free lanes, the most recently used first: its thread in the child is likely still polling it. */
    private final LinkedBlockingDeque<Lane> lanes = new LinkedBlockingDeque<>();
    private final List<Lane> allLanes = new ArrayList<>();
    private final BlockingQueue<byte[]> control = new ArrayBlockingQueue<>(CONTROL_QUEUE);
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final byte[] tail = new byte[TAIL_BYTES];
    private final AtomicInteger slots = new AtomicInteger();
    private final AtomicInteger nextSlot = new AtomicInteger();
    private final ServerSocketChannel server;
    private final Path socket;
    private final BiConsumer<ChildProcess, String> onBroken;
    private int tailEnd;
    private long tailTotal;
    private volatile Death killedFor;
    volatile boolean retiring;
    volatile long rss;
    volatile long peakRss;

    /** A turn running here: when it began, the process's resident memory then, and the script's memory limit. */
    record Turn(long startNanos, long startRss, long limitBytes) {
    }

    /** A turn that ran this much longer than every other may be blamed alone for what happened. */
    private static final int OUTLIER_FACTOR = 10;
    private static final long OUTLIER_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** One lane and the frame it writes with. */
    static final class Lane {
        final FrameChannel channel;
        final FrameOut out = new FrameOut();

        Lane(FrameChannel channel) {
            this.channel = channel;
        }
    }

    private ChildProcess(int id, Process process, ServerSocketChannel server, Path socket,
                         BiConsumer<ChildProcess, String> onBroken) {
        this.id = id;
        this.process = process;
        this.pid = process.pid();
        this.server = server;
        this.socket = socket;
        this.onBroken = onBroken;
    }

    /**
     * Starts child {@code id}: binds its lanes' socket and starts the process. Call from the supervisor's
     * launcher thread; {@link #handshake} then finishes the start on any thread.
     *
     * @param onBroken told when the child breaks the protocol on its control channel
     */
    static ChildProcess start(int id, ChildLauncher launcher, BiConsumer<ChildProcess, String> onBroken)
            throws IOException {
        Path socket = launcher.socket(id);
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket), 64);
        // an isolate process may run as another user (nobody): it must be able to connect; the folder around the
        // socket stays the host's alone, and every lane proves itself with a one-time token anyway
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        Process process;
        try {
            process = launcher.builder(id).start();
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(socket);
            throw e;
        }
        ChildProcess child = new ChildProcess(id, process, server, socket, onBroken);
        child.startThreads();
        return child;
    }

    private void startThreads() {
        daemon("forge-v8-child-" + id + "-stderr", this::drainStderr);
        daemon("forge-v8-child-" + id + "-stdout", this::watchStdout);
        daemon("forge-v8-child-" + id + "-control", this::writeControl);
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    /**
     * Finishes the start: HELLO, READY, then the lanes, each proving itself with a one-time token.
     *
     * @throws IOException if the child failed to start in time (its stderr tail says why)
     */
    void handshake(int laneCount, long heapBytes, int childSpinMicros, long hostSpinNanos, long timeoutMillis)
            throws IOException {
        byte[] token = new byte[Frames.TOKEN_BYTES];
        new SecureRandom().nextBytes(token);
        try {
            FrameOut hello = new FrameOut().begin(Frames.HELLO).bytes(token).str(socket.toString()).i32(laneCount)
                    .i64(heapBytes).i32(childSpinMicros);
            OutputStream stdin = process.getOutputStream();
            hello.writeTo(stdin);
            try {
                ready.get(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new IOException("the isolate process did not start within " + timeoutMillis + " ms" + stderrHint());
            } catch (ExecutionException e) {
                throw new IOException("the isolate process did not start: " + e.getCause().getMessage() + stderrHint());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the isolate process started");
            }
            server.configureBlocking(false);
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (allLanes.size() < laneCount) {
                SocketChannel channel = server.accept();
                if (channel == null) {
                    if (System.nanoTime() - until > 0 || !process.isAlive()) {
                        throw new IOException("the isolate process connected " + allLanes.size() + " of " + laneCount
                                + " lanes" + stderrHint());
                    }
                    Thread.onSpinWait();
                    Thread.yield();
                    continue;
                }
                FrameChannel lane = new FrameChannel(channel, Frames.MAX_CHILD_FRAME, hostSpinNanos);
                FrameIn first = lane.read();
                if (first.tag() != Frames.LANE || !MessageDigest.isEqual(token, first.bytes())) {
                    channel.close();
                    throw new ProtocolException("a lane connected without the token");
                }
                first.i32();
                first.done();
                allLanes.add(new Lane(lane));
            }
        } finally {
            server.close();
            Files.deleteIfExists(socket);
        }
        lanes.addAll(allLanes);
    }

    // ---- lanes ------------------------------------------------------------------------------------------

    /**
     * A free lane for a turn of {@code link}, which now counts as running here.
     *
     * @throws LinkDied if the child is dead
     */
    Lane acquire(IsolateLink link, long limitBytes) {
        Death d = death.getNow(null);
        if (d != null) {
            throw new LinkDied(d);
        }
        Lane lane = lanes.pollFirst();
        if (lane == null) {
            try {
                lane = lanes.pollFirst(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (lane == null) {
                throw new IllegalStateException("isolate process " + pid + " has no free lane; more turns run than threads");
            }
        }
        active.put(link, new Turn(System.nanoTime(), rss, limitBytes));
        return lane;
    }

    void release(Lane lane, IsolateLink link) {
        active.remove(link);
        lanes.offerFirst(lane);
    }

    /** The isolates running a turn here now. */
    Set<IsolateLink> active() {
        return Set.copyOf(active.keySet());
    }

    /**
     * The isolate whose turn has run at least 1 ms and ten times longer than any other running here, or
     * null. When a process dies of something that names no isolate (a fatal V8 error, memory seen from
     * outside), such a turn is the one to blame: the quick turns beside it are bystanders. Scripts that
     * crash a process spend a while allocating or looping; a routing call takes microseconds.
     */
    IsolateLink outlier() {
        long now = System.nanoTime();
        IsolateLink longest = null;
        long first = 0;
        long second = 0;
        for (Map.Entry<IsolateLink, Turn> e : active.entrySet()) {
            long ran = now - e.getValue().startNanos();
            if (ran > first) {
                second = first;
                first = ran;
                longest = e.getKey();
            } else if (ran > second) {
                second = ran;
            }
        }
        return first >= OUTLIER_MIN_NANOS && first >= OUTLIER_FACTOR * second ? longest : null;
    }

    /**
     * How far the resident memory may rise while the current turns run: the lowest it was when one of them
     * began, plus all their limits, plus {@code room}; {@link Long#MAX_VALUE} when nothing runs.
     */
    long turnCeiling(long room) {
        long start = Long.MAX_VALUE;
        long limits = 0;
        for (Turn t : active.values()) {
            start = Math.min(start, t.startRss());
            limits += t.limitBytes();
        }
        return start == Long.MAX_VALUE || start == 0 ? Long.MAX_VALUE : start + limits + room;
    }

    boolean busy() {
        return !active.isEmpty();
    }

    int newSlot() {
        slots.incrementAndGet();
        return nextSlot.incrementAndGet();
    }

    /** An isolate here was closed; returns how many are left. */
    int slotClosed() {
        return slots.decrementAndGet();
    }

    int slots() {
        return slots.get();
    }

    // ---- control ----------------------------------------------------------------------------------------

    /** Asks the child to terminate turn {@code turn} of isolate {@code slot}; never blocks. */
    void terminate(int slot, long turn) {
        send(new FrameOut().begin(Frames.TERMINATE).i32(slot).i64(turn));
    }

    /** Tells the child to close isolate {@code slot}; never blocks. */
    void close(int slot) {
        send(new FrameOut().begin(Frames.CLOSE).i32(slot));
    }

    private void send(FrameOut frame) {
        if (death.isDone()) {
            return;
        }
        var b = frame.finish();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        if (!control.offer(bytes)) {
            onBroken.accept(this, "its control channel backed up (" + CONTROL_QUEUE + " frames unread)");
        }
    }

    private void writeControl() {
        OutputStream stdin = process.getOutputStream();
        try {
            while (!death.isDone()) {
                byte[] frame = control.poll(1, TimeUnit.SECONDS);
                if (frame != null) {
                    stdin.write(frame);
                    stdin.flush();
                }
            }
        } catch (IOException | InterruptedException e) {
            // the child is gone; its death is handled where the process exit is seen
        }
    }

    // ---- what the child says on stdout and stderr -----------------------------------------------------

    private void watchStdout() {
        try (InputStream out = new DataInputStream(process.getInputStream())) {
            FrameIn f = FrameIn.readFrom(out, 4096);
            if (f.tag() != Frames.READY) {
                throw new ProtocolException("expected READY, got " + Frames.name(f.tag()));
            }
            confinement = printable(f.text());
            f.done();
            pid = vmPid();
            ready.complete(null);
            if (out.read() >= 0 && killedFor == null) {
                onBroken.accept(this, "it wrote to its control channel after READY");
            }
        } catch (EOFException e) {
            ready.completeExceptionally(new IOException("it exited"));
        } catch (IOException e) {
            ready.completeExceptionally(e);
            if (!death.isDone() && killedFor == null && process.isAlive()) {
                onBroken.accept(this, "its control channel: " + e.getMessage());
            }
        }
    }

    private void drainStderr() {
        byte[] chunk = new byte[4096];
        try (InputStream err = process.getErrorStream()) {
            int n;
            while ((n = err.read(chunk)) > 0) {
                synchronized (tail) {
                    for (int i = 0; i < n; i++) {
                        tail[tailEnd] = chunk[i];
                        tailEnd = (tailEnd + 1) % TAIL_BYTES;
                    }
                    tailTotal += n;
                }
                if (LOG.isDebugEnabled()) {
                    LOG.debug("isolate process {}: {}", pid, printable(new String(chunk, 0, n, StandardCharsets.UTF_8)));
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    /** The last few KiB the child wrote to stderr, control characters removed. */
    String stderrTail() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(TAIL_BYTES);
        synchronized (tail) {
            if (tailTotal > TAIL_BYTES) {
                out.write(tail, tailEnd, TAIL_BYTES - tailEnd);
            }
            out.write(tail, 0, tailEnd);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderrHint() {
        String t = stderrTail().strip();
        if (t.isEmpty()) {
            return "";
        }
        return "; its stderr ends: " + printable(t.length() > 600 ? t.substring(t.length() - 600) : t);
    }

    /** {@code text} with control characters (line breaks included) shown as spaces, for one log line. */
    static String printable(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return sb.toString().strip();
    }

    // ---- life and death ---------------------------------------------------------------------------------

    /** The JVM among the started process's descendants (inside a confinement's PID namespace), else that process. */
    private long vmPid() {
        return process.toHandle().descendants()
                .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(process.pid());
    }

    /** Kills the process for {@code why} (the first reason given wins); the exit is handled as its death. */
    void kill(Death why) {
        synchronized (this) {
            if (killedFor == null) {
                killedFor = why;
            }
        }
        if (pid != process.pid()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        process.destroyForcibly();
    }

    /** Why the supervisor killed it, or null. */
    Death killedFor() {
        return killedFor;
    }

    /** Closes the lanes, so that every turn still reading one returns at once. */
    void closeLanes() {
        for (Lane lane : allLanes) {
            try {
                lane.channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Resident memory now, in bytes, read from /proc; 0 if it cannot be read. */
    long readRss() {
        try {
            String statm = Files.readString(Path.of("/proc/" + pid + "/statm"));
            int a = statm.indexOf(' ');
            int b = statm.indexOf(' ', a + 1);
            long bytes = Long.parseLong(statm.substring(a + 1, b)) * PAGE_BYTES;
            rss = bytes;
            if (bytes > peakRss) {
                peakRss = bytes;
            }
            return bytes;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    boolean alive() {
        return !death.isDone() && process.isAlive();
    }

    boolean ready() {
        return ready.isDone() && !ready.isCompletedExceptionally();
    }

    @Override
    public String toString() {
        return "isolate process " + pid + (tenant == null ? "" : " (tenant " + tenant + ")");
    }
}
