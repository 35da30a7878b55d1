package dev.forge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forge.EgressPolicy;
import dev.forge.EngineOptions;
import dev.forge.integrations.CallEnd;
import dev.forge.integrations.CallRequest;
import dev.forge.integrations.Integration;
import dev.forge.integrations.IntegrationFolder;
import dev.forge.integrations.IntegrationHost;
import dev.forge.internal.Json;
import dev.forge.redis.RedisEndpoint;
import dev.forge.testkit.integrations.FakeCallControl;
import dev.forge.testkit.integrations.LocalIntegrationServer;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code forge integrations serve}: hosts the integrations of a folder on loopback (see
 * {@link LocalIntegrationServer}) until interrupted. stdout gets one JSON line when it is ready, then one per
 * {@code startCall} and {@code endCall} (no calls are placed) and per Teleforge call bridged; the scripts'
 * logs go to stderr.
 *
 * <p>Thread-safety: one use per call of {@link #run}; lines are written whole.
 */
final class IntegrationsCommand {

    static final String USAGE = """
            forge integrations serve --dir DIR --port N [--allow-host HOST:PORT]... [--log-level 0-9]
                                  [--isolation process|in-process] [--confinement best-effort|required|none]
                                     [--teleforge <host:port/db | redis://...> --teleforge-domain DOMAIN [--teleforge-to ID]]
              Serves the integrations in DIR (a folder each: integration.json with name and identifier, backend.js,
              tenant.html/css/js, user.html/css/js) on 127.0.0.1:N (0: any free port), each enabled for every tenant:
                POST /events/group, /events/agent, /events/cdr   raise the event in the body (JSON, the seed's fields)
                /integrations/<identifier>/...                   reaches the integration's onhttp
                /settings/tenant/<domain>, /settings/user/<domain>/<user>   the front ends, for a browser
              The tenant of a request is the name in its Host header (a development server; see integrations.md).
              --log-level shows console.trace lines up to that level on stderr (0 least, 9 all; 5 by default).
              Prints {"serving":...} when ready, then a JSON line per startCall / endCall. --allow-host lets
              system.http and fetch reach HOST:PORT. --teleforge posts Teleforge's inbound calls to the
              integration tfbridge (or --teleforge-to) for the tenant DOMAIN.""";

    private IntegrationsCommand() {
    }

    static int run(List<String> tokens, PrintStream out) {
        Args args = Args.parse("integrations", tokens,
                Set.of("--dir", "--port", "--allow-host", "--log-level", "--teleforge", "--teleforge-domain", "--teleforge-to",
                        IsolationFlag.NAME, IsolationFlag.CONFINEMENT), Set.of(),
                Set.of("--allow-host"));
        String sub = args.onePositional("serve");
        if (!sub.equals("serve")) {
            throw new UsageException("unknown subcommand '" + sub + "'; usage: " + USAGE.lines().findFirst().orElseThrow());
        }
        Path dir = Path.of(args.value("--dir").orElseThrow(() ->
                new UsageException("--dir: missing; give the folder that holds the integrations, e.g. samples/integrations")));
        if (!Files.isDirectory(dir)) {
            throw new UsageException("--dir: '" + dir + "' is not a directory");
        }
        int port = port(args.value("--port").orElseThrow(() ->
                new UsageException("--port: missing; give the port to serve on 127.0.0.1 (0 for any free one)")));
        int traceLevel = logLevel(args.value("--log-level").orElse(Integer.toString(IntegrationHost.DEFAULT_TRACE_LEVEL)));
        EgressPolicy.Builder egress = EgressPolicy.builder();
        for (String hostPort : args.values("--allow-host")) {
            try {
                egress.allow(EgressPolicy.ALL_TENANTS, hostPort);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--allow-host: " + e.getMessage());
            }
        }
        String teleforge = null;
        String teleforgeDomain = args.value("--teleforge-domain").orElse(null);
        String teleforgeTo = args.value("--teleforge-to").orElse("tfbridge");
        if (args.has("--teleforge")) {
            teleforge = args.value("--teleforge").orElseThrow();
            try {
                RedisEndpoint.parse(teleforge);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--teleforge: " + e.getMessage());
            }
            if (teleforgeDomain == null || teleforgeDomain.isBlank()) {
                throw new UsageException("--teleforge-domain: missing; name the tenant the Teleforge calls belong to");
            }
        } else if (teleforgeDomain != null || args.has("--teleforge-to")) {
            throw new UsageException("--teleforge: missing; --teleforge-domain and --teleforge-to need it");
        }
        List<Integration> integrations;
        try {
            integrations = IntegrationFolder.loadAll(dir);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--dir: " + e.getMessage());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + dir + ": " + e.getMessage());
        }
        if (teleforge != null && integrations.stream().noneMatch(i -> i.identifier().equals(teleforgeTo))) {
            throw new UsageException("--teleforge-to: no integration '" + teleforgeTo + "' in " + dir);
        }

        FakeCallControl calls = new FakeCallControl(event -> print(out, line(event)));
        LocalIntegrationServer server;
        try {
            server = LocalIntegrationServer.builder(integrations).port(port).traceLevel(traceLevel).egress(egress.build())
                    .callControl(calls)
                    .engineOptions(IsolationFlag.parse(args).applyTo(EngineOptions.builder()).build()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve on 127.0.0.1:" + port + ": " + e.getMessage());
        }
        TeleforgeBridge bridge = null;
        try (server) {
            if (teleforge != null) {
                bridge = TeleforgeBridge.start(teleforge, server.host(), teleforgeTo, teleforgeDomain, bridged -> {
                    ObjectNode line = Json.object();
                    ObjectNode t = line.putObject("teleforge");
                    t.put("callRef", bridged.callRef());
                    t.put("agent", bridged.agent());
                    t.put("code", bridged.answer().code());
                    print(out, Json.write(line));
                });
                if (!bridge.awaitReady(java.time.Duration.ofSeconds(10))) {
                    throw new IllegalStateException("--teleforge: cannot reach Redis at " + teleforge + " within 10 s");
                }
            }
            ObjectNode ready = Json.object();
            ready.put("serving", server.uri().toString());
            integrations.forEach(i -> ready.withArray("integrations").add(i.identifier()));
            print(out, Json.write(ready));
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (UncheckedIOException e) {
            throw new IllegalStateException(e.getMessage());
        } finally {
            if (bridge != null) {
                bridge.close();
            }
        }
        return ExitCode.OK;
    }

    private static int logLevel(String text) {
        return Args.wholeNumber("--log-level", text, 0, 9, "a level from 0 (least) to 9 (everything)");
    }

    private static int port(String text) {
        return Args.wholeNumber("--port", text, 0, 65535, "a port number from 0 to 65535");
    }

    private static void print(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /** The printed form of a started or ended call. */
    static String line(Object event) {
        ObjectNode line = Json.object();
        if (event instanceof FakeCallControl.Started s) {
            CallRequest r = s.request();
            ObjectNode o = line.putObject("startCall");
            o.put("id", s.id());
            o.put("origin", s.origin());
            o.put("domain", r.domain());
            putIf(o, "user", r.user());
            putIf(o, "from", r.from());
            putIf(o, "ani", r.ani());
            o.put("to", r.to());
            o.put("timeout", r.timeout().toMillis() / 1000.0);
            o.put("connect", r.connect());
        } else if (event instanceof FakeCallControl.Ended e) {
            CallEnd end = e.end();
            ObjectNode o = line.putObject("endCall");
            o.put("id", end.id());
            o.put("origin", e.origin());
            o.put("code", end.code());
            o.put("expl", end.explanation());
            o.put("forced", end.forced());
        }
        return Json.write(line);
    }

    private static void putIf(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }
}
