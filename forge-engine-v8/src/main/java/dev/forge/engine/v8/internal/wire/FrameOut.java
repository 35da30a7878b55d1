package dev.forge.engine.v8.internal.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An outgoing frame built in a reusable buffer: {@link #begin}, the fields in order, then
 * {@link FrameChannel#write} or {@link #writeTo}.
 *
 * <p>Thread-safety: not thread-safe; one per lane or writer.
 */
public final class FrameOut {

    private static final int SHRINK_ABOVE = 1 << 20;
    private byte[] buf = new byte[4096];
    private int pos;

    /** Starts a frame with {@code tag}, dropping whatever was built before. */
    public FrameOut begin(byte tag) {
        if (buf.length > SHRINK_ABOVE) {
            buf = new byte[4096];
        }
        pos = 4;
        buf[pos++] = tag;
        return this;
    }

    public FrameOut i32(int v) {
        room(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    public FrameOut i64(long v) {
        i32((int) (v >>> 32));
        return i32((int) v);
    }

    public FrameOut bool(boolean v) {
        room(1);
        buf[pos++] = (byte) (v ? 1 : 0);
        return this;
    }

    /** A string as UTF-8, or null. */
    public FrameOut str(String s) {
        if (s == null) {
            return i32(-1);
        }
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    public FrameOut bytes(byte[] b) {
        i32(b.length);
        room(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
        return this;
    }

    /** The frame's bytes, length prefix included; valid until the next {@link #begin}. */
    public ByteBuffer finish() {
        int len = pos - 4;
        buf[0] = (byte) (len >>> 24);
        buf[1] = (byte) (len >>> 16);
        buf[2] = (byte) (len >>> 8);
        buf[3] = (byte) len;
        return ByteBuffer.wrap(buf, 0, pos);
    }

    /** Writes the frame to a stream and flushes it. */
    public void writeTo(OutputStream out) throws IOException {
        finish();
        out.write(buf, 0, pos);
        out.flush();
    }

    private void room(int n) {
        if (pos + n > buf.length) {
            long wanted = Math.max((long) buf.length * 2, (long) pos + n);
            if (wanted > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("frame too large: " + wanted + " bytes");
            }
            buf = Arrays.copyOf(buf, (int) wanted);
        }
    }
}
