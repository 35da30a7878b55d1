package dev.forge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code forge run --type app} with its App flags, and {@code forge driver}, in-process.
 */
class ForgeCliAppTest {

    private static HttpServer http;

    @TempDir
    Path dir;

    @BeforeAll
    static void serve() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/lookup", exchange -> {
            byte[] body = "{\"owner\":\"acme\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
    }

    @AfterAll
    static void stop() {
        http.stop(0);
    }

    private String file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text).toString();
    }

    @Test
    void anAppWithItsEnvDatastoreAndAllowedHost() throws IOException {
        String js = file("app.js", "const moment = require('moment');\n"
                + "async function main(d) {\n"
                + "  const r = await fetch('http://127.0.0.1:' + env.PORT + '/lookup');\n"
                + "  return {owner: (await r.json()).owner, n: await datastore.incr('calls'), region: env.REGION,\n"
                + "          year: moment.utc('2026-01-01T00:00:00Z').year()};\n"
                + "}");
        String preload = file("ds.json", "{\"calls\":9}");
        int port = http.getAddress().getPort();
        CliRun run = CliRun.of("run", js, "--type", "app", "--allow-host", "127.0.0.1:" + port, "--env", "PORT=" + port,
                "--env", "REGION=eu", "--datastore", "@" + preload);
        assertEquals(0, run.exit(), run::toString);
        assertEquals("{\"owner\":\"acme\",\"n\":10,\"region\":\"eu\",\"year\":2026}", run.json().path("data").toString());
    }

    @Test
    void withoutAllowHostFetchIsRefused() throws IOException {
        String js = file("app.js", "async function main() { await fetch('http://127.0.0.1:" + http.getAddress().getPort()
                + "/lookup'); return 1; }");
        CliRun run = CliRun.of("run", js, "--type", "app");
        assertEquals(ExitCode.ERROR, run.exit(), run::toString);
        assertTrue(run.json().at("/error/message").asText().contains("is not allowed for tenant 'cli'"), run::toString);
    }

    @Test
    void aDriverFunctionPrintsItsResult() throws IOException {
        String js = file("did.js", "module.export = { search: async function ({number}) { return [{did: number + '7'}]; } };");
        CliRun run = CliRun.of("driver", js, "search", "--args", "{\"number\":\"4420\"}");
        assertEquals(0, run.exit(), run::toString);
        JsonNode json = run.json();
        assertEquals("ok", json.path("outcome").asText());
        assertEquals("[{\"did\":\"44207\"}]", json.path("result").toString());
        CliRun missing = CliRun.of("driver", js, "release");
        assertEquals(ExitCode.ERROR, missing.exit(), missing::toString);
        assertTrue(missing.json().at("/error/message").asText().contains("exports no function release"));
    }

    @Test
    void badAppFlagsAreUsageErrors() throws IOException {
        String js = file("app.js", "async function main(d) { return d; }");
        assertEquals(ExitCode.USAGE, CliRun.of("run", js, "--allow-host", "example.com").exit());
        assertTrue(CliRun.of("run", js, "--env", "NOEQUALS").err().contains("--env: 'NOEQUALS' is not KEY=VALUE"));
        String notObject = file("list.json", "[1,2]");
        assertTrue(CliRun.of("run", js, "--datastore", "@" + notObject).err().contains("--datastore: the file must hold a JSON object"));
        assertTrue(CliRun.of("driver", js).err().contains("expected FILE.js and FUNCTION"));
        assertTrue(CliRun.of("driver", js, "search", "--args", "{nope").err().contains("--args: not valid JSON"));
    }
}
