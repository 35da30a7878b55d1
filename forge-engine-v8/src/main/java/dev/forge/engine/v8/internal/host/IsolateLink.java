package dev.forge.engine.v8.internal.host;

import dev.forge.engine.v8.internal.child.HostCalls;
import dev.forge.engine.v8.internal.child.IsolateRunner;
import dev.forge.engine.v8.internal.child.IsolateSpec;

/**
 * The scheduler's handle on one isolate, wherever it runs: in this JVM ({@link LocalLink}) or in an isolate
 * process ({@link RemoteLink}). The same turns run through both; the script's requests come back through
 * {@link HostCalls} on the thread running the turn.
 *
 * <p>Thread-safety: turns come from the slot's owner, one at a time; {@link #terminate} from the watchdog;
 * {@link #close} once the isolate is idle.
 */
interface IsolateLink {

    /**
     * Builds the isolate.
     *
     * @return null when loaded, else why the script did not load
     * @throws LinkDied if the isolate's process died
     */
    IsolateRunner.LoadFailure load(long turn, IsolateSpec spec, HostCalls host)
            throws IsolateRunner.Terminated, IsolateRunner.Broken;

    /**
     * Runs one turn and returns the entry point's tagged result.
     *
     * @throws LinkDied if the isolate's process died
     */
    String enter(long turn, int mode, int inv, Object a, String b, String forget, HostCalls host)
            throws IsolateRunner.Terminated, IsolateRunner.Broken;

    /** After a terminated turn: whether the isolate is still usable. */
    boolean probe(long turn);

    /** Asks V8 to terminate turn {@code turn} if it still runs; never blocks. */
    void terminate(long turn);

    /** Whether {@link #kill} can contain a turn that ignores termination (it can when the isolate has a process). */
    boolean killable();

    /** The turn ignored termination past the grace: kill the isolate's process. */
    void kill(String why);

    /** Frees the isolate; it is idle. */
    void close();
}
