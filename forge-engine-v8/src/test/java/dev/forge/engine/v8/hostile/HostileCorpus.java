package dev.forge.engine.v8.hostile;

import dev.forge.Limits;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptException;
import dev.forge.ScriptKind;

import java.util.List;
import java.util.function.Predicate;

/**
 * Scripts written to hurt the engine, one class of attack per group, each with the outcome containment must
 * give it. Shared by the engine's tests and the soak benchmark (through this module's test-jar).
 *
 * <p>Every case runs with the default 100 MiB memory limit unless it says otherwise, and the deadline its
 * {@link Case#timeout()} gives.
 */
public final class HostileCorpus {

    /** What containment must make of a case. */
    public enum Expect {
        /** error, kind memory */
        MEMORY(o -> o instanceof Outcome.Failed f && f.error().kind() == ScriptException.Kind.MEMORY),
        /** timeout */
        TIMEOUT(o -> o instanceof Outcome.TimedOut),
        /** timeout, or error of kind memory: which comes first depends on the machine */
        TIMEOUT_OR_MEMORY(o -> TIMEOUT.test(o) || MEMORY.test(o)),
        /** a RangeError naming Forge's cap on source given to the compiler */
        REFUSED(o -> o instanceof Outcome.Failed f && f.error().kind() == ScriptException.Kind.RUNTIME
                && f.error().getMessage().startsWith("RangeError") && f.error().getMessage().contains("Forge compiles at most")),
        /** ok: the attack was defused, and the data shows what the script really got */
        DEFUSED(o -> o instanceof Outcome.Ok);

        private final Predicate<Outcome> test;

        Expect(Predicate<Outcome> test) {
            this.test = test;
        }

        public boolean test(Outcome outcome) {
            return test.test(outcome);
        }
    }

    /**
     * One hostile script.
     *
     * @param group  the class of attack
     * @param name   short and unique
     * @param expect the outcome containment must give
     * @param kind   Script or App
     * @param body   the body of {@code main(d)}
     * @param data   for {@link Expect#DEFUSED}: the JSON the script must return, else null
     * @param memory the script's own memory limit, or 0 for the default
     */
    public record Case(String group, String name, Expect expect, ScriptKind kind, String body, String data, long memory) {

        /** The script, for {@code tenant}. */
        public Script script(String tenant) {
            String main = kind == ScriptKind.APP ? "async function main(d) { " : "function main(d) { ";
            Script s = Script.of(tenant, name + ".js", kind, main + body + " }");
            return memory == 0 ? s : s.withLimits(new Limits(LIMITS.timeout(), memory));
        }

        /**
         * The deadline to give it: 1 s for the cases meant to time out (or that may), 10 s for the rest, which
         * end long before unless the machine is very busy, and then must still end as expected.
         */
        public java.time.Duration timeout() {
            return expect == Expect.TIMEOUT || expect == Expect.TIMEOUT_OR_MEMORY ? LIMITS.timeout()
                    : java.time.Duration.ofSeconds(10);
        }

        /** Whether {@code outcome} is what containment must give this case. */
        public boolean contained(Outcome outcome) {
            return expect.test(outcome) && (data == null || ((Outcome.Ok) outcome).dataJson().equals(data));
        }
    }

    /** The limits the corpus is written for. */
    public static final Limits LIMITS = new Limits(java.time.Duration.ofSeconds(1), Limits.DEFAULT_HEAP_BYTES);

    private static final String HUGE = "single huge allocation";
    private static final String SIZE = "fatal size error";
    private static final String STUCK = "uninterruptible built-in";
    private static final String OUTSIDE = "memory outside the heap";
    private static final String SOURCE = "source-size bomb";
    private static final String SPARSE = "const a = []; a[2 ** 32 - 2] = 1; ";
    private static final String BRANCHES = "Array.from({length: 2e5}, (_, i) => 'a' + i).join('|')";

    public static final List<Case> CASES = List.of(
            new Case(HUGE, "array-from", Expect.MEMORY, ScriptKind.SCRIPT,
                    "const a = Array.from({length: 2e7}, () => 0); return {n: a.length};", null, 0),
            new Case(HUGE, "array-fill", Expect.TIMEOUT_OR_MEMORY, ScriptKind.SCRIPT,
                    "new Array(5e7).fill(0); return d;", null, 0),
            new Case(HUGE, "map-grown-in-a-loop", Expect.TIMEOUT_OR_MEMORY, ScriptKind.SCRIPT,
                    "const m = new Map(); for (let i = 0; ; i++) m.set(i, i);", null, 0),
            new Case(HUGE, "json-parse", Expect.MEMORY, ScriptKind.SCRIPT,
                    "JSON.parse('[' + '0,'.repeat(3e7) + '0]'); return d;", null, 0),
            new Case(HUGE, "spread-of-a-huge-array", Expect.MEMORY, ScriptKind.SCRIPT,
                    "return [...new Array(2 ** 28)].length;", null, 0),
            new Case(HUGE, "return-200-mib-with-64-mib", Expect.MEMORY, ScriptKind.SCRIPT,
                    "return 'x'.repeat(200 * 1024 * 1024);", null, 64L << 20),
            new Case(HUGE, "after-an-await", Expect.MEMORY, ScriptKind.APP,
                    "await null; const a = Array.from({length: 2e7}, () => 0); return {n: a.length};", null, 0),
            new Case(SIZE, "split-of-2-to-the-28", Expect.MEMORY, ScriptKind.SCRIPT,
                    "('ab'.repeat(2 ** 27) + 'c').split(''); return d;", null, 0),
            new Case(SIZE, "split-of-a-repeat", Expect.MEMORY, ScriptKind.SCRIPT,
                    "'a'.repeat(2 ** 28).split(''); return d;", null, 0),
            new Case(STUCK, "sparse-index-of", Expect.TIMEOUT, ScriptKind.SCRIPT,
                    SPARSE + "return a.indexOf(5);", null, 0),
            new Case(STUCK, "sparse-last-index-of", Expect.TIMEOUT, ScriptKind.SCRIPT,
                    SPARSE + "return a.lastIndexOf(5);", null, 0),
            new Case(STUCK, "sparse-join", Expect.TIMEOUT, ScriptKind.SCRIPT,
                    SPARSE + "return a.join('');", null, 0),
            new Case(STUCK, "sparse-to-string", Expect.TIMEOUT, ScriptKind.SCRIPT,
                    SPARSE + "return a.toString().length;", null, 0),
            new Case(STUCK, "array-like-index-of", Expect.TIMEOUT, ScriptKind.SCRIPT,
                    "return Array.prototype.indexOf.call({length: 2 ** 53 - 1}, 5);", null, 0),
            new Case(STUCK, "after-an-await", Expect.TIMEOUT, ScriptKind.APP,
                    "await null; " + SPARSE + "return a.indexOf(5);", null, 0),
            new Case(OUTSIDE, "length-getter-that-lies", Expect.DEFUSED, ScriptKind.SCRIPT,
                    "let n = 0; const t = new Uint8Array({get length() { return n++ === 0 ? 0 : 3e8; }});"
                            + " return {length: t.length, reads: n};", "{\"length\":0,\"reads\":1}", 0),
            new Case(OUTSIDE, "array-like-of-1.5e7-doubles", Expect.MEMORY, ScriptKind.SCRIPT,
                    "const t = new Float64Array({length: 1.5e7}); return {n: t.length};", null, 0),
            new Case(OUTSIDE, "slice-without-a-species", Expect.MEMORY, ScriptKind.SCRIPT,
                    "const src = new ArrayBuffer(6e7); src.constructor = undefined;"
                            + " const a = src.slice(0), b = src.slice(0); return {n: a.byteLength + b.byteLength};", null, 0),
            new Case(OUTSIDE, "typed-array-length-redefined", Expect.MEMORY, ScriptKind.SCRIPT,
                    "Object.defineProperty(Object.getPrototypeOf(Uint8Array.prototype), 'length', {get() { return 0; }});"
                            + " const a = new Uint8Array(2e7); const b = new Float64Array(a); return {n: b.byteLength};", null, 0),
            new Case(OUTSIDE, "map-without-a-species", Expect.MEMORY, ScriptKind.SCRIPT,
                    "const a = new Uint8Array(3e7); a.constructor = undefined;"
                            + " const k = [a.map(x => x), a.map(x => x), a.map(x => x)]; return {n: k.length};", null, 0),
            new Case(OUTSIDE, "subclass-species-filter", Expect.MEMORY, ScriptKind.SCRIPT,
                    "class E extends Uint8Array { static get [Symbol.species]() { return Uint8Array; } }"
                            + " const a = new E(4e7); const k = [a.filter(() => true), a.filter(() => true)];"
                            + " return {n: k.length};", null, 0),
            new Case(OUTSIDE, "to-reversed-copies", Expect.MEMORY, ScriptKind.SCRIPT,
                    "const a = new Float64Array(5e6); const k = [a.toReversed(), a.toSorted(), a.with(0, 1)];"
                            + " return {n: k.length};", null, 0),
            new Case(OUTSIDE, "resizable-reservation", Expect.MEMORY, ScriptKind.SCRIPT,
                    "const b = new ArrayBuffer(0, {maxByteLength: 2 ** 32}); return {n: b.maxByteLength};", null, 0),
            new Case(OUTSIDE, "transfer-to-2-gib", Expect.MEMORY, ScriptKind.SCRIPT,
                    "const b = new ArrayBuffer(8).transfer(2 ** 31); return {n: b.byteLength};", null, 0),
            new Case(OUTSIDE, "from-base64", Expect.MEMORY, ScriptKind.SCRIPT,
                    "const s = 'A'.repeat(8e7); const k = [Uint8Array.fromBase64(s), Uint8Array.fromBase64(s)];"
                            + " return {n: k.length};", null, 0),
            new Case(OUTSIDE, "no-wasm-shared-memory-clone-or-encoder", Expect.DEFUSED, ScriptKind.SCRIPT,
                    "return [typeof WebAssembly, typeof SharedArrayBuffer, typeof Atomics, typeof structuredClone,"
                            + " typeof TextEncoder].join();",
                    "\"undefined,undefined,undefined,undefined,undefined\"", 0),
            new Case(SOURCE, "function-of-88-mb", Expect.REFUSED, ScriptKind.SCRIPT,
                    "new Function('x'.repeat(88e6)); return d;", null, 0),
            new Case(SOURCE, "function-of-32-mb-without-new", Expect.REFUSED, ScriptKind.SCRIPT,
                    "Function('x', 'return ' + 'x+'.repeat(16e6) + 'x'); return d;", null, 0),
            new Case(SOURCE, "async-function-constructor", Expect.REFUSED, ScriptKind.SCRIPT,
                    "const F = (async function () {}).constructor; new F('1+'.repeat(1e6) + '1'); return d;", null, 0),
            new Case(SOURCE, "generator-function-constructor", Expect.REFUSED, ScriptKind.SCRIPT,
                    "const F = Object.getPrototypeOf(function* () {}).constructor; F('1+'.repeat(1e6) + '1'); return d;", null, 0),
            new Case(SOURCE, "eval-of-2-mb", Expect.REFUSED, ScriptKind.SCRIPT,
                    "return eval('1+'.repeat(1e6) + '1');", null, 0),
            new Case(SOURCE, "regexp-of-200000-branches", Expect.REFUSED, ScriptKind.SCRIPT,
                    "return new RegExp(" + BRANCHES + ").test('a1');", null, 0),
            new Case(SOURCE, "match-with-a-string-pattern", Expect.REFUSED, ScriptKind.SCRIPT,
                    "return 'a1'.match(" + BRANCHES + ");", null, 0),
            new Case(SOURCE, "regexp-compile", Expect.REFUSED, ScriptKind.SCRIPT,
                    "return /a/.compile(" + BRANCHES + ").test('a1');", null, 0));

    private HostileCorpus() {
    }
}
