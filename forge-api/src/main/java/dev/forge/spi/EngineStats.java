package dev.forge.spi;

/**
 * A snapshot of an engine's counters.
 *
 * @param liveIsolates     isolates alive now
 * @param busyIsolates     isolates running an invocation now
 * @param queued           invocations waiting for an isolate
 * @param isolatesBuilt    isolates built since start
 * @param isolatesRebuilt  isolates closed after a limit was hit and built again
 * @param isolatesEvicted  idle isolates closed to stay under the cap
 * @param threads          platform threads the engine has started
 * @param scriptsKept      script versions the engine keeps state for (isolates, queue, code cache)
 */
public record EngineStats(int liveIsolates, int busyIsolates, int queued, long isolatesBuilt, long isolatesRebuilt,
                          long isolatesEvicted, int threads, int scriptsKept) {
}
