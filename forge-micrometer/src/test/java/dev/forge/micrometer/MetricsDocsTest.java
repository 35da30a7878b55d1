package dev.forge.micrometer;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.InvocationListener.InvocationEvent;
import dev.forge.InvocationListener;
import dev.forge.Isolation;
import dev.forge.Script;
import dev.forge.ScriptKind;
import dev.forge.durable.InMemoryTransport;
import dev.forge.durable.TransportWorker;
import dev.forge.ivr.ControlHandler;
import dev.forge.ivr.ControlOptions;
import dev.forge.ivr.IvrClient;
import dev.forge.ivr.IvrController;
import dev.forge.ivr.IvrOptions;
import dev.forge.ivr.IvrSession;
import dev.forge.spi.Transport;
import dev.forge.testkit.ivr.FakeIvrPlatform;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the metrics half of site/metrics.md honest: each of its Java examples is in this file, compiled and run,
 * and its tables name exactly the meters ForgeMetrics and IvrMetrics make.
 */
class MetricsDocsTest {

    private static final Path DOC = Path.of("..", "site", "metrics.md");

    private static Forge quickForge(InvocationListener listener) {
        return Forge.builder().listener(listener)
                .engineOptions(EngineOptions.builder().isolation(Isolation.IN_PROCESS).build()).build();
    }

    @Test
    void binding() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();

        ForgeMetrics metrics = ForgeMetrics.builder(registry).tags("node", "pbx-a").build();
        Forge forge = Forge.builder().listener(metrics).build();
        metrics.bind(forge);

        try (forge; metrics; Transport transport = new InMemoryTransport()) {
            metrics.bind(transport);
            TransportWorker worker = TransportWorker.start(forge, transport, "pbx-a");
            try (worker) {
                assertEquals(0.0, registry.get(ForgeMetrics.QUEUE_DEPTH).tags("node", "pbx-a").gauge().value());
                assertEquals(0, registry.get(ForgeMetrics.DEAD_LETTERS).tags("node", "pbx-a").counter().count());
            }
        }
    }

    @Test
    void ivr() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        BlockingQueue<IvrSession> sessions = new LinkedBlockingQueue<>();
        ControlHandler handler = sessions::add;
        try (FakeIvrPlatform platform = FakeIvrPlatform.start("t0k3n");
             IvrClient ivr = IvrClient.connect(platform.endpoint(), platform.token(), IvrOptions.defaults())) {

            IvrMetrics ivrMetrics = IvrMetrics.builder(registry).tags("node", "pbx-a").build().bind(ivr);
            IvrController controller = ivr.control(ControlOptions.builder().key("abc").build(), ivrMetrics.instrument(handler));

            try (controller; ivrMetrics) {
                platform.startCall("rDlg-1", "abc", "dialog");
                assertNotNull(sessions.poll(10, TimeUnit.SECONDS), "no session within 10 s");
                assertEquals(1, registry.get(IvrMetrics.SESSIONS_TAKEN).tags("node", "pbx-a").counter().count());
            }
        }
    }

    @Test
    void cardinalityAndHistograms() throws Exception {
        MeterRegistry registry = new SimpleMeterRegistry();
        registry.config().meterFilter(MeterFilter.maximumAllowableTags("forge.invocation", "tenant", 200, MeterFilter.deny()));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                return id.getName().equals(ForgeMetrics.LATENCY)
                        ? DistributionStatisticConfig.builder().percentilesHistogram(true).percentiles(0.5, 0.99).build().merge(config)
                        : config;
            }
        });
        BlockingQueue<InvocationEvent> heard = new LinkedBlockingQueue<>();
        ForgeMetrics tagged = ForgeMetrics.builder(registry).build();
        try (tagged; Forge forge = quickForge(InvocationListener.all(tagged, heard::add))) {
            forge.load(Script.of("acme", "route", ScriptKind.SCRIPT, "function main(data) { return data; }"));
            forge.invoke("acme/route", "{}");
            assertNotNull(heard.poll(30, TimeUnit.SECONDS));
            Timer latency = registry.get(ForgeMetrics.LATENCY).tags("tenant", "acme").timer();
            // SimpleMeterRegistry publishes no buckets, but computes the percentiles the filter asked for
            assertEquals(2, latency.takeSnapshot().percentileValues().length, latency.takeSnapshot()::toString);
        }

        registry = new SimpleMeterRegistry();
        ForgeMetrics metrics = ForgeMetrics.builder(registry).tenantTag(false).build();
        try (metrics; Forge forge = quickForge(InvocationListener.all(metrics, heard::add))) {
            forge.load(Script.of("acme", "route", ScriptKind.SCRIPT, "function main(data) { return data; }"));
            forge.invoke("acme/route", "{}");
            assertNotNull(heard.poll(30, TimeUnit.SECONDS));
            assertEquals(1, registry.get(ForgeMetrics.INVOCATIONS).counter().count());
            assertTrue(registry.find(ForgeMetrics.INVOCATIONS).tagKeys("tenant").counters().isEmpty());
        }
    }

    @Test
    void theTablesNameEveryMeterAndNoOther() throws Exception {
        String doc = Files.readString(DOC);
        doc = doc.substring(0, doc.indexOf("## Tracing with OpenTelemetry")); // its table names span attributes
        List<String> made = new ArrayList<>();
        made.addAll(constants(ForgeMetrics.class));
        made.addAll(constants(IvrMetrics.class));
        Matcher rows = Pattern.compile("(?m)^\\| `(forge\\.[a-z._]+)` \\|").matcher(doc);
        List<String> documented = rows.results().map(r -> r.group(1)).toList();
        assertEquals(made.stream().sorted().toList(), documented.stream().sorted().toList());
    }

    @Test
    void everyJavaExampleIsInThisFile() throws IOException {
        String source = normalise(Files.readString(Path.of("src", "test", "java", "dev", "forge", "micrometer",
                "MetricsDocsTest.java")));
        List<String> blocks = blocks(Files.readString(DOC), "java").stream()
                .filter(b -> !b.contains("ForgeTracing")) // the tracing examples run in forge-opentelemetry
                .toList();
        assertEquals(6, blocks.size(), blocks::toString);
        for (String block : blocks) {
            assertTrue(source.contains(normalise(block)), () -> "site/metrics.md example not in this test:\n" + block);
        }
    }

    /** The meter names a class declares: its public String constants but the tag keys. */
    private static List<String> constants(Class<?> type) throws IllegalAccessException {
        List<String> names = new ArrayList<>();
        for (Field f : type.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && !f.getName().startsWith("TAG_")) {
                names.add((String) f.get(null));
            }
        }
        return names;
    }

    static List<String> blocks(String doc, String language) {
        Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        return m.results().map(r -> r.group(1)).collect(Collectors.toList());
    }

    /** Lines without their indentation, blank lines dropped: indentation differs between the two files. */
    static String normalise(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }
}
