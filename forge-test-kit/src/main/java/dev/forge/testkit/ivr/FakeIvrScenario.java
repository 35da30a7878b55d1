package dev.forge.testkit.ivr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A scenario for {@link FakeIvrPlatform} in JSON: call templates (each with a {@code count}, so one template can
 * stand for a thousand concurrent calls), how the platform answers what a controller applies (reactions), what
 * callers do (steps), and faults on a timeline. {@code forge ivr-sim} plays one; tests can too.
 *
 * <pre>{@code
 * {
 *   "token": "sim-token",
 *   "autoStopMs": 10,
 *   "calls": [
 *     {"count": 500, "ivrid": "good-{n}", "key": "abc", "state": "dialog", "everyMs": 1,
 *      "reactions": [{"oType": 204, "nth": 1, "afterMs": 20, "dtmf": "1234", "dtmfGapMs": 5}]},
 *     {"count": 500, "ivrid": "bad-{n}", "key": "abc", "everyMs": 1,
 *      "reactions": [{"oType": 204, "nth": 1, "dtmf": "9999", "dtmfGapMs": 5}]}
 *   ],
 *   "faults": [{"atMs": 1500, "disconnect": true}]
 * }
 * }</pre>
 *
 * The fields are described in {@code site/ivr.md}; {@link #parse(String)} refuses unknown fields and wrong
 * values with the field's path, e.g. {@code calls[0].reactions[1].afterMs}.
 *
 * <p>Thread-safety: immutable once parsed; {@link #play(FakeIvrPlatform)} may be called from any thread.
 *
 * @since 0.1.0
 */
public final class FakeIvrScenario {
    public static final String DEFAULT_TOKEN = "forge-sim";
    public static final Duration DEFAULT_AUTO_STOP = Duration.ofMillis(10);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A call of the plan and when it starts, from the start of the run. */
    public record Planned(Duration at, CallSpec spec) {
    }

    /** A fault at {@code at} from the start of the run. */
    public record Fault(Duration at, boolean disconnect, boolean malformed, String raw, Duration refuseConnections) {
    }

    private final String token;
    private final boolean startWhenSubscribed;
    private final Duration acceptTimeout;
    private final Duration autoStop;
    private final boolean strictSipRules;
    private final boolean dropEventsWhileDisconnected;
    private final Map<String, Duration> replyDelays;
    private final List<Reaction> reactions;
    private final List<Planned> plan;
    private final List<Fault> faults;

    private FakeIvrScenario(String token, boolean startWhenSubscribed, Duration acceptTimeout, Duration autoStop,
                            boolean strictSipRules, boolean dropEventsWhileDisconnected,
                            Map<String, Duration> replyDelays, List<Reaction> reactions, List<Planned> plan,
                            List<Fault> faults) {
        this.token = token;
        this.startWhenSubscribed = startWhenSubscribed;
        this.acceptTimeout = acceptTimeout;
        this.autoStop = autoStop;
        this.strictSipRules = strictSipRules;
        this.dropEventsWhileDisconnected = dropEventsWhileDisconnected;
        this.replyDelays = Map.copyOf(replyDelays);
        this.reactions = List.copyOf(reactions);
        this.plan = List.copyOf(plan);
        this.faults = List.copyOf(faults);
    }

    /** Reads a scenario file; errors name the file and the field. */
    public static FakeIvrScenario read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses a scenario.
     *
     * @throws IllegalArgumentException naming the field's path and the value, for JSON that is not a scenario
     */
    public static FakeIvrScenario parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", e);
        }
        Node top = new Node("scenario", root, Set.of("token", "startWhen", "acceptTimeoutMs", "autoStopMs",
                "strictSipRules", "whileDisconnected", "replyDelayMs", "reactions", "calls", "faults"));
        String token = top.text("token", DEFAULT_TOKEN);
        String startWhen = top.text("startWhen", "subscribed");
        if (!startWhen.equals("subscribed") && !startWhen.equals("now")) {
            throw new IllegalArgumentException("startWhen: must be \"subscribed\" (wait for a controller) or"
                    + " \"now\", got \"" + startWhen + "\"");
        }
        Duration acceptTimeout = top.millis("acceptTimeoutMs", FakeIvrPlatform.DEFAULT_ACCEPT_TIMEOUT);
        Duration autoStop = top.has("autoStopMs") && top.get("autoStopMs").isNull() ? null
                : top.millis("autoStopMs", DEFAULT_AUTO_STOP);
        boolean strict = top.bool("strictSipRules", true);
        String whileDisconnected = top.text("whileDisconnected", "keep");
        if (!whileDisconnected.equals("keep") && !whileDisconnected.equals("drop")) {
            throw new IllegalArgumentException("whileDisconnected: must be \"keep\" (send a call's events after the"
                    + " reaccept) or \"drop\", got \"" + whileDisconnected + "\"");
        }
        Map<String, Duration> delays = new LinkedHashMap<>();
        if (top.has("replyDelayMs")) {
            Node d = top.object("replyDelayMs", null);
            for (Iterator<String> it = d.node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                delays.put(name, d.millis(name, Duration.ZERO));
            }
        }
        List<Reaction> reactions = new ArrayList<>();
        top.each("reactions", r -> reactions.add(reaction(r)));
        List<Planned> plan = new ArrayList<>();
        if (!top.has("calls") || top.get("calls").size() == 0) {
            throw new IllegalArgumentException("calls: at least one call template is required, e.g."
                    + " [{\"count\": 10, \"key\": \"abc\"}]");
        }
        int[] t = {0};
        top.each("calls", c -> plan.addAll(template(c, ++t[0])));
        plan.sort((a, b) -> a.at().compareTo(b.at()));
        List<Fault> faults = new ArrayList<>();
        top.each("faults", f -> faults.add(fault(f)));
        return new FakeIvrScenario(token, startWhen.equals("subscribed"), acceptTimeout, autoStop, strict,
                whileDisconnected.equals("drop"), delays, reactions, plan, faults);
    }

    private static List<Planned> template(Node c, int number) {
        c.allow(Set.of("count", "ivrid", "key", "state", "params", "startAtMs", "everyMs", "rival",
                "acceptTimeoutMs", "reactions", "steps"));
        int count = c.integer("count", 1, 1);
        String ivrid = c.text("ivrid", "call-" + number + "-{n}");
        if (count > 1 && !ivrid.contains("{n}")) {
            throw new IllegalArgumentException(c.path + ".ivrid: \"" + ivrid + "\" names " + count + " calls the same;"
                    + " put {n} in it (1.." + count + "), e.g. \"" + ivrid + "-{n}\"");
        }
        String key = c.required("key");
        String state = c.text("state", "dialog");
        if (!Set.of("dialog", "early", "ringing", "incoming").contains(state)) {
            throw new IllegalArgumentException(c.path + ".state: must be dialog, early, ringing or incoming, got \""
                    + state + "\"");
        }
        String params = c.has("params") && c.get("params").isObject() ? c.get("params").toString()
                : c.text("params", "{}");
        Duration startAt = c.millis("startAtMs", Duration.ZERO);
        Duration every = c.millis("everyMs", Duration.ZERO);
        String rivalText = c.text("rival", "none");
        CallSpec.Rival rival = switch (rivalText) {
            case "none" -> CallSpec.Rival.NONE;
            case "wins" -> CallSpec.Rival.WINS;
            case "loses" -> CallSpec.Rival.LOSES;
            default -> throw new IllegalArgumentException(c.path + ".rival: must be \"none\", \"wins\" or \"loses\","
                    + " got \"" + rivalText + "\"");
        };
        Duration acceptTimeout = c.has("acceptTimeoutMs") ? c.millis("acceptTimeoutMs", null) : null;
        List<Reaction> reactions = new ArrayList<>();
        c.each("reactions", r -> reactions.add(reaction(r)));
        List<CallSpec.Step> steps = new ArrayList<>();
        c.each("steps", s -> steps.add(step(s)));
        List<Planned> calls = new ArrayList<>();
        for (int n = 1; n <= count; n++) {
            String nth = Integer.toString(n);
            CallSpec spec = new CallSpec(ivrid.replace("{n}", nth), key.replace("{n}", nth), state,
                    params.replace("{n}", nth), rival, acceptTimeout, reactions, steps);
            calls.add(new Planned(startAt.plus(every.multipliedBy(n - 1L)), spec));
        }
        return calls;
    }

    private static Reaction reaction(Node r) {
        r.allow(Set.of("oType", "match", "nth", "afterMs", "dtmf", "dtmfGapMs", "stop", "transferKey", "results",
                "endCall"));
        Integer oType = r.has("oType") ? r.integer("oType", 0, 1) : null;
        ObjectNode match = r.has("match") ? (ObjectNode) r.object("match", null).node : null;
        Integer nth = r.has("nth") ? r.integer("nth", 1, 1) : null;
        String dtmf = r.has("dtmf") ? digits(r, "dtmf") : null;
        ObjectNode results = r.has("results") ? (ObjectNode) r.object("results", null).node : null;
        return new Reaction(oType, match, nth, r.millis("afterMs", Duration.ZERO), dtmf,
                r.millis("dtmfGapMs", Reaction.DEFAULT_DTMF_GAP), r.bool("stop", true), r.text("transferKey", null),
                results, r.text("endCall", null));
    }

    private static CallSpec.Step step(Node s) {
        s.allow(Set.of("atMs", "dtmf", "gapMs", "hangup", "stopComponent"));
        if (!s.has("atMs")) {
            throw new IllegalArgumentException(s.path + ".atMs: is required (milliseconds after a controller took"
                    + " the call)");
        }
        Duration at = s.millis("atMs", Duration.ZERO);
        int kinds = (s.has("dtmf") ? 1 : 0) + (s.bool("hangup", false) ? 1 : 0) + (s.has("stopComponent") ? 1 : 0);
        if (kinds != 1) {
            throw new IllegalArgumentException(s.path + ": a step does one thing: \"dtmf\", \"hangup\": true or"
                    + " \"stopComponent\": {...}; got " + s.node);
        }
        if (s.has("dtmf")) {
            return CallSpec.Step.dtmf(at, digits(s, "dtmf"), s.millis("gapMs", Reaction.DEFAULT_DTMF_GAP));
        }
        if (s.has("stopComponent")) {
            Node stop = s.object("stopComponent", Set.of("transferKey", "results"));
            ObjectNode results = stop.has("results") ? (ObjectNode) stop.object("results", null).node : null;
            return CallSpec.Step.stopComponent(at, stop.text("transferKey", Reaction.DEFAULT_TRANSFER_KEY), results);
        }
        return CallSpec.Step.hangup(at);
    }

    private static Fault fault(Node f) {
        f.allow(Set.of("atMs", "disconnect", "malformed", "raw", "refuseConnectionsMs"));
        if (!f.has("atMs")) {
            throw new IllegalArgumentException(f.path + ".atMs: is required (milliseconds after the run started)");
        }
        Duration refuse = f.has("refuseConnectionsMs") ? f.millis("refuseConnectionsMs", null) : null;
        Fault fault = new Fault(f.millis("atMs", Duration.ZERO), f.bool("disconnect", false),
                f.bool("malformed", false), f.text("raw", null), refuse);
        if (!fault.disconnect() && !fault.malformed() && fault.raw() == null && refuse == null) {
            throw new IllegalArgumentException(f.path + ": a fault needs \"disconnect\": true, \"malformed\": true,"
                    + " \"raw\": \"...\" or \"refuseConnectionsMs\": N; got " + f.node);
        }
        return fault;
    }

    private static String digits(Node n, String field) {
        String d = n.required(field);
        for (char c : d.toCharArray()) {
            if ("0123456789*#ABCD".indexOf(c) < 0) {
                throw new IllegalArgumentException(n.path + "." + field + ": '" + c + "' in \"" + d + "\" is not a"
                        + " DTMF digit; use 0-9, *, #, A-D");
            }
        }
        return d;
    }

    // ---- reading

    public String token() {
        return token;
    }

    /** True when the calls wait for a controller to subscribe to {@code ivrevents} ({@code "startWhen"}). */
    public boolean startsWhenSubscribed() {
        return startWhenSubscribed;
    }

    /**
     * True when the scenario says {@code "whileDisconnected": "drop"}: a call's events while its controller is
     * away are dropped, as by a platform that keeps none for a dropped socket; false (the default, {@code keep})
     * sends them after the reaccept.
     */
    public boolean dropsEventsWhileDisconnected() {
        return dropEventsWhileDisconnected;
    }

    /** Every call with its start time, earliest first. */
    public List<Planned> plan() {
        return plan;
    }

    public List<Fault> faults() {
        return faults;
    }

    public int callCount() {
        return plan.size();
    }

    /** Applies the scenario's settings to {@code platform} (done by {@link #play}). */
    public void configure(FakeIvrPlatform platform) {
        platform.acceptTimeout(acceptTimeout);
        platform.autoStop(autoStop);
        platform.strictSipRules(strictSipRules);
        platform.dropEventsWhileDisconnected(dropEventsWhileDisconnected);
        replyDelays.forEach(platform::delay);
        reactions.forEach(platform::react);
    }

    /**
     * Configures {@code platform} and starts the calls and faults on their timeline, at once or when a
     * controller subscribes. Returns the run; {@link Run#awaitDone(Duration)} waits for every call to end.
     */
    public Run play(FakeIvrPlatform platform) {
        Objects.requireNonNull(platform, "platform");
        configure(platform);
        Run run = new Run(platform);
        if (startWhenSubscribed) {
            platform.subscribed().thenRun(run::begin);
        } else {
            run.begin();
        }
        return run;
    }

    /**
     * One playing of the scenario. {@link #close()} stops starting calls and faults (calls under way go on).
     * Thread-safety: thread-safe.
     */
    public final class Run implements AutoCloseable {
        private final FakeIvrPlatform platform;
        private final ScheduledExecutorService timeline = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fake-ivr-scenario");
            t.setDaemon(true);
            return t;
        });

        private Run(FakeIvrPlatform platform) {
            this.platform = platform;
        }

        private void begin() {
            for (Planned p : plan) {
                at(p.at(), () -> platform.startCall(p.spec()));
            }
            for (Fault f : faults) {
                at(f.at(), () -> {
                    if (f.refuseConnections() != null) {
                        platform.refuseConnections(true);
                        at(f.refuseConnections(), () -> platform.refuseConnections(false));
                    }
                    if (f.disconnect()) {
                        platform.disconnectAll();
                    }
                    if (f.malformed()) {
                        platform.sendMalformed();
                    }
                    if (f.raw() != null) {
                        platform.sendRaw(f.raw());
                    }
                });
            }
        }

        private void at(Duration when, Runnable task) {
            try {
                timeline.schedule(task, when.toNanos(), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the run was closed
            }
        }

        /** Waits until every call of the scenario has ended; false after {@code timeout}. */
        public boolean awaitDone(Duration timeout) throws InterruptedException {
            return platform.awaitEnded(plan.size(), timeout);
        }

        @Override
        public void close() {
            timeline.shutdownNow();
        }
    }

    /** A JSON object being read, with the path of its fields for error messages. */
    private static final class Node {
        final String path;
        final JsonNode node;

        Node(String path, JsonNode node, Set<String> allowed) {
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(path + ": must be a JSON object, got " + node);
            }
            this.path = path;
            this.node = node;
            if (allowed != null) {
                allow(allowed);
            }
        }

        void allow(Set<String> allowed) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!allowed.contains(name)) {
                    throw new IllegalArgumentException(where(name) + ": unknown field; known here: "
                            + String.join(", ", new java.util.TreeSet<>(allowed)));
                }
            }
        }

        String where(String field) {
            return path.equals("scenario") ? field : path + "." + field;
        }

        boolean has(String field) {
            return node.has(field);
        }

        JsonNode get(String field) {
            return node.get(field);
        }

        String text(String field, String fallback) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isTextual()) {
                throw new IllegalArgumentException(where(field) + ": must be a string, got " + v);
            }
            return v.textValue();
        }

        String required(String field) {
            String v = text(field, null);
            if (v == null || v.isEmpty()) {
                throw new IllegalArgumentException(where(field) + ": is required");
            }
            return v;
        }

        boolean bool(String field, boolean fallback) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isBoolean()) {
                throw new IllegalArgumentException(where(field) + ": must be true or false, got " + v);
            }
            return v.booleanValue();
        }

        int integer(String field, int fallback, int min) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min) {
                throw new IllegalArgumentException(where(field) + ": must be a whole number of " + min
                        + " or more, got " + v);
            }
            return v.intValue();
        }

        Duration millis(String field, Duration fallback) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new IllegalArgumentException(where(field) + ": must be a whole number of milliseconds, 0 or"
                        + " more, got " + v);
            }
            return Duration.ofMillis(v.longValue());
        }

        Node object(String field, Set<String> allowed) {
            return new Node(where(field), node.get(field), allowed);
        }

        void each(String field, java.util.function.Consumer<Node> read) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return;
            }
            if (!v.isArray()) {
                throw new IllegalArgumentException(where(field) + ": must be an array, got " + v);
            }
            for (int i = 0; i < v.size(); i++) {
                read.accept(new Node(where(field) + "[" + i + "]", v.get(i), null));
            }
        }
    }
}
