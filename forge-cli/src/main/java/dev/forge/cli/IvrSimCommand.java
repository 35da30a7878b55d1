package dev.forge.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.testkit.ivr.CallRecord;
import dev.forge.testkit.ivr.FakeIvrPlatform;
import dev.forge.testkit.ivr.FakeIvrScenario;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * {@code forge ivr-sim}: runs {@link FakeIvrPlatform} on loopback and plays a {@link FakeIvrScenario} against the
 * controllers that connect, for trying an ivrapi controller (such as {@code forge ivr-agent}) by hand. Every
 * stdout line is one JSON object: {@code {"event":"listening", ...}} with the endpoint and token URL, then
 * {@code {"event":"call", ...}} per call as it ends ({@link CallRecord#toJson()}), then
 * {@code {"event":"done", "calls": N, "outcomes": {...}}}. A human line about where it listens goes to stderr.
 *
 * <p>Thread-safety: one use per call of {@link #run}; output lines are written whole, one at a time.
 */
final class IvrSimCommand {

    static final String USAGE = """
            forge ivr-sim --scenario FILE.json [--port N] [--token TOKEN] [--stay]
              Runs a fake ivrapi platform on 127.0.0.1:N (0, the default, picks a free port) and plays the
              scenario's calls against the controllers that connect (by default once one subscribes to ivrevents).
              Prints JSON lines: where it listens (with the token URL), each call as it ends, a summary. Exits
              when every call has ended; --stay keeps serving until interrupted. Scenario format: site/ivr.md.""";

    private IvrSimCommand() {
    }

    static int run(List<String> tokens, PrintStream out, PrintStream err) throws InterruptedException {
        Args args = Args.parse("ivr-sim", tokens, Set.of("--scenario", "--port", "--token"), Set.of("--stay"));
        args.noPositionals();
        String file = args.value("--scenario").orElseThrow(() -> new UsageException(
                "--scenario: missing; give a scenario JSON file (format in site/ivr.md)"));
        int port = port(args);
        FakeIvrScenario scenario = read(file);
        String token = args.value("--token").orElse(scenario.token());
        Map<String, Integer> outcomes = new TreeMap<>();
        try (FakeIvrPlatform platform = FakeIvrPlatform.start(token, port)) {
            platform.onCallEnded(record -> {
                ObjectNode line = JsonNodeFactory.instance.objectNode().put("event", "call");
                line.setAll(record.toJson());
                synchronized (outcomes) {
                    outcomes.merge(record.outcome().text(), 1, Integer::sum);
                }
                print(out, line);
            });
            ObjectNode listening = JsonNodeFactory.instance.objectNode().put("event", "listening")
                    .put("endpoint", platform.endpoint().toString()).put("tokenUrl", platform.tokenUrl().toString())
                    .put("token", token).put("port", platform.port()).put("calls", scenario.callCount())
                    .put("startWhen", scenario.startsWhenSubscribed() ? "subscribed" : "now");
            print(out, listening);
            err.println("forge ivr-sim: listening on " + platform.endpoint() + " (token URL " + platform.tokenUrl()
                    + "); " + scenario.callCount() + " call(s) start "
                    + (scenario.startsWhenSubscribed() ? "when a controller subscribes to ivrevents" : "now"));
            try (FakeIvrScenario.Run run = scenario.play(platform)) {
                while (!run.awaitDone(Duration.ofHours(1))) {
                    // keep waiting: the calls run as long as the controllers make them
                }
            }
            ObjectNode done = JsonNodeFactory.instance.objectNode().put("event", "done")
                    .put("calls", scenario.callCount());
            ObjectNode counts = done.putObject("outcomes");
            synchronized (outcomes) {
                outcomes.forEach(counts::put);
            }
            print(out, done);
            if (args.has("--stay")) {
                new CountDownLatch(1).await();
            }
        }
        return ExitCode.OK;
    }

    private static int port(Args args) {
        return Args.wholeNumber("--port", args.value("--port").orElse("0"), 0, 65535, "0 (a free port) to 65535");
    }

    private static FakeIvrScenario read(String file) {
        try {
            return FakeIvrScenario.read(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new UsageException("--scenario: no such file: " + file);
        } catch (IOException e) {
            throw new UsageException("--scenario: cannot read " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--scenario: " + e.getMessage());
        }
    }

    private static void print(PrintStream out, ObjectNode line) {
        synchronized (out) {
            out.println(line.toString());
            out.flush();
        }
    }
}
