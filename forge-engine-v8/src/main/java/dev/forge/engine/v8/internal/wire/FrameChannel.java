package dev.forge.engine.v8.internal.wire;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Frames over one lane (a Unix-domain socket): write one, read one.
 *
 * <p>A read first polls the socket for up to {@code spinNanos} before it blocks. A turn's answer usually
 * comes back within tens of microseconds, and waking a blocked thread costs about as much again on a
 * loaded machine, so a short spin halves the round trip (see BENCHMARKS.md); past the spin the thread
 * blocks and costs nothing.
 *
 * <p>A frame returned by {@link #read} shares this channel's buffer: it is valid until the next read.
 * Thread-safety: not thread-safe; a lane has one user at a time.
 */
public final class FrameChannel implements Closeable {

    private static final int INITIAL = 64 << 10;
    private static final int SHRINK_ABOVE = 1 << 20;

    private final SocketChannel channel;
    private final int maxFrame;
    private final long spinNanos;
    private final FrameIn frame = new FrameIn();
    private byte[] data = new byte[INITIAL];
    private int start;
    private int end;

    /**
     * @param maxFrame  the longest frame accepted from the peer; a longer length prefix fails the read
     *                  before anything is allocated
     * @param spinNanos how long a read polls before it blocks
     */
    public FrameChannel(SocketChannel channel, int maxFrame, long spinNanos) throws IOException {
        this.channel = channel;
        this.maxFrame = maxFrame;
        this.spinNanos = spinNanos;
        channel.configureBlocking(false);
    }

    /**
     * The next frame.
     *
     * @throws EOFException when the peer closed the lane
     * @throws ProtocolException when the peer sent a length out of range
     */
    public FrameIn read() throws IOException {
        if (start == end && data.length > SHRINK_ABOVE) {
            data = new byte[INITIAL];
            start = end = 0;
        }
        ensure(4);
        int len = (data[start] & 0xff) << 24 | (data[start + 1] & 0xff) << 16 | (data[start + 2] & 0xff) << 8
                | data[start + 3] & 0xff;
        FrameIn.check(len, maxFrame);
        ensure(4 + len);
        frame.reset(data, start + 4, len);
        start += 4 + len;
        return frame;
    }

    /** Writes a frame whole. */
    public void write(FrameOut out) throws IOException {
        ByteBuffer b = out.finish();
        while (b.hasRemaining()) {
            if (channel.write(b) == 0) {
                channel.configureBlocking(true);
                try {
                    while (b.hasRemaining()) {
                        channel.write(b);
                    }
                } finally {
                    channel.configureBlocking(false);
                }
            }
        }
    }

    private void ensure(int n) throws IOException {
        while (end - start < n) {
            if (data.length - start < n) {
                if (start > 0) {
                    System.arraycopy(data, start, data, 0, end - start);
                    end -= start;
                    start = 0;
                }
                if (data.length < n) {
                    byte[] bigger = new byte[(int) Math.min((long) maxFrame + 4, Math.max(n, 2L * data.length))];
                    System.arraycopy(data, 0, bigger, 0, end);
                    data = bigger;
                }
            }
            fill();
        }
    }

    private void fill() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data, end, data.length - end);
        int n = channel.read(b);
        if (n == 0 && spinNanos > 0) {
            long until = System.nanoTime() + spinNanos;
            do {
                Thread.onSpinWait();
                n = channel.read(b);
            } while (n == 0 && System.nanoTime() - until < 0);
        }
        if (n == 0) {
            channel.configureBlocking(true);
            try {
                n = channel.read(b);
            } finally {
                channel.configureBlocking(false);
            }
        }
        if (n < 0) {
            throw new EOFException("the lane was closed");
        }
        end += n;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
