package dev.forge.engine.v8.internal.child;

import dev.forge.engine.v8.internal.wire.FrameChannel;
import dev.forge.engine.v8.internal.wire.FrameIn;
import dev.forge.engine.v8.internal.wire.FrameOut;
import dev.forge.engine.v8.internal.wire.Frames;
import dev.forge.engine.v8.internal.wire.ProtocolException;
import dev.forge.engine.v8.internal.wire.Tags;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * One lane of an isolate process: reads the host's request, runs the turn on the isolate it names, and
 * answers; the script's host operations go out as frames on the same lane while the turn runs.
 *
 * <p>Thread-safety: one thread per lane.
 */
final class LaneServer implements Runnable, HostCalls {

    private final FrameChannel lane;
    private final Map<Integer, IsolateRunner> runners;
    private final MemoryGuard guard;
    private final FrameOut out = new FrameOut();

    LaneServer(FrameChannel lane, Map<Integer, IsolateRunner> runners, MemoryGuard guard) {
        this.lane = lane;
        this.runners = runners;
        this.guard = guard;
    }

    @Override
    public void run() {
        try {
            while (true) {
                serve(lane.read());
            }
        } catch (EOFException e) {
            ChildMain.exit(0, null);
        } catch (IOException | RuntimeException e) {
            ChildMain.exit(4, "lane: " + e);
        }
    }

    private void serve(FrameIn f) throws IOException {
        switch (f.tag()) {
            case Frames.LOAD -> load(f);
            case Frames.START -> {
                int slot = f.i32();
                long turn = f.i64();
                int inv = f.i32();
                String fn = f.text();
                String data = f.text();
                String forget = f.str();
                f.done();
                enter(slot, turn, Tags.MODE_START, inv, fn, data, forget);
            }
            case Frames.DELIVER -> {
                int slot = f.i32();
                long turn = f.i64();
                int inv = f.i32();
                int op = f.i32();
                String payload = f.text();
                String forget = f.str();
                f.done();
                enter(slot, turn, Tags.MODE_DELIVER, inv, op, payload, forget);
            }
            case Frames.PROBE -> {
                int slot = f.i32();
                long turn = f.i64();
                f.done();
                boolean healthy = runner(slot).probe(turn);
                send(out.begin(Frames.PROBED).i64(turn).bool(healthy));
            }
            default -> throw new ProtocolException("unexpected " + Frames.name(f.tag()) + " on a lane");
        }
    }

    private void load(FrameIn f) throws IOException {
        int slot = f.i32();
        long turn = f.i64();
        IsolateSpec spec = new IsolateSpec(f.text(), f.text(), f.bool(), f.text(), f.str(), f.str(), f.i64());
        f.done();
        IsolateRunner runner = new IsolateRunner(spec, guard);
        if (runners.putIfAbsent(slot, runner) != null) {
            throw new ProtocolException("LOAD: slot " + slot + " is taken");
        }
        boolean loaded = false;
        try {
            IsolateRunner.LoadFailure failure = runner.load(turn, this);
            if (failure == null) {
                loaded = true;
                send(out.begin(Frames.LOADED).i64(turn));
            } else {
                send(out.begin(Frames.LOAD_FAILED).i64(turn).str(failure.kind()).str(failure.message())
                        .str(failure.stack()).i32(failure.line()).i32(failure.column()));
            }
        } catch (IsolateRunner.Terminated e) {
            send(out.begin(Frames.TERMINATED).i64(turn).str(e.memoryMessage()));
        } catch (IsolateRunner.Broken e) {
            send(out.begin(Frames.FAILED).i64(turn).str(e.getMessage()));
        } finally {
            if (!loaded) {
                runners.remove(slot, runner);
                runner.close();
            }
        }
    }

    private void enter(int slot, long turn, int mode, int inv, Object a, String b, String forget) throws IOException {
        IsolateRunner runner = runner(slot);
        try {
            String result = runner.enter(turn, mode, inv, a, b, forget, this);
            send(out.begin(Frames.RESULT).i64(turn).str(result));
        } catch (IsolateRunner.Terminated e) {
            send(out.begin(Frames.TERMINATED).i64(turn).str(e.memoryMessage()));
        } catch (IsolateRunner.Broken e) {
            send(out.begin(Frames.FAILED).i64(turn).str(e.getMessage()));
        }
    }

    private IsolateRunner runner(int slot) throws ProtocolException {
        IsolateRunner r = runners.get(slot);
        if (r == null) {
            throw new ProtocolException("no isolate in slot " + slot);
        }
        return r;
    }

    private void send(FrameOut frame) throws IOException {
        lane.write(frame);
    }

    private String ask(FrameOut frame) {
        try {
            send(frame);
            FrameIn reply = lane.read();
            if (reply.tag() != Frames.REPLY) {
                throw new ProtocolException("expected REPLY, got " + Frames.name(reply.tag()));
            }
            String answer = reply.text();
            reply.done();
            return answer;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void tell(FrameOut frame) {
        try {
            send(frame);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- HostCalls: the script's host operations, as frames ---------------------------------------------

    @Override
    public void log(String level, String line) {
        tell(out.begin(Frames.LOG).str(level).str(line));
    }

    @Override
    public void settle(int inv, String result) {
        tell(out.begin(Frames.SETTLE).i32(inv).str(result));
    }

    @Override
    public void op(int inv, int op, String kind, String argsJson) {
        tell(out.begin(Frames.OP).i32(inv).i32(op).str(kind).str(argsJson));
    }

    @Override
    public void cancel(int op) {
        tell(out.begin(Frames.CANCEL).i32(op));
    }

    @Override
    public String module(String name) {
        return ask(out.begin(Frames.MODULE).str(name));
    }

    @Override
    public String sync(int inv, String fn, String argsJson) {
        return ask(out.begin(Frames.SYNC).i32(inv).str(fn).str(argsJson));
    }
}
