package dev.forge.engine.v8.standin;

import dev.forge.engine.v8.internal.child.ChildMain;
import dev.forge.engine.v8.internal.wire.FrameChannel;
import dev.forge.engine.v8.internal.wire.FrameIn;
import dev.forge.engine.v8.internal.wire.FrameOut;
import dev.forge.engine.v8.internal.wire.Frames;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stand-in isolate process, for tests: started by Forge's own launcher (through the
 * {@code forge.isolate.main} system property) and speaking the real protocol, but with no V8. It behaves as
 * the first line of each script's source says ({@code // standin:MODE}), the way a child that a V8 exploit took
 * over could:
 * <ul>
 *   <li>{@code benign}: answers each call with its data;</li>
 *   <li>{@code unknown-invocation}: asks for a datastore write for an invocation it was never given (the number
 *       another tenant's isolate has, say);</li>
 *   <li>{@code finished-invocation}: answers its first call, then, in the second, settles the first again;</li>
 *   <li>{@code tenant-field}: asks for a host operation with a tenant of its own appended to the frame;</li>
 *   <li>{@code huge-length}: writes a frame length of 2 GB and nothing after it;</li>
 *   <li>{@code garbage}: writes bytes that are no frame;</li>
 *   <li>{@code flood}: writes console lines without end;</li>
 *   <li>{@code answer-ahead}: answers its turn, and also writes an answer for a turn the host has not started;</li>
 *   <li>with {@code -Dstandin.hide=NAME} (through {@code forge.isolate.jvmArgs}) it reports layer NAME (e.g.
 *       {@code view}) missing, as a machine without it would;</li>
 *   <li>{@code reach-out}: answers with what it could reach: a TCP connection to the address in the call's
 *       data, a file written in the folder it names (both outside its temporary folder), and the files it
 *       names to read (the host's).</li>
 * </ul>
 */
public final class ForgingChild {

    private static final Map<Integer, String> MODES = new ConcurrentHashMap<>();
    private static final Map<Integer, Integer> LAST_INV = new ConcurrentHashMap<>();

    private ForgingChild() {
    }

    public static void main(String[] args) throws IOException {
        OutputStream control = new FileOutputStream(FileDescriptor.out);
        System.setOut(System.err);
        DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in)));
        FrameIn hello = FrameIn.readFrom(in, Frames.MAX_HOST_FRAME);
        byte[] token = hello.bytes();
        Path socket = Path.of(hello.text());
        int lanes = hello.i32();
        hello.i64();
        hello.i32();
        FrameOut out = new FrameOut();
        for (int i = 0; i < lanes; i++) {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            FrameChannel lane = new FrameChannel(channel, Frames.MAX_HOST_FRAME, 0);
            lane.write(out.begin(Frames.LANE).bytes(token).i32(i));
            Thread t = new Thread(() -> serve(lane, channel), "standin-lane-" + i);
            t.setDaemon(true);
            t.start();
        }
        String report = ChildMain.confinement(socket.getParent());
        String hide = System.getProperty("standin.hide");
        if (hide != null) {
            // reports a layer as missing, as a machine without it would
            report = report.replaceAll(hide + ": [^,]*", hide + ": the host's");
        }
        out.begin(Frames.READY).str(report).writeTo(control);
        try {
            while (true) {
                FrameIn.readFrom(in, Frames.MAX_HOST_FRAME);
            }
        } catch (IOException e) {
            Runtime.getRuntime().halt(0);
        }
    }

    private static void serve(FrameChannel lane, SocketChannel raw) {
        FrameOut out = new FrameOut();
        try {
            while (true) {
                FrameIn f = lane.read();
                int slot = f.i32();
                long turn = f.i64();
                switch (f.tag()) {
                    case Frames.LOAD -> {
                        f.text();
                        String source = f.text();
                        String mode = source.substring(source.indexOf("standin:") + 8, source.indexOf('\n')).trim();
                        MODES.put(slot, mode);
                        lane.write(out.begin(Frames.LOADED).i64(turn));
                    }
                    case Frames.START -> {
                        int inv = f.i32();
                        f.text();
                        String data = f.text();
                        start(MODES.get(slot), slot, turn, inv, data, lane, raw, out);
                    }
                    default -> lane.write(out.begin(Frames.RESULT).i64(turn).str("null"));
                }
            }
        } catch (IOException e) {
            Runtime.getRuntime().halt(0);
        }
    }

    private static void start(String mode, int slot, long turn, int inv, String data, FrameChannel lane, SocketChannel raw,
                              FrameOut out) throws IOException {
        switch (mode) {
            case "unknown-invocation" -> lane.write(out.begin(Frames.OP).i32(inv + 1000).i32(1).str("ds.set")
                    .str("{\"key\":\"stolen\",\"value\":\"1\"}"));
            case "finished-invocation" -> {
                Integer before = LAST_INV.put(slot, inv);
                if (before != null) {
                    lane.write(out.begin(Frames.SETTLE).i32(before).str("{\"forged\":true}"));
                }
            }
            case "tenant-field" -> lane.write(out.begin(Frames.OP).i32(inv).i32(1).str("ds.set")
                    .str("{\"key\":\"k\",\"value\":\"1\"}").str("victim.example"));
            case "huge-length" -> raw.write(ByteBuffer.wrap(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}));
            case "garbage" -> raw.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 5, 0x7f, 1, 2, 3, 4, 9, 9, 9}));
            case "flood" -> {
                for (int i = 0; i < 1_000_000; i++) {
                    lane.write(out.begin(Frames.LOG).str("info").str("line " + i));
                }
            }
            case "answer-ahead" -> {
                lane.write(out.begin(Frames.RESULT).i64(turn).str(data));
                lane.write(out.begin(Frames.RESULT).i64(turn + 1).str("{\"forged\":true}"));
                return;
            }
            case "reach-out" -> {
                lane.write(out.begin(Frames.RESULT).i64(turn).str("{\"network\":\"" + connect(data) + "\",\"files\":\""
                        + write(data) + "\",\"read\":\"" + read(data) + "\"}"));
                return;
            }
            default -> {
            }
        }
        lane.write(out.begin(Frames.RESULT).i64(turn).str(data));
    }

    /** Connects to {@code "host:port"} in the data's {@code connect}: "connected" or why not. */
    private static String connect(String data) {
        String target = field(data, "connect");
        int colon = target.lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1))), 2000);
            return "connected";
        } catch (IOException | RuntimeException e) {
            return "refused: " + e.getClass().getSimpleName();
        }
    }

    /** Writes a file into the data's {@code write} folder: "written" or why not. */
    private static String write(String data) {
        try {
            Files.writeString(Path.of(field(data, "write"), "from-the-child.txt"), "reached", StandardCharsets.UTF_8);
            return "written";
        } catch (IOException | RuntimeException e) {
            return "refused: " + e.getClass().getSimpleName();
        }
    }

    /** Reads each file in the data's {@code read} (separated by '|'): "read N" of them, or "none". */
    private static String read(String data) {
        int read = 0;
        for (String file : field(data, "read").split("\\|")) {
            try {
                Files.readAllBytes(Path.of(file));
                read++;
            } catch (IOException | RuntimeException e) {
                // not there, or not allowed
            }
        }
        return read == 0 ? "none" : "read " + read;
    }

    private static String field(String json, String name) {
        int at = json.indexOf("\"" + name + "\":\"") + name.length() + 4;
        return json.substring(at, json.indexOf('"', at));
    }
}
