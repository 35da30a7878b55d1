package dev.forge.engine.v8.internal.host;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.EngineOptions;
import dev.forge.Limits;
import dev.forge.Script;
import dev.forge.ScriptException;
import dev.forge.ScriptKind;
import dev.forge.engine.v8.internal.child.IsolateSpec;
import dev.forge.internal.Json;
import dev.forge.spi.Bindings;
import dev.forge.spi.HostServices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Everything the engine keeps for one version of one script: what its isolates are built from, its
 * isolates (never shared with another script), the invocations waiting for one, and a load failure that
 * will not go away (a syntax error) so that it is not rebuilt on every call.
 *
 * <p>A Script gets up to {@code concurrencyPerScript} isolates, each running one invocation at a time; an
 * App or Driver gets one isolate on which up to {@code appInFlight} invocations interleave.
 *
 * <p>Thread-safety: the final fields are immutable; the rest is guarded by the {@link Scheduler}'s lock.
 */
final class ScriptState {

    /** Static import or export at the start of a line: the source is an ES module. */
    static final Pattern ES_MODULE = Pattern.compile("(?m)^\\s*(?:import\\s*[\\w{*'\"]|export\\s)");
    /** The longest source Forge compiles: V8's parser takes tens of bytes per character of source. */
    static final int MAX_SOURCE_CHARS = 4 << 20;
    /** The longest source a script may give {@code eval} or a {@code Function} constructor. */
    static final int MAX_EVAL_CHARS = 1 << 20;
    /** The longest pattern a script may give {@code RegExp}: compiling one costs hundreds of bytes a character. */
    static final int MAX_REGEXP_CHARS = 64 << 10;
    /** The longest JSON a script may return or pass to one host operation. */
    static final int MAX_MESSAGE_CHARS = 4 << 20;
    /** Host operations one invocation may start; past them the prelude refuses (a child that sends more is broken). */
    static final int MAX_OPERATIONS = 100_000;
    /** Requests (host operations, console lines, modules, ...) one turn may make; more kill the isolate's process. */
    static final int MAX_TURN_REQUESTS = 2 * MAX_OPERATIONS + 100_000;

    final Script script;
    final Limits limits;
    final TenantState tenant;
    final IsolateSpec spec;
    final boolean app;
    /** The script's extra bindings, or null. */
    final Bindings bindings;
    final int maxSlots;
    final Logger consoleLog;
    /**
     * Whether its invocations can ask the host for anything while they run (an App, or a script with
     * bindings): only then is each one entered in its isolate's record. A plain Script's cannot.
     */
    final boolean tracked;

    final ArrayDeque<Call> queue = new ArrayDeque<>();
    final List<Slot> slots = new ArrayList<>(1);
    boolean retired;
    boolean forgotten;
    /** In the scheduler's list of scripts with calls waiting for a thread or an isolate. */
    boolean waiting;
    ScriptException broken;

    ScriptState(Script script, Limits limits, TenantState tenant, EngineOptions options, HostServices services) {
        this.script = script;
        this.limits = limits;
        this.tenant = tenant;
        this.bindings = script.bindings() == null ? null : services.bindings().get(script.bindings());
        if (script.bindings() != null && bindings == null) {
            throw new IllegalStateException("bindings: script '" + script.id() + "' asks for '" + script.bindings()
                    + "', which this engine was not given; register them with Forge.builder().bindings(...)");
        }
        this.app = script.kind() != ScriptKind.SCRIPT;
        this.maxSlots = app ? 1 : options.concurrencyPerScript();
        this.tracked = app || bindings != null;
        ObjectNode o = Json.object();
        o.put("app", app);
        o.put("driver", script.kind() == ScriptKind.DRIVER);
        o.put("consoleLineChars", options.consoleLineChars());
        o.put("allocationBudget", limits.heapBytes());
        o.put("maxEvalChars", MAX_EVAL_CHARS);
        o.put("maxRegExpChars", MAX_REGEXP_CHARS);
        o.put("maxMessageChars", MAX_MESSAGE_CHARS);
        o.put("maxOperations", MAX_OPERATIONS);
        o.put("consoleLines", options.consoleLines());
        ObjectNode env = o.putObject("env");
        script.env().forEach(env::put);
        // after the host's variables, so that these are Forge's whatever a Script holds (Script refuses them too)
        env.put("scriptId", script.id());
        env.put("name", script.name());
        env.put("tenant", script.tenant());
        env.put("SCRIPTFORGE_ID", script.id());
        env.put("SCRIPTFORGE_NAME", script.name());
        boolean esModule = app && ES_MODULE.matcher(script.source()).find();
        this.spec = new IsolateSpec(script.name(), script.source(), esModule, Json.write(o),
                bindings == null ? null : bindings.installer(), bindings == null ? null : bindings.name(),
                limits.heapBytes());
        this.consoleLog = LoggerFactory.getLogger("forge.script." + script.tenant());
        if (script.source().length() > MAX_SOURCE_CHARS) {
            broken = new ScriptException(ScriptException.Kind.SYNTAX, "the script is " + script.source().length()
                    + " characters long; Forge compiles at most " + MAX_SOURCE_CHARS);
        }
    }

    /** The key isolates are kept under: the script's id and its version, so tenants never share. */
    static String key(Script script) {
        return script.id() + '@' + script.version();
    }
}
