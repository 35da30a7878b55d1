package example;

import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;

import java.time.Duration;

/** The README's embedding example: one routing call, its outcome printed. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        try (Forge forge = Forge.builder().build()) {
            forge.load(Script.of("acme", "lcr", ScriptKind.SCRIPT,
                    "function main(data) { data.routing.egress_routing.sort((a, b) => a.rate - b.rate); return data; }"));
            Outcome outcome = forge.invoke(Invocation.builder("acme/lcr")
                    .data("{\"routing\":{\"egress_routing\":[{\"card_id\":\"b\",\"rate\":0.02},{\"card_id\":\"a\",\"rate\":0.01}]}}")
                    .timeout(Duration.ofMillis(500))
                    .timeoutAction("480 Temporarily Unavailable")
                    .build());
            System.out.println(outcome.toJson());
            System.out.println("isolation: " + forge.stats().isolation() + ", module: "
                    + (Main.class.getModule().isNamed() ? Main.class.getModule().getName() : "unnamed (class path)"));
        }
    }
}
