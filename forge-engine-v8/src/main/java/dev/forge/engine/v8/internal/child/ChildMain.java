package dev.forge.engine.v8.internal.child;

import dev.forge.engine.v8.internal.wire.FrameChannel;
import dev.forge.engine.v8.internal.wire.FrameIn;
import dev.forge.engine.v8.internal.wire.FrameOut;
import dev.forge.engine.v8.internal.wire.Frames;
import dev.forge.engine.v8.internal.wire.ProtocolException;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The isolate process: a JVM that runs V8 for the host and nothing else.
 *
 * <p>It reads the host's {@code HELLO} on stdin, loads V8 with the heap ceiling it names, connects its
 * lanes to the host's socket (each proving itself with the host's token), says {@code READY} on stdout, and
 * then serves turns on its lanes. Stdin stays open as the control channel: {@code TERMINATE} and
 * {@code CLOSE} arrive there while lane threads are busy in V8. When stdin ends (the host closed it, or
 * died, even by SIGKILL) the process exits at once, so a child never outlives its host.
 *
 * <p>Nothing else may write to stdout: {@code System.out} is pointed at stderr, which the host reads into
 * its DEBUG log (and keeps the tail of, to say why a child died).
 */
public final class ChildMain {

    private static final long LANE_STACK_BYTES = 4L << 20;

    private ChildMain() {
    }

    public static void main(String[] args) {
        OutputStream control = new FileOutputStream(FileDescriptor.out);
        System.setOut(System.err);
        DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in)));
        Map<Integer, IsolateRunner> runners = new ConcurrentHashMap<>();
        try {
            FrameIn hello = FrameIn.readFrom(in, Frames.MAX_HOST_FRAME);
            if (hello.tag() != Frames.HELLO) {
                throw new ProtocolException("expected HELLO, got " + Frames.name(hello.tag()));
            }
            byte[] token = hello.bytes();
            Path socket = Path.of(hello.text());
            int lanes = hello.i32();
            long heapBytes = hello.i64();
            long spinNanos = TimeUnit.MICROSECONDS.toNanos(hello.i32());
            hello.done();

            V8Setup.markIsolateProcess();
            V8Setup.ensure(heapBytes);
            V8Setup.warmUp();
            MemoryGuard guard = new MemoryGuard("forge-child-memory");
            FrameOut out = new FrameOut();
            for (int i = 0; i < lanes; i++) {
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                channel.connect(UnixDomainSocketAddress.of(socket));
                FrameChannel lane = new FrameChannel(channel, Frames.MAX_HOST_FRAME, spinNanos);
                lane.write(out.begin(Frames.LANE).bytes(token).i32(i));
                Thread t = new Thread(null, new LaneServer(lane, runners, guard), "forge-lane-" + i,
                        LANE_STACK_BYTES);
                t.setDaemon(true);
                t.start();
            }
            out.begin(Frames.READY).str(confinement(socket.getParent())).writeTo(control);
            control(in, runners);
        } catch (EOFException e) {
            exit(0, null);
        } catch (IOException | RuntimeException | LinkageError e) {
            exit(3, "start-up: " + e);
        }
        exit(0, null);
    }

    /**
     * What confines this process, as it sees for itself before any tenant's code runs: its network, whether
     * it can write outside its temporary folder (tried in the host's folder for it), its process namespace,
     * and its privileges.
     */
    public static String confinement(Path outside) {
        List<String> layers = new ArrayList<>();
        boolean network = false;
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                network |= !ni.isLoopback() || ni.isUp();
            }
        } catch (IOException e) {
            // with no interface up (an empty network namespace) Java says so with this exception
            network = e.getMessage() == null || !e.getMessage().contains("No network interfaces");
        }
        layers.add(network ? "network: the host's" : "network: none");
        boolean writable;
        try {
            Files.delete(Files.createTempFile(outside, "probe", ".tmp"));
            writable = true;
        } catch (IOException | RuntimeException e) {
            writable = false;
        }
        layers.add(writable ? "files: writable" : "files: read-only");
        layers.add(ownView() ? "view: its own" : "view: the host's");
        layers.add(ProcessHandle.current().pid() == 1 ? "processes: own namespace" : "processes: the host's");
        String status = "";
        try {
            status = Files.readString(Path.of("/proc/self/status"));
        } catch (IOException e) {
            // not Linux
        }
        Matcher uid = Pattern.compile("Uid:\t(\\d+)").matcher(status);
        if (uid.find()) {
            layers.add(uid.group(1).equals("65534") ? "user: nobody" : "user: " + uid.group(1) + outsideUser());
        }
        layers.add(status.contains("NoNewPrivs:\t1") ? "privileges: no-new-privs" : "privileges: the host's");
        layers.add(status.contains("CapEff:\t0000000000000000") ? "capabilities: none" : "capabilities: some");
        layers.add(noCoreDumps() ? "core dumps: none" : "core dumps: allowed");
        return String.join(", ", layers);
    }

    /** " (user N outside its user namespace)" when this process runs in a user namespace of its own, else "". */
    private static String outsideUser() {
        try {
            String[] map = Files.readString(Path.of("/proc/self/uid_map")).trim().split("\\s+");
            return map.length == 3 && !map[2].equals("4294967295") ? " (user " + map[1] + " outside its user namespace)" : "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Whether this process sees a file system of its own: none of the machine's users, groups or host names. */
    private static boolean ownView() {
        return List.of("/etc/passwd", "/etc/group", "/etc/hosts").stream()
                .noneMatch(p -> Files.exists(Path.of(p)));
    }

    /** Whether this process's core file size limit is 0, soft and hard. */
    private static boolean noCoreDumps() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max core file size")) {
                    String[] f = line.substring("Max core file size".length()).trim().split("\\s+");
                    return f[0].equals("0") && f[1].equals("0");
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return false;
    }

    /** Serves the control channel until the host closes it. */
    private static void control(DataInputStream in, Map<Integer, IsolateRunner> runners) throws IOException {
        while (true) {
            FrameIn f = FrameIn.readFrom(in, Frames.MAX_HOST_FRAME);
            switch (f.tag()) {
                case Frames.TERMINATE -> {
                    int slot = f.i32();
                    long turn = f.i64();
                    f.done();
                    IsolateRunner r = runners.get(slot);
                    if (r != null) {
                        r.terminate(turn);
                    }
                }
                case Frames.CLOSE -> {
                    int slot = f.i32();
                    f.done();
                    IsolateRunner r = runners.remove(slot);
                    if (r != null) {
                        r.close();
                    }
                }
                default -> throw new ProtocolException("unexpected " + Frames.name(f.tag()) + " on the control channel");
            }
        }
    }

    /** Ends the process now (no shutdown hooks: there is nothing to save), saying why on stderr. */
    static void exit(int status, String why) {
        if (why != null) {
            System.err.println("forge isolate process: " + why);
            System.err.flush();
        }
        Runtime.getRuntime().halt(status);
    }
}
