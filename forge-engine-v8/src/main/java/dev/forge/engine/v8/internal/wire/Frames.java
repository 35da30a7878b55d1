package dev.forge.engine.v8.internal.wire;

/**
 * The frames the host and an isolate process exchange, and their size caps.
 *
 * <p>A frame is a four-byte big-endian length (of what follows), a one-byte tag and the tag's fields:
 * {@code int}s (four bytes), {@code long}s (eight), booleans (one), and strings (a four-byte byte count, -1
 * for null, then UTF-8). Lengths are checked against the cap before anything is allocated.
 *
 * <p>Two kinds of channel carry them. The <em>control</em> channel is the child's stdin (host to child) and
 * stdout (child to host): the start-up handshake and requests that must reach the child while its threads
 * are busy in V8. A <em>lane</em> is a Unix-domain socket that carries one turn at a time: the host sends
 * one request ({@link #LOAD}, {@link #START}, {@link #DELIVER}, {@link #PROBE}), the child answers with the
 * host operations the script asks for on the way ({@link #LOG} ... {@link #SYNC}) and ends with one final
 * frame ({@link #LOADED}, {@link #LOAD_FAILED}, {@link #RESULT}, {@link #TERMINATED}, {@link #FAILED},
 * {@link #PROBED}). {@link #MODULE} and {@link #SYNC} wait for the host's {@link #REPLY} on the same lane.
 *
 * <p>The child is not trusted: the host reads every frame from it defensively, takes tenant, script and
 * limits from its own record of the turn, and treats anything out of place as a broken child.
 */
public final class Frames {

    // ---- control, host to child (stdin) ----
    /** token, socket path, lanes, V8 heap ceiling MiB, V8 stack KiB, spin micros. */
    public static final byte HELLO = 'H';
    /** slot, turn: terminate that turn if it is still running. */
    public static final byte TERMINATE = 'T';
    /** slot: close that isolate (it is idle). */
    public static final byte CLOSE = 'C';

    // ---- control, child to host (stdout) ----
    /** The child has V8 loaded and every lane connected. */
    public static final byte READY = 'Y';

    // ---- lane, child to host, first frame of a connection ----
    /** token, lane index. */
    public static final byte LANE = 'N';

    // ---- lane, host to child ----
    /** slot, turn, then the isolate's spec: resource name, source, ES module, prelude options, installer, heap bytes. */
    public static final byte LOAD = 'L';
    /** slot, turn, invocation, function ('' for main), data JSON, invocations to forget first (or null). */
    public static final byte START = 'S';
    /** slot, turn, invocation, operation, payload, invocations to forget first (or null). */
    public static final byte DELIVER = 'D';
    /** slot, turn: is the isolate still usable after a termination? */
    public static final byte PROBE = 'P';
    /** The answer to {@link #MODULE} or {@link #SYNC}: a string. */
    public static final byte REPLY = 'R';

    // ---- lane, child to host: host operations during a turn ----
    /** level, line: a console line. */
    public static final byte LOG = 'g';
    /** invocation, result: an App's promise settled. */
    public static final byte SETTLE = 's';
    /** invocation, operation, kind, arguments JSON: start a host operation (no answer; its result comes later). */
    public static final byte OP = 'o';
    /** operation: cancel a host operation. */
    public static final byte CANCEL = 'c';
    /** name: the source of a module; answered with {@link #REPLY}. */
    public static final byte MODULE = 'm';
    /** invocation, function, arguments JSON: a synchronous bindings function; answered with {@link #REPLY}. */
    public static final byte SYNC = 'y';

    // ---- lane, child to host: the end of a turn; each names the turn it ends ----
    /** turn, result: the entry point returned a tagged result (see {@link Tags}). */
    public static final byte RESULT = 'r';
    /** turn, memory message: the turn was terminated, for memory or (null) because the host asked. */
    public static final byte TERMINATED = 't';
    /** turn, message: V8 failed (not the script). The isolate is not usable. */
    public static final byte FAILED = 'x';
    /** turn: the isolate is loaded. */
    public static final byte LOADED = 'l';
    /** turn, kind (syntax, runtime, stack, host), message, stack, line, column: the script did not load. */
    public static final byte LOAD_FAILED = 'f';
    /** turn, healthy: the answer to {@link #PROBE}. */
    public static final byte PROBED = 'p';

    /** The largest frame the host sends: sources and call data are the host's own. */
    public static final int MAX_HOST_FRAME = 64 << 20;
    /** The largest frame a child may send; a longer length prefix kills the child before anything is read. */
    public static final int MAX_CHILD_FRAME = 16 << 20;
    /** The length of a lane's authentication token. */
    public static final int TOKEN_BYTES = 32;

    private Frames() {
    }

    /** A tag's name for error messages. */
    public static String name(byte tag) {
        return switch (tag) {
            case HELLO -> "HELLO";
            case TERMINATE -> "TERMINATE";
            case CLOSE -> "CLOSE";
            case READY -> "READY";
            case LANE -> "LANE";
            case LOAD -> "LOAD";
            case START -> "START";
            case DELIVER -> "DELIVER";
            case PROBE -> "PROBE";
            case REPLY -> "REPLY";
            case LOG -> "LOG";
            case SETTLE -> "SETTLE";
            case OP -> "OP";
            case CANCEL -> "CANCEL";
            case MODULE -> "MODULE";
            case SYNC -> "SYNC";
            case RESULT -> "RESULT";
            case TERMINATED -> "TERMINATED";
            case FAILED -> "FAILED";
            case LOADED -> "LOADED";
            case LOAD_FAILED -> "LOAD_FAILED";
            case PROBED -> "PROBED";
            default -> "unknown tag " + (tag & 0xff);
        };
    }
}
