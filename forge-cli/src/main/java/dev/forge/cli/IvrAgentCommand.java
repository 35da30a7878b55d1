package dev.forge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Outcome;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.internal.Json;
import dev.forge.ivr.AcceptLost;
import dev.forge.ivr.Component;
import dev.forge.ivr.ControlHandler;
import dev.forge.ivr.ControlOptions;
import dev.forge.ivr.IvrClient;
import dev.forge.ivr.IvrController;
import dev.forge.ivr.IvrException;
import dev.forge.ivr.IvrOptions;
import dev.forge.ivr.IvrSession;
import dev.forge.ivr.IvrVoiceChannel;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code forge ivr-agent}: an ivrapi controller that runs a Class 5 voice script for every IVR session it takes.
 * It connects with the token URL, subscribes to {@code ivrevents}, accepts each {@code api_start} whose key
 * matches, runs {@code main(data, ctx)} on an {@link IvrVoiceChannel} (data: the api_start's fields, params
 * parsed), and prints one JSON line per session when the script is done:
 * {@code {"callid", "ivrid", "key", "outcome", ..., "components": [oType, ...]}} where the fields after
 * {@code key} are the outcome's, as {@code forge run} prints them. A session lost to another controller prints
 * {@code "outcome":"lost"}. A script that returns without hanging up or transferring hands control back to the
 * IVR ({@code ivrapi_abort}), so the IVR script goes on with its next component.
 *
 * <p>Thread-safety: one use per call of {@link #run}; output lines are written whole, one at a time.
 */
final class IvrAgentCommand {

    static final String USAGE = """
            forge ivr-agent --url ws://HOST:PORT/ws/token/v1/TOKEN --script FILE.js [--key KEY] [--sessions N]
                            [--timeout 2s] [--memory 100m] [--tts-otype N] [--env KEY=VALUE]... [--allow-host HOST:PORT]...
                            [--isolation process|in-process] [--confinement best-effort|required|none]
              Takes control of every IVR session that starts with component key KEY (any key without --key) and
              runs the voice script's main(data, ctx) for it. Prints one JSON line per session: callid, ivrid, key,
              the outcome (as forge run prints it) and the oTypes of the components applied. --timeout limits each
              stretch of script code between awaits. Runs until interrupted, or until N sessions are done.""";

    private static final Pattern TOKEN_URL = Pattern.compile("(wss?://[^/]+(?:/.*)?/ws/token/v1)/([^/?#]+)/?");

    private IvrAgentCommand() {
    }

    static int run(List<String> tokens, PrintStream out, PrintStream err) throws InterruptedException {
        Set<String> flags = new HashSet<>(ScriptOptions.FLAGS);
        flags.addAll(Set.of("--url", "--script", "--key", "--sessions", "--tts-otype"));
        Args args = Args.parse("ivr-agent", tokens, flags, Set.of(), ScriptOptions.REPEATABLE);
        args.noPositionals();
        String url = args.value("--url").orElseThrow(() -> new UsageException(
                "--url: missing; give the token URL, ws://HOST:PORT/ws/token/v1/TOKEN"));
        Matcher m = TOKEN_URL.matcher(url);
        if (!m.matches()) {
            throw new UsageException("--url: '" + redact(url) + "' is not a token URL; expected ws://HOST:PORT/ws/token/v1/TOKEN");
        }
        String file = args.value("--script").orElseThrow(() -> new UsageException(
                "--script: missing; give the voice script, a FILE.js with async function main(data, ctx)"));
        int sessions = args.value("--sessions").map(v -> positive("--sessions", v)).orElse(0);
        Function<String, Component> tts = args.value("--tts-otype")
                .map(v -> positive("--tts-otype", v))
                .<Function<String, Component>>map(oType -> text -> Component.raw(oType, Json.object().put("text", text)))
                .orElse(null);
        ScriptOptions options = ScriptOptions.parse(args, Path.of(file), ScriptKind.APP);
        Script script = options.script().withBindings("voice");
        ControlOptions control = args.value("--key").map(key -> ControlOptions.builder().key(key).build())
                .orElse(ControlOptions.defaults());

        EngineOptions engine = EngineOptions.builder().threads(2).maxIsolates(4).appInFlight(100_000)
                .queuePerScript(100_000).build();
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "forge-ivr-agent-timers");
            t.setDaemon(true);
            return t;
        });
        Agent agent = new Agent(out, sessions, timers, tts);
        try (Forge forge = options.forge(engine)) {
            forge.load(script);
            agent.forge = forge;
            agent.scriptId = script.id();
            IvrClient client;
            try {
                client = IvrClient.connect(URI.create(m.group(1)), m.group(2),
                        IvrOptions.builder().bearerAuth(false).build());
            } catch (IvrException e) {
                err.println("forge ivr-agent: " + e.getMessage());
                return ExitCode.INTERNAL;
            }
            try (client; IvrController controller = client.control(control, agent)) {
                err.println("forge ivr-agent: controlling sessions with " + control.keyDescription() + " on "
                        + m.group(1) + "/...; script " + script.name());
                agent.done.await();
                agent.idle();
            }
        } finally {
            timers.shutdownNow();
        }
        return ExitCode.OK;
    }

    /** Runs the script for each session taken, and prints its line. */
    private static final class Agent implements ControlHandler {
        private final PrintStream out;
        private final int sessions;
        private final ScheduledExecutorService timers;
        private final Function<String, Component> tts;
        private final AtomicInteger finished = new AtomicInteger();
        private final AtomicInteger running = new AtomicInteger();
        private final CompletableFuture<Void> allIdle = new CompletableFuture<>();
        final CountDownLatch done = new CountDownLatch(1);
        volatile Forge forge;
        volatile String scriptId;

        Agent(PrintStream out, int sessions, ScheduledExecutorService timers, Function<String, Component> tts) {
            this.out = out;
            this.sessions = sessions;
            this.timers = timers;
            this.tts = tts;
        }

        @Override
        public void onSession(IvrSession session) {
            running.incrementAndGet();
            IvrVoiceChannel channel = new IvrVoiceChannel(session, timers, tts);
            CompletableFuture<Outcome> outcome;
            try {
                outcome = forge.invokeVoice(scriptId, channel, Json.write(IvrVoiceChannel.dataOf(session.start())));
            } catch (RuntimeException e) {
                outcome = CompletableFuture.failedFuture(e);
            }
            outcome.whenComplete((result, error) -> finish(channel, result, error));
        }

        @Override
        public void onAcceptLost(AcceptLost lost) {
            ObjectNode line = Json.object();
            line.put("callid", lost.start().callid());
            line.put("ivrid", lost.start().ivrid());
            line.put("key", lost.start().key());
            line.put("outcome", "lost");
            line.put("reason", lost.describe());
            line.putArray("components");
            print(line);
            counted();
        }

        private void finish(IvrVoiceChannel channel, Outcome result, Throwable error) {
            IvrSession session = channel.session();
            // A script that leaves the call alive hands it back to the IVR, which goes on with its next component.
            if (!session.ended().toCompletableFuture().isDone() && !handedOver(channel)) {
                session.abort();
            }
            ObjectNode line = Json.object();
            line.put("callid", session.callid());
            line.put("ivrid", session.ivrid());
            line.put("key", session.key());
            if (result != null) {
                JsonNode outcome = Json.parse("outcome", result.toJson());
                line.setAll((ObjectNode) outcome);
            } else {
                line.put("outcome", "error");
                line.put("message", String.valueOf(error.getMessage()));
            }
            ArrayNode components = line.putArray("components");
            channel.applied().forEach(c -> components.add(c.oType()));
            print(line);
            if (running.decrementAndGet() == 0 && done.getCount() == 0) {
                allIdle.complete(null);
            }
            counted();
        }

        private static boolean handedOver(IvrVoiceChannel channel) {
            List<Component> applied = channel.applied();
            if (applied.isEmpty()) {
                return false;
            }
            int last = applied.get(applied.size() - 1).oType();
            return last == Component.HANGUP || last == Component.TRANSFER;
        }

        private void counted() {
            if (sessions > 0 && finished.incrementAndGet() >= sessions) {
                done.countDown();
            }
        }

        /** After the last counted session, waits briefly for scripts still running to print their lines. */
        void idle() throws InterruptedException {
            if (running.get() == 0) {
                return;
            }
            try {
                allIdle.get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // leave: the process is ending; their sessions end with the connection
            }
        }

        private void print(ObjectNode line) {
            synchronized (out) {
                out.println(line.toString());
                out.flush();
            }
        }
    }

    private static int positive(String flag, String value) {
        return Args.wholeNumber(flag, value, 1, Integer.MAX_VALUE, "a whole number above 0");
    }

    /** The URL without its token, for messages: tokens are never printed. */
    private static String redact(String url) {
        int at = url.indexOf("/ws/token/v1/");
        return at < 0 ? url.replaceAll("[^/]{16,}", "...") : url.substring(0, at) + "/ws/token/v1/...";
    }
}
