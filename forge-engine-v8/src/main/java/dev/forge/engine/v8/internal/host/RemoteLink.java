package dev.forge.engine.v8.internal.host;

import dev.forge.engine.v8.internal.child.HostCalls;
import dev.forge.engine.v8.internal.child.IsolateRunner;
import dev.forge.engine.v8.internal.child.IsolateSpec;
import dev.forge.engine.v8.internal.wire.FrameIn;
import dev.forge.engine.v8.internal.wire.FrameOut;
import dev.forge.engine.v8.internal.wire.Frames;
import dev.forge.engine.v8.internal.wire.ProtocolException;
import dev.forge.engine.v8.internal.wire.Tags;

import java.io.IOException;
import java.util.Set;

/**
 * An isolate in an isolate process: each turn takes one of the process's lanes, sends one request, serves
 * the script's host operations as they come, and ends with the child's final frame.
 *
 * <p>Every frame from the child is read defensively: a malformed one, a final frame that does not answer the
 * request, or a host operation the host's {@link HostCalls} refuses as {@link Forged} kills the process
 * (only this child's turns end). If the process dies during the turn the turn ends with {@link LinkDied},
 * whose {@link Death} the {@link Supervisor} decided.
 *
 * <p>Thread-safety: as {@link IsolateLink}.
 */
final class RemoteLink implements IsolateLink {

    private static final Set<String> LOAD_KINDS = Set.of("syntax", "runtime", "stack", "host");

    final ChildProcess child;
    final String tenant;
    final String scriptId;
    final int slot;
    private final long limitBytes;
    private final Supervisor supervisor;

    RemoteLink(ChildProcess child, String tenant, String scriptId, long limitBytes, Supervisor supervisor) {
        this.child = child;
        this.tenant = tenant;
        this.scriptId = scriptId;
        this.limitBytes = limitBytes;
        this.supervisor = supervisor;
        this.slot = child.newSlot();
    }

    @Override
    public IsolateRunner.LoadFailure load(long turn, IsolateSpec spec, HostCalls host)
            throws IsolateRunner.Terminated, IsolateRunner.Broken {
        ChildProcess.Lane lane = child.acquire(this, limitBytes);
        try {
            lane.channel.write(lane.out.begin(Frames.LOAD).i32(slot).i64(turn).str(spec.resourceName()).str(spec.source())
                    .bool(spec.esModule()).str(spec.preludeOptions()).str(spec.installer()).str(spec.bindingsName())
                    .i64(spec.heapBytes()));
            FrameIn f = serve(lane, host);
            switch (f.tag()) {
                case Frames.LOADED -> {
                    sameTurn(f, turn);
                    f.done();
                    return null;
                }
                case Frames.LOAD_FAILED -> {
                    sameTurn(f, turn);
                    String kind = f.text();
                    IsolateRunner.LoadFailure failure = new IsolateRunner.LoadFailure(kind, f.text(), f.text(), f.i32(), f.i32());
                    f.done();
                    if (!LOAD_KINDS.contains(kind)) {
                        throw new ProtocolException("LOAD_FAILED of kind '" + kind + "'");
                    }
                    return failure;
                }
                default -> throw ended(f, turn);
            }
        } catch (IOException e) {
            throw died(e);
        } catch (Forged e) {
            throw broken(e.getMessage());
        } finally {
            child.release(lane, this);
        }
    }

    @Override
    public String enter(long turn, int mode, int inv, Object a, String b, String forget, HostCalls host)
            throws IsolateRunner.Terminated, IsolateRunner.Broken {
        ChildProcess.Lane lane = child.acquire(this, limitBytes);
        try {
            FrameOut out = mode == Tags.MODE_START
                    ? lane.out.begin(Frames.START).i32(slot).i64(turn).i32(inv).str((String) a).str(b).str(forget)
                    : lane.out.begin(Frames.DELIVER).i32(slot).i64(turn).i32(inv).i32((Integer) a).str(b).str(forget);
            lane.channel.write(out);
            FrameIn f = serve(lane, host);
            if (f.tag() == Frames.RESULT) {
                sameTurn(f, turn);
                String result = f.text();
                f.done();
                return result;
            }
            throw ended(f, turn);
        } catch (IOException e) {
            throw died(e);
        } catch (Forged e) {
            throw broken(e.getMessage());
        } finally {
            child.release(lane, this);
        }
    }

    @Override
    public boolean probe(long turn) {
        ChildProcess.Lane lane = child.acquire(this, limitBytes);
        try {
            lane.channel.write(lane.out.begin(Frames.PROBE).i32(slot).i64(turn));
            FrameIn f = lane.channel.read();
            if (f.tag() != Frames.PROBED) {
                throw new ProtocolException("PROBE answered with " + Frames.name(f.tag()));
            }
            sameTurn(f, turn);
            boolean healthy = f.bool();
            f.done();
            return healthy;
        } catch (IOException e) {
            throw died(e);
        } finally {
            child.release(lane, this);
        }
    }

    /** Serves the script's host operations until the child's final frame, which it returns. */
    private FrameIn serve(ChildProcess.Lane lane, HostCalls host) throws IOException {
        while (true) {
            FrameIn f = lane.channel.read();
            switch (f.tag()) {
                case Frames.LOG -> {
                    String level = f.text();
                    String line = f.text();
                    f.done();
                    host.log(level, line);
                }
                case Frames.SETTLE -> {
                    int inv = f.i32();
                    String result = f.text();
                    f.done();
                    host.settle(inv, result);
                }
                case Frames.OP -> {
                    int inv = f.i32();
                    int op = f.i32();
                    String kind = f.text();
                    String args = f.text();
                    f.done();
                    host.op(inv, op, kind, args);
                }
                case Frames.CANCEL -> {
                    int op = f.i32();
                    f.done();
                    host.cancel(op);
                }
                case Frames.MODULE -> {
                    String name = f.text();
                    f.done();
                    lane.channel.write(lane.out.begin(Frames.REPLY).str(host.module(name)));
                }
                case Frames.SYNC -> {
                    int inv = f.i32();
                    String fn = f.text();
                    String args = f.text();
                    f.done();
                    lane.channel.write(lane.out.begin(Frames.REPLY).str(host.sync(inv, fn, args)));
                }
                default -> {
                    return f;
                }
            }
        }
    }

    /**
     * A final frame that is not the request's success: TERMINATED is thrown, FAILED returned for the caller to
     * throw, and anything else breaks the protocol.
     */
    private static IsolateRunner.Broken ended(FrameIn f, long turn) throws IOException, IsolateRunner.Terminated {
        switch (f.tag()) {
            case Frames.TERMINATED -> {
                sameTurn(f, turn);
                String memory = f.str();
                f.done();
                throw new IsolateRunner.Terminated(memory == null ? null : ChildProcess.printable(clip(memory)));
            }
            case Frames.FAILED -> {
                sameTurn(f, turn);
                String message = f.text();
                f.done();
                return new IsolateRunner.Broken(ChildProcess.printable(clip(message)));
            }
            default -> throw new ProtocolException(Frames.name(f.tag()) + " does not end this turn");
        }
    }

    /** A final frame names the turn it ends: one for another turn was written ahead, and is forged. */
    private static void sameTurn(FrameIn f, long turn) throws ProtocolException {
        long named = f.i64();
        if (named != turn) {
            throw new ProtocolException(Frames.name(f.tag()) + " for turn " + named + " during turn " + turn);
        }
    }

    private static String clip(String text) {
        return text.length() > 500 ? text.substring(0, 500) + "..." : text;
    }

    private LinkDied died(IOException e) {
        if (e instanceof ProtocolException) {
            return broken("a malformed frame: " + e.getMessage());
        }
        return new LinkDied(supervisor.awaitDeath(child));
    }

    private LinkDied broken(String what) {
        supervisor.broken(child, this, what);
        return new LinkDied(supervisor.awaitDeath(child));
    }

    @Override
    public void terminate(long turn) {
        child.terminate(slot, turn);
    }

    @Override
    public boolean killable() {
        return true;
    }

    @Override
    public void kill(String why) {
        supervisor.kill(child, Death.Kind.OVERRUN, why, this);
    }

    @Override
    public void close() {
        child.close(slot);
        supervisor.slotClosed(child);
    }

    @Override
    public String toString() {
        return "isolate " + slot + " in " + child;
    }
}
