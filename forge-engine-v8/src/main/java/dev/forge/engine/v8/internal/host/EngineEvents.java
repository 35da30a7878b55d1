package dev.forge.engine.v8.internal.host;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What operators are told: every timeout, memory kill, overrun, process crash, quarantine and retry is
 * logged once at WARN (tenant, script and call id; never the script's source or data) and counted for
 * {@code Forge.stats()}.
 *
 * <p>Thread-safety: thread-safe.
 */
final class EngineEvents {

    static final Logger LOG = LoggerFactory.getLogger("forge.v8");

    final AtomicLong timeouts = new AtomicLong();
    final AtomicLong memoryKills = new AtomicLong();
    final AtomicLong overruns = new AtomicLong();
    final AtomicLong processCrashes = new AtomicLong();
    final AtomicLong quarantines = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong protocolKills = new AtomicLong();

    void timeout(Call call) {
        timeouts.incrementAndGet();
        LOG.warn("timeout: tenant={} script={} call={} ran past its deadline of {} ms", call.script.tenant(),
                call.script.id(), id(call), TimeUnit.NANOSECONDS.toMillis(call.deadlineNanos - call.startNanos));
    }

    void memory(Call call, String why) {
        memoryKills.incrementAndGet();
        LOG.warn("memory: tenant={} script={} call={} was stopped: {}", call.script.tenant(), call.script.id(), id(call), why);
    }

    void overrun(Slot slot, Call call, long graceMillis, String containment) {
        overruns.incrementAndGet();
        LOG.warn("overrun: tenant={} script={} call={} ignored termination for {} ms past its deadline; {}",
                slot.script.script.tenant(), slot.script.script.id(), call == null ? "-" : id(call), graceMillis, containment);
    }

    void processStarted(ChildProcess child) {
        LOG.debug("isolate process {} started", child.pid);
    }

    void processDied(ChildProcess child, Death death, Set<String> blamed, Set<String> quarantined) {
        if (death.kind() == Death.Kind.CLOSED) {
            LOG.debug("{}", death.message());
            return;
        }
        processCrashes.incrementAndGet();
        LOG.warn("process: {} ({}); running then: {}; replaced", death.message(), death.kind().name().toLowerCase(),
                blamed.isEmpty() ? "nothing" : "tenants " + blamed);
        for (String tenant : quarantined) {
            quarantines.incrementAndGet();
            LOG.warn("quarantine: tenant={} runs in an isolate process of its own from now on, after {}", tenant,
                    child);
        }
    }

    /** An isolate process sent what the host never asked for; it is killed. */
    void forged(String tenant, String script, ChildProcess child, String what) {
        protocolKills.incrementAndGet();
        LOG.warn("forged: tenant={} script={} {} broke the protocol: {}; killed", tenant == null ? "-" : tenant,
                script == null ? "-" : script, child, ChildProcess.printable(what.length() > 300 ? what.substring(0, 300) : what));
    }

    void retried(Call call, String why) {
        retries.incrementAndGet();
        LOG.warn("retry: tenant={} script={} call={} runs again in another isolate process: {}", call.script.tenant(),
                call.script.id(), id(call), why);
    }

    private static String id(Call call) {
        return call.callId == null ? "-" : call.callId;
    }
}
