package dev.forge.cli;

import dev.forge.Limits;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.SipStatus;
import dev.forge.testkit.internal.Resources;

import java.time.Duration;
import java.util.List;

/**
 * The demo's scripts, shipped as resources beside this class, and the customer accounts assigned to each.
 * {@code weight} is the share of the call stream routed to the script.
 *
 * <p>Thread-safety: immutable.
 *
 * @param name          the resource's file name, also the script's name
 * @param kind          script or app
 * @param accountId     the customer account whose route carries this script
 * @param weight        relative share of calls
 * @param timeout       the assignment's timeout
 * @param timeoutAction the assignment's timeout action
 * @param limits        the script's own limits, or {@code null} for the Forge's defaults
 */
record DemoScript(String name, ScriptKind kind, int accountId, int weight, Duration timeout,
                  SipStatus timeoutAction, Limits limits) {

    static final String TENANT = "demo";

    private static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(1);
    private static final SipStatus ROUTE_ACTION = new SipStatus(480, "Temporarily Unavailable");

    /** The hostile script gets a short assignment timeout and a small heap, as a careful PBX would set. */
    private static final Duration HOSTILE_TIMEOUT = Duration.ofMillis(200);
    private static final Limits HOSTILE_LIMITS = new Limits(HOSTILE_TIMEOUT, 32L * 1024 * 1024);

    /** Every demo script, hostile one last. */
    static final List<DemoScript> ALL = List.of(
            route("least-cost.js", ScriptKind.SCRIPT, 1001, 28),
            route("dnc-check.js", ScriptKind.APP, 1003, 18),
            route("time-of-day.js", ScriptKind.SCRIPT, 1004, 18),
            route("header-rewrite.js", ScriptKind.SCRIPT, 1005, 15),
            route("random-cli.js", ScriptKind.SCRIPT, 1006, 15),
            new DemoScript("fraud-score.js", ScriptKind.SCRIPT, 1099, 4, HOSTILE_TIMEOUT, ROUTE_ACTION, HOSTILE_LIMITS));

    private static DemoScript route(String name, ScriptKind kind, int accountId, int weight) {
        return new DemoScript(name, kind, accountId, weight, ROUTE_TIMEOUT, ROUTE_ACTION, null);
    }

    String id() {
        return TENANT + "/" + name;
    }

    boolean hostile() {
        return limits != null;
    }

    Script toScript() {
        Script script = Script.of(TENANT, name, kind, Resources.readBeside(DemoScript.class, "/dev/forge/demo/" + name));
        return limits == null ? script : script.withLimits(limits);
    }
}
