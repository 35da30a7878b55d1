package dev.forge.engine.v8.internal.host;

import dev.forge.engine.v8.internal.child.HostCalls;
import dev.forge.engine.v8.internal.child.IsolateRunner;
import dev.forge.engine.v8.internal.child.IsolateSpec;
import dev.forge.engine.v8.internal.child.MemoryGuard;

/**
 * An isolate in the host's own JVM (in-process isolation): turns call V8 directly on the owner's thread.
 *
 * <p>Thread-safety: as {@link IsolateLink}.
 */
final class LocalLink implements IsolateLink {

    private final IsolateRunner runner;

    LocalLink(IsolateSpec spec, MemoryGuard guard) {
        this.runner = new IsolateRunner(spec, guard);
    }

    @Override
    public IsolateRunner.LoadFailure load(long turn, IsolateSpec spec, HostCalls host)
            throws IsolateRunner.Terminated, IsolateRunner.Broken {
        return runner.load(turn, host);
    }

    @Override
    public String enter(long turn, int mode, int inv, Object a, String b, String forget, HostCalls host)
            throws IsolateRunner.Terminated, IsolateRunner.Broken {
        return runner.enter(turn, mode, inv, a, b, forget, host);
    }

    @Override
    public boolean probe(long turn) {
        return runner.probe(turn);
    }

    @Override
    public void terminate(long turn) {
        runner.terminate(turn);
    }

    @Override
    public boolean killable() {
        return false;
    }

    @Override
    public void kill(String why) {
        throw new UnsupportedOperationException("an isolate in the host's JVM has no process to kill");
    }

    @Override
    public void close() {
        runner.close();
    }
}
