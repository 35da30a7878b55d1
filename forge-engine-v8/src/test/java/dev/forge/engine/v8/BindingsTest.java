package dev.forge.engine.v8;

import dev.forge.Forge;
import dev.forge.Invocation;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.spi.Bindings;
import dev.forge.spi.HostCall;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Extra bindings: host functions, attachments, a custom entry, and stretch limits. */
class BindingsTest {

    /** A host object attached per invocation: what the bindings' functions act on. */
    static final class Counter {
        final AtomicInteger value = new AtomicInteger();
        final LinkedBlockingQueue<CompletableFuture<String>> waits = new LinkedBlockingQueue<>();
    }

    static final class CounterBindings implements Bindings {
        @Override
        public String name() {
            return "counter";
        }

        @Override
        public String installer() {
            return """
                    function (host) {
                      host.global('counter', Object.freeze({
                        add: function (n) { return host.call('add', {n: n}); },
                        peek: function () { return host.callSync('peek', null); },
                        wait: function () { return host.call('wait', null); },
                        fail: function () { return host.call('fail', null); }
                      }));
                      return {
                        bind: function (main) {
                          return function (fn, data, inv) {
                            if (fn !== '') { return globalThis[fn].apply(null, data); }
                            return main(data, {inv: inv});
                          };
                        }
                      };
                    }
                    """;
        }

        @Override
        public CompletionStage<String> call(HostCall call, String function, String argsJson) {
            Counter counter = call.attachment(Counter.class);
            return switch (function) {
                case "add" -> CompletableFuture.supplyAsync(
                        () -> String.valueOf(counter.value.addAndGet(Integer.parseInt(argsJson.replaceAll("\\D", "")))));
                case "wait" -> {
                    CompletableFuture<String> f = new CompletableFuture<>();
                    counter.waits.add(f);
                    yield f;
                }
                case "fail" -> CompletableFuture.failedFuture(new IllegalStateException("the counter is broken"));
                default -> throw new IllegalArgumentException(function + ": unknown");
            };
        }

        @Override
        public String callSync(HostCall call, String function, String argsJson) {
            return String.valueOf(call.attachment(Counter.class).value.get());
        }
    }

    private static Forge forge;

    @BeforeAll
    static void start() {
        forge = Forge.builder().engine(new V8EngineProvider()).bindings(new CounterBindings()).build();
    }

    @AfterAll
    static void stop() {
        forge.close();
    }

    private static Script load(String name, String source) {
        return forge.load(Script.of("t1", name, ScriptKind.APP, source).withBindings("counter"));
    }

    @Test
    void hostFunctionsActOnTheInvocationsAttachment() {
        load("add", """
                async function main(data, ctx) {
                  const a = await counter.add(data.n);
                  const b = await counter.add(1);
                  return {a: a, b: b, peek: counter.peek(), hasInv: typeof ctx.inv === 'number'};
                }
                """);
        Counter mine = new Counter();
        Outcome outcome = forge.invoke(Invocation.builder("t1/add").data("{\"n\":41}").attachment(mine).build());
        assertEquals("{\"a\":41,\"b\":42,\"peek\":42,\"hasInv\":true}", ((Outcome.Ok) outcome).dataJson());
        assertEquals(42, mine.value.get());
    }

    @Test
    void aFailedHostFunctionRejectsWithItsMessage() {
        load("fail", """
                async function main() {
                  try { await counter.fail(); return 'no'; } catch (e) { return e.message; }
                }
                """);
        Outcome outcome = forge.invoke(Invocation.builder("t1/fail").attachment(new Counter()).build());
        assertEquals("\"the counter is broken\"", ((Outcome.Ok) outcome).dataJson());
    }

    @Test
    void withoutTheAttachmentTheScriptSeesWhatIsMissing() {
        load("missing", "async function main() { return await counter.add(1); }");
        Outcome outcome = forge.invoke(Invocation.builder("t1/missing").build());
        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome);
        assertTrue(failed.error().getMessage().contains("carries no Counter"), failed.error().getMessage());
    }

    @Test
    void theCustomEntryCallsHooksByName() {
        load("hooks", "function onthing(a, b) { return a + b; }");
        Outcome outcome = forge.invoke(Invocation.builder("t1/hooks").call("onthing", "[2, 3]").build());
        assertEquals("5", ((Outcome.Ok) outcome).dataJson());
    }

    @Test
    void eachStretchIsLimitedButAwaitingIsNot() throws Exception {
        load("stretch", """
                async function main(data) {
                  await counter.wait();
                  if (data.spin) { for (;;) {} }
                  return 'done';
                }
                """);
        Counter calm = new Counter();
        Counter spinning = new Counter();
        CompletableFuture<Outcome> ok = forge.invokeAsync(Invocation.builder("t1/stretch").data("{}")
                .timeout(Duration.ofHours(1)).stretch(Duration.ofMillis(50)).attachment(calm).build());
        CompletableFuture<Outcome> spin = forge.invokeAsync(Invocation.builder("t1/stretch").data("{\"spin\":true}")
                .timeout(Duration.ofHours(1)).stretch(Duration.ofMillis(50)).attachment(spinning).build());
        // Both wait on the host longer than a stretch may last (they wait until released), then resume.
        CompletableFuture<String> calmWait = calm.waits.poll(10, TimeUnit.SECONDS);
        CompletableFuture<String> spinWait = spinning.waits.poll(10, TimeUnit.SECONDS);
        assertTrue(calmWait != null && spinWait != null, "both invocations reached their await");
        spinWait.complete(null);
        assertInstanceOf(Outcome.TimedOut.class, spin.get(10, TimeUnit.SECONDS));
        calmWait.complete(null);
        assertEquals("\"done\"", ((Outcome.Ok) ok.get(10, TimeUnit.SECONDS)).dataJson());
    }

    @Test
    void anUnregisteredBindingsNameIsRefusedOnLoad() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> forge.load(Script.of("t1", "nope", ScriptKind.APP, "function main() {}").withBindings("voice")));
        assertTrue(e.getMessage().startsWith("bindings: script 't1/nope' asks for 'voice'"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Script.of("t1", "sync", ScriptKind.SCRIPT, "function main() {}").withBindings("counter"));
    }
}
