package dev.forge.engine.v8.internal.wire;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * An incoming frame: its tag, and its fields read in order. Every read is checked against what the frame
 * holds, so a malformed frame throws {@link ProtocolException} and never makes the reader allocate more
 * than the frame's (capped) length.
 *
 * <p>A frame read from a {@link FrameChannel} shares the channel's buffer and is valid until the channel's
 * next read. Thread-safety: not thread-safe.
 */
public final class FrameIn {

    private byte[] buf;
    private int pos;
    private int end;
    private byte tag;

    FrameIn() {
    }

    /** Points this frame at {@code len} bytes of {@code buf} from {@code start} (tag first). */
    void reset(byte[] buf, int start, int len) {
        this.buf = buf;
        this.tag = buf[start];
        this.pos = start + 1;
        this.end = start + len;
    }

    /**
     * Reads one frame from a stream (the control channel), at most {@code max} bytes long.
     *
     * @throws EOFException at the end of the stream
     * @throws ProtocolException if the length is out of range
     */
    public static FrameIn readFrom(InputStream in, int max) throws IOException {
        DataInputStream data = in instanceof DataInputStream d ? d : new DataInputStream(in);
        int len = data.readInt();
        check(len, max);
        byte[] b = new byte[len];
        data.readFully(b);
        FrameIn f = new FrameIn();
        f.reset(b, 0, len);
        return f;
    }

    static void check(int len, int max) throws ProtocolException {
        if (len < 1 || len > max) {
            throw new ProtocolException("a frame of " + Integer.toUnsignedString(len) + " bytes; the limit is " + max);
        }
    }

    public byte tag() {
        return tag;
    }

    public int i32() throws ProtocolException {
        need(4);
        int v = (buf[pos] & 0xff) << 24 | (buf[pos + 1] & 0xff) << 16 | (buf[pos + 2] & 0xff) << 8 | buf[pos + 3] & 0xff;
        pos += 4;
        return v;
    }

    public long i64() throws ProtocolException {
        long hi = i32();
        return hi << 32 | i32() & 0xffffffffL;
    }

    public boolean bool() throws ProtocolException {
        need(1);
        byte b = buf[pos++];
        if (b != 0 && b != 1) {
            throw new ProtocolException(Frames.name(tag) + ": a boolean of " + b);
        }
        return b == 1;
    }

    /** A string, or null. */
    public String str() throws ProtocolException {
        int len = i32();
        if (len == -1) {
            return null;
        }
        if (len < 0) {
            throw new ProtocolException(Frames.name(tag) + ": a string of " + len + " bytes");
        }
        need(len);
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /** A string that must be present. */
    public String text() throws ProtocolException {
        String s = str();
        if (s == null) {
            throw new ProtocolException(Frames.name(tag) + ": a required string is missing");
        }
        return s;
    }

    public byte[] bytes() throws ProtocolException {
        int len = i32();
        if (len < 0) {
            throw new ProtocolException(Frames.name(tag) + ": " + len + " bytes");
        }
        need(len);
        byte[] b = new byte[len];
        System.arraycopy(buf, pos, b, 0, len);
        pos += len;
        return b;
    }

    /** Checks that every byte of the frame was read: a frame with more than its fields is malformed. */
    public void done() throws ProtocolException {
        if (pos != end) {
            throw new ProtocolException(Frames.name(tag) + ": " + (end - pos) + " bytes after the last field");
        }
    }

    private void need(int n) throws ProtocolException {
        if (n > end - pos) {
            throw new ProtocolException(Frames.name(tag) + ": a field runs past the end of the frame");
        }
    }
}
