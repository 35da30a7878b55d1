package dev.forge.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.internal.Json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A repeatable stream of Class 4 calls: the {@code data} a routing engine hands to ScriptForge, with
 * {@code routing.cli}, {@code dest_number}, {@code account_id}, {@code egress_routing} (carriers with
 * rates, headers and gateways) and the assignment's vars as top-level keys. The same seed gives the same
 * calls.
 *
 * <p>Thread-safety: not thread-safe (it owns a {@link Random}); generate the calls up front.
 */
final class DemoCalls {

    /** One call: its number in the stream, the script its account is assigned, and its data. */
    record Call(int number, DemoScript script, ObjectNode data) {
    }

    /** Destinations the DNC script lists; the generator dials them now and then. */
    static final List<String> LISTED = List.of("12125550100", "12125550111", "442079460999", "33142860000");

    private static final String[] CARRIERS = {"carrier-atlas", "carrier-boreal", "carrier-cirrus", "carrier-delta",
            "carrier-ember"};
    private static final String[] DEST_PREFIXES = {"1212555", "1646555", "4420794", "4416135", "3314286", "4930901"};
    private static final Instant DAY = Instant.parse("2025-03-14T00:00:00Z");

    private final Random random;
    private final int totalWeight;

    DemoCalls(long seed) {
        this.random = new Random(seed);
        this.totalWeight = DemoScript.ALL.stream().mapToInt(DemoScript::weight).sum();
    }

    List<Call> next(int count) {
        List<Call> calls = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            DemoScript script = pickScript();
            calls.add(new Call(i, script, data(script)));
        }
        return calls;
    }

    private DemoScript pickScript() {
        int at = random.nextInt(totalWeight);
        for (DemoScript s : DemoScript.ALL) {
            at -= s.weight();
            if (at < 0) {
                return s;
            }
        }
        throw new IllegalStateException("weights changed while picking");
    }

    private ObjectNode data(DemoScript script) {
        ObjectNode data = Json.object();
        ObjectNode routing = data.putObject("routing");
        String cli = "4477009" + digits(5);
        routing.put("cli", cli);
        routing.put("dest_number", destination());
        routing.put("account_id", script.accountId());
        routing.put("server", "sbc-" + (1 + random.nextInt(3)) + ".lon.example.net");
        routing.put("received_at", DAY.plusSeconds(random.nextInt(24 * 3600)).toString());
        ArrayNode egress = routing.putArray("egress_routing");
        int routes = 2 + random.nextInt(3);
        int first = random.nextInt(CARRIERS.length);
        for (int r = 0; r < routes; r++) {
            egress.add(route(CARRIERS[(first + r) % CARRIERS.length], script.accountId(), cli));
        }
        data.putObject("schedule").put("open", 8).put("close", 20).put("offset", 0);
        data.putObject("cli").putArray("range").add("447700900000").add(500);
        return data;
    }

    private String destination() {
        if (random.nextInt(8) == 0) {
            return LISTED.get(random.nextInt(LISTED.size()));
        }
        String prefix = DEST_PREFIXES[random.nextInt(DEST_PREFIXES.length)];
        return prefix + digits(11 - prefix.length() + (prefix.startsWith("1") ? 0 : 1));
    }

    private ObjectNode route(String carrier, int accountId, String cli) {
        ObjectNode route = Json.object();
        route.put("card_id", carrier);
        route.put("rate", Math.round((0.004 + random.nextDouble() * 0.026) * 10000) / 10000.0);
        ArrayNode headers = route.putArray("headers");
        headers.addObject().put("key", "X-Customer-ID").put("value", String.valueOf(accountId));
        headers.addObject().put("key", "X-Internal-Trace").put("value", Long.toHexString(random.nextLong()));
        ObjectNode gw = route.putObject("gw");
        int gateways = 1 + random.nextInt(2);
        for (int g = 0; g < gateways; g++) {
            gw.putObject("gw-" + (100 + random.nextInt(900))).put("cli", cli);
        }
        return route;
    }

    private String digits(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append((char) ('0' + random.nextInt(10)));
        }
        return b.toString();
    }
}
