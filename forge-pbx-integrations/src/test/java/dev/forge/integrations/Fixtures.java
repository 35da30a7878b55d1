package dev.forge.integrations;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Realistic events for the tests, from {@code src/test/resources/events}. */
final class Fixtures {

    private Fixtures() {
    }

    static String json(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static GroupEvent ringing() {
        return GroupEvent.fromJson(json("group-ringing.json"));
    }

    static GroupEvent disconnected() {
        return GroupEvent.fromJson(json("group-disconnected.json"));
    }

    static AgentEvent agent() {
        return AgentEvent.fromJson(json("agent-connected.json"));
    }

    static CdrEvent cdr() {
        return CdrEvent.fromJson(json("cdr.json"));
    }
}
