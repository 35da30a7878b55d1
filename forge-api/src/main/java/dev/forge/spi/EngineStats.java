package dev.forge.spi;

/**
 * A snapshot of an engine's counters. The {@code long} counters count since the engine started.
 *
 * @param liveIsolates     isolates alive now
 * @param busyIsolates     isolates running an invocation now
 * @param queued           invocations waiting for an isolate
 * @param isolatesBuilt    isolates built since start
 * @param isolatesRebuilt  isolates closed after a limit was hit and built again
 * @param isolatesEvicted  idle isolates closed to stay under the cap
 * @param threads          platform threads the engine has started
 * @param scriptsKept      script versions the engine keeps state for (isolates, queue, code cache)
 * @param isolation        where scripts run: {@code process} or {@code in-process}
 * @param processes        isolate processes alive now (spares included); 0 in-process
 * @param spares           isolate processes started, ready and kept for a tenant that needs one (a new tenant,
 *                         or a crashed process's); 0 in-process
 * @param timeouts         invocations that ran past their deadline
 * @param memoryKills      invocations ended because their script passed its memory limit
 * @param overruns         scripts that kept running past their deadline plus the kill grace (their child was
 *                         killed, or in-process their thread and isolate abandoned)
 * @param processCrashes   isolate processes that died while in use (a fatal V8 error, a signal, a kill by the
 *                         supervisor), replaced since
 * @param quarantines      times a tenant was quarantined after its script crashed an isolate process
 * @param retries          invocations of other scripts caught in a crashed process and run again elsewhere
 * @param protocolKills    isolate processes killed because they broke the protocol: a forged request (an
 *                         invocation never dispatched to them, or ended), a malformed or oversized frame, a flood
 * @param confinement      the operating-system layers around the isolate processes as the last one to start
 *                         reported them, e.g. {@code network: none, files: read-only, view: its own, processes:
 *                         own namespace, user: nobody, privileges: no-new-privs, capabilities: none, core dumps:
 *                         none}, and any missing with why; {@code none: ...} in-process
 *
 * @since 0.1.0
 */
public record EngineStats(int liveIsolates, int busyIsolates, int queued, long isolatesBuilt, long isolatesRebuilt,
                          long isolatesEvicted, int threads, int scriptsKept, String isolation, int processes, int spares,
                          long timeouts, long memoryKills, long overruns, long processCrashes, long quarantines,
                          long retries, long protocolKills, String confinement) {
}
