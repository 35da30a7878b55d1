package dev.forge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.Outcome;
import dev.forge.ScriptException;

import java.util.ArrayList;
import java.util.List;

/**
 * Says in a few words what a routing script decided for one call, by comparing the data it got with the
 * outcome: the chosen first route, a new CLI, headers changed, or the rejection, timeout or failure.
 *
 * <p>Thread-safety: stateless.
 */
final class DemoDecision {

    private static final int MAX_MESSAGE = 48;

    private DemoDecision() {
    }

    static String describe(JsonNode in, Outcome outcome) {
        if (outcome instanceof Outcome.Ok ok) {
            return routed(in, ok.data());
        }
        if (outcome instanceof Outcome.Rejected r) {
            return "reject " + r.status();
        }
        if (outcome instanceof Outcome.TimedOut t) {
            return "stopped at deadline, answer " + t.action();
        }
        if (outcome instanceof Outcome.Failed f) {
            ScriptException e = f.error();
            return "stopped (" + e.kind().id() + "): " + shorten(e.getMessage());
        }
        return "refused, answer " + outcome.sip();
    }

    private static String routed(JsonNode in, JsonNode out) {
        List<String> parts = new ArrayList<>();
        JsonNode before = in.path("routing");
        JsonNode after = out.path("routing");
        JsonNode routes = after.path("egress_routing");
        String oldCli = before.path("cli").asText();
        String newCli = after.path("cli").asText();
        if (!oldCli.equals(newCli)) {
            parts.add("cli " + oldCli + " -> " + newCli + " on " + gateways(routes) + " gw");
        }
        String headers = headers(out, routes);
        if (!headers.isEmpty()) {
            parts.add("headers " + headers);
        }
        JsonNode first = routes.path(0);
        boolean reordered = !first.path("card_id").equals(before.path("egress_routing").path(0).path("card_id"));
        if (reordered || parts.isEmpty()) {
            parts.add((reordered ? "cheapest first: " : "pass, via ") + first.path("card_id").asText()
                    + " @" + first.path("rate").asText() + " (" + routes.size() + " routes)");
        }
        return String.join(", ", parts);
    }

    /** {@code -X-Internal-Trace +X-Forge-Policy ~X-Customer-ID x3}: removed, added, replaced per route. */
    private static String headers(JsonNode out, JsonNode routes) {
        List<String> changes = new ArrayList<>();
        out.path("remove_headers").forEach(h -> changes.add("-" + h.path("key").asText()));
        out.path("headers").forEach(h -> changes.add("+" + h.path("key").asText()));
        int replaced = 0;
        String key = "";
        for (JsonNode route : routes) {
            if (route.path("remove_headers").size() > 0) {
                replaced++;
                key = route.path("remove_headers").path(0).path("key").asText();
            }
        }
        if (replaced > 0) {
            changes.add("~" + key + " x" + replaced);
        }
        return String.join(" ", changes);
    }

    private static int gateways(JsonNode routes) {
        int n = 0;
        for (JsonNode route : routes) {
            n += route.path("gw").size();
        }
        return n;
    }

    private static String shorten(String message) {
        String oneLine = message.replace('\n', ' ');
        return oneLine.length() <= MAX_MESSAGE ? oneLine : oneLine.substring(0, MAX_MESSAGE - 3) + "...";
    }
}
