package dev.forge.integrations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.InMemoryDatastore;
import dev.forge.integrations.internal.EventJson;
import dev.forge.engine.v8.logs.CapturedLogs;
import org.junit.jupiter.api.Test;

import javax.crypto.spec.SecretKeySpec;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings: the save split, empty secrets kept, secrets sealed at rest and never in logs. */
class IntegrationSettingsTest {

    private static final String PASSWORD = "s3cret-Passw0rd!";

    private final InMemoryDatastore raw = new InMemoryDatastore();
    private final byte[] key = randomKey();
    private final IntegrationSettings settings = new IntegrationSettings(raw, new SecretKeySpec(key, "AES"));

    private static byte[] randomKey() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    private static <T> T get(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return EventJson.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private String stored(String domain, String key) {
        return get(raw.get(domain, key)).orElse(null);
    }

    @Test
    void aTenantSaveOfPublicAndPrivateIsSplitAndTheSecretSealed() {
        get(settings.save("crm", "t1.pbx.com", "", json("[{\"token\":\"abc\"}, \"" + PASSWORD + "\"]")));
        assertEquals(json("{\"token\":\"abc\"}"), get(settings.loadPublic("crm", "t1.pbx.com", "")));
        assertEquals(Optional.of(json("\"" + PASSWORD + "\"")), get(settings.loadSecret("crm", "t1.pbx.com", "")));

        List<String> keys = get(raw.keys("t1.pbx.com", ""));
        assertEquals(List.of("intr:crm:public:tenant", "intr:crm:secret:tenant"), keys);
        String sealed = stored("t1.pbx.com", "intr:crm:secret:tenant");
        assertTrue(sealed.startsWith("\"v1:"), sealed);
        assertFalse(sealed.contains(PASSWORD), "the datastore holds no plain secret");
        assertFalse(stored("t1.pbx.com", "intr:crm:public:tenant").contains(PASSWORD));
        assertFalse(CapturedLogs.text().contains(PASSWORD), "no secret in the log");
    }

    @Test
    void aSaveOfJustThePublicObjectKeepsTheSecret() {
        get(settings.save("crm", "t1.pbx.com", "41", json("[{\"username\":\"joe\"}, {\"password\":\"" + PASSWORD + "\"}]")));
        get(settings.save("crm", "t1.pbx.com", "41", json("{\"username\":\"joe.doe\",\"address\":\"x\"}")));
        assertEquals(json("{\"username\":\"joe.doe\",\"address\":\"x\"}"), get(settings.loadPublic("crm", "t1.pbx.com", "41")));
        assertEquals(json("{\"password\":\"" + PASSWORD + "\"}"), get(settings.loadSecret("crm", "t1.pbx.com", "41")).orElseThrow());
    }

    @Test
    void anEmptyPasswordKeepsTheOldOneEntryByEntry() {
        get(settings.save("crm", "t1.pbx.com", "", json("[{}, {\"password\":\"" + PASSWORD + "\",\"pin\":\"1234\"}]")));
        get(settings.save("crm", "t1.pbx.com", "", json("[{}, \"\"]")));
        get(settings.save("crm", "t1.pbx.com", "", json("[{}, {\"password\":\"\",\"pin\":\"9999\"}]")));
        assertEquals(json("{\"password\":\"" + PASSWORD + "\",\"pin\":\"9999\"}"),
                get(settings.loadSecret("crm", "t1.pbx.com", "")).orElseThrow());
    }

    @Test
    void tenantAndUserDataAreApart() {
        get(settings.set("crm", "t1.pbx.com", "", "url", json("\"https://crm.example\""), false));
        get(settings.set("crm", "t1.pbx.com", "41", "url", json("\"https://joe.crm.example\""), false));
        assertEquals(Optional.of(json("\"https://crm.example\"")), get(settings.get("crm", "t1.pbx.com", "", "url", false)));
        assertEquals(Optional.of(json("\"https://joe.crm.example\"")), get(settings.get("crm", "t1.pbx.com", "41", "url", false)));
        assertEquals(Optional.empty(), get(settings.get("crm", "t2.pbx.com", "", "url", false)));
        assertEquals(Optional.empty(), get(settings.get("other", "t1.pbx.com", "", "url", false)));
        assertEquals(Optional.empty(), get(settings.get("crm", "t1.pbx.com", "", "url", true)), "public is not secret");
    }

    @Test
    void concurrentSetsOfDifferentNamesAreAllKept() {
        List<CompletableFuture<Void>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            all.add(settings.set("crm", "t1.pbx.com", "", "k" + i, json(Integer.toString(i)), i % 2 == 0).toCompletableFuture());
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        assertEquals(25, get(settings.loadPublic("crm", "t1.pbx.com", "")).size());
        assertEquals(25, get(settings.loadSecret("crm", "t1.pbx.com", "")).orElseThrow().size());
    }

    @Test
    void aSealedSecretOpensOnlyWhereItWasSealedAndUnderItsKey() {
        get(settings.save("crm", "t1.pbx.com", "41", json("[{}, {\"password\":\"" + PASSWORD + "\"}]")));
        String sealed = stored("t1.pbx.com", "intr:crm:secret:user:41");
        // copied to another user: does not open
        get(raw.set("t1.pbx.com", "intr:crm:secret:user:42", sealed, (Duration) null));
        var moved = assertThrows(CompletionException.class, () -> settings.loadSecret("crm", "t1.pbx.com", "42")
                .toCompletableFuture().join());
        assertInstanceOf(IllegalStateException.class, moved.getCause());
        assertTrue(moved.getCause().getMessage().contains("does not open"), moved.getCause().getMessage());
        assertFalse(moved.getCause().getMessage().contains(PASSWORD));
        // another key: does not open
        IntegrationSettings other = new IntegrationSettings(raw, new SecretKeySpec(randomKey(), "AES"));
        assertThrows(CompletionException.class, () -> other.loadSecret("crm", "t1.pbx.com", "41").toCompletableFuture().join());
    }

    @Test
    void badSavesAndKeysAreRefusedWithTheField() {
        var notObject = assertThrows(CompletionException.class, () -> settings.save("crm", "t1.pbx.com", "",
                json("[\"token\", \"pw\"]")).toCompletableFuture().join());
        assertEquals("save: the public part must be an object, got a string", notObject.getCause().getMessage());
        var badKey = assertThrows(IllegalArgumentException.class,
                () -> new IntegrationSettings(raw, new SecretKeySpec(new byte[10], "AES")));
        assertEquals("secretKey: must be 128, 192 or 256 bits, got 80 bits", badKey.getMessage());
        var noDomain = assertThrows(IllegalArgumentException.class, () -> settings.loadPublic("crm", "", ""));
        assertTrue(noDomain.getMessage().startsWith("domain: required"), noDomain.getMessage());
    }
}
