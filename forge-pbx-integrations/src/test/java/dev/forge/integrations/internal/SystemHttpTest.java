package dev.forge.integrations.internal;

import com.fasterxml.jackson.databind.JsonNode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** system.http's options (PROTOCOLS.md 4.2) and its log line. */
class SystemHttpTest {

    private static JsonNode json(String text) {
        try {
            return EventJson.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String error(String options) {
        return assertThrows(IllegalArgumentException.class, () -> SystemHttp.options(json(options))).getMessage();
    }

    @Test
    void theDefaultsAreTheFrameworks() {
        SystemHttp.Options o = SystemHttp.options(json("{\"url\":\"https://crm.example/api\"}"));
        assertEquals("GET", o.method());
        assertEquals("https://crm.example/api", o.logurl());
        assertTrue(o.verify());
        assertEquals(1, o.attempts());
        assertEquals(10_000, o.readTimeout());
        assertEquals(10_000, o.connectTimeout());
        assertEquals(null, o.body());
        assertTrue(o.headers().isEmpty());
    }

    @Test
    void everyOptionIsRead() {
        SystemHttp.Options o = SystemHttp.options(json("{\"url\":\"http://crm.example/a?k=1\",\"method\":\"post\","
                + "\"logurl\":\"http://crm.example/a?k=...\",\"body\":{\"x\":1},\"verify\":false,\"attempts\":3,"
                + "\"readTimeout\":500,\"connectTimeout\":250,\"domain\":\"tenant1.pbx.com\","
                + "\"header\":[{\"name\":\"X-Key\",\"value\":\"abc\",\"secret\":true},{\"name\":\"Accept\",\"value\":\"*/*\"}]}"));
        assertEquals("POST", o.method());
        assertEquals("{\"x\":1}", o.body());
        assertFalse(o.verify());
        assertEquals(3, o.attempts());
        assertEquals(500, o.readTimeout());
        assertEquals(250, o.connectTimeout());
        assertEquals("tenant1.pbx.com", o.domain());
        assertEquals(new SystemHttp.Header("X-Key", "abc", true), o.headers().get(0));
        assertEquals("crm: system.http POST http://crm.example/a?k=... (tenant1.pbx.com) headers [X-Key: ********, "
                + "Accept: */*]", SystemHttp.describe("crm", o));
    }

    @Test
    void wrongOptionsNameTheOption() {
        assertEquals("system.http: url: required; give the http or https URL to call", error("{}"));
        assertEquals("system.http: url: 'ftp://x/y' is not an http or https URL", error("{\"url\":\"ftp://x/y\"}"));
        assertEquals("system.http: method: 'GE T' is not an HTTP method", error("{\"url\":\"http://x\",\"method\":\"GE T\"}"));
        assertEquals("system.http: attempts: must be a number from 1 to 10, got 0",
                error("{\"url\":\"http://x\",\"attempts\":0}"));
        assertEquals("system.http: readTimeout: must be a number from 1 to 600000, got \"soon\"",
                error("{\"url\":\"http://x\",\"readTimeout\":\"soon\"}"));
        assertEquals("system.http: header[0].name: required", error("{\"url\":\"http://x\",\"header\":[{\"value\":\"v\"}]}"));
        assertEquals("system.http: header: expects an array of {name, value, secret}",
                error("{\"url\":\"http://x\",\"header\":{\"a\":\"b\"}}"));
    }

    @Test
    void credentialsAreMaskedEvenWhenNotMarkedSecret() {
        SystemHttp.Options o = SystemHttp.options(json("{\"url\":\"https://joe:pw@crm.example/a\","
                + "\"header\":[{\"name\":\"Authorization\",\"value\":\"Bearer t\"},{\"name\":\"Cookie\",\"value\":\"s=1\"}]}"));
        assertEquals("crm: system.http GET https://********@crm.example/a headers [Authorization: ********, "
                + "Cookie: ********]", SystemHttp.describe("crm", o));
    }

    @Property
    void aSecretValueNeverReachesTheLogLine(@ForAll @AlphaChars @StringLength(min = 12, max = 40) String secret) {
        SystemHttp.Options o = SystemHttp.options(json("{\"url\":\"https://crm.example/a\",\"method\":\"PUT\","
                + "\"header\":[{\"name\":\"X-Token\",\"value\":\"" + secret + "\",\"secret\":true}],"
                + "\"body\":\"" + secret + "\"}"));
        String line = SystemHttp.describe("crm", o);
        assertFalse(line.contains(secret), line);
        assertTrue(line.endsWith("headers [X-Token: " + SystemHttp.MASK + "]"), line);
    }
}
