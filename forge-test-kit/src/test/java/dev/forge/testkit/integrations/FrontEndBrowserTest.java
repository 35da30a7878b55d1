package dev.forge.testkit.integrations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forge.InMemoryDatastore;
import dev.forge.integrations.FrontEnd;
import dev.forge.integrations.Integration;
import dev.forge.integrations.IntegrationFolder;
import dev.forge.integrations.IntegrationSettings;
import dev.forge.internal.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The front ends in a real headless Chromium: a tenant form and a user form load the public settings, save
 * public and private parts, and keep the secret when the password is left empty; the secret never reaches the
 * page and is sealed in the datastore.
 *
 * <p>Needs Chromium (Debian: apt-get install chromium; .ci/run installs it).
 */
class FrontEndBrowserTest {

    private static final String TENANT_PASSWORD = "tenant-Pa55word";
    private static final String USER_PASSWORD = "joe-Pa55word";

    /** A tenant form in the seed's shape: a public token, and a password returned as the private part. */
    private static final FrontEnd TENANT = new FrontEnd("""
            <div class="row"><div class="form-group has-feedback">
              <label class="col-sm-6 control-label">[[dom_actionurl#user]]</label>
              <div class="col-sm-6"><input class="form-control" type="text" name="token" pattern="[a-z]+"></div>
            </div></div>
            <div class="row"><div class="form-group has-feedback">
              <label class="col-sm-6 control-label">[[dom_actionurl#pass1]]</label>
              <div class="col-sm-6"><input class="form-control" type="password" name="password"></div>
            </div></div>
            """, "", """
            export const load = (form, data) => {
              form.querySelector('[name="token"]').value = data.token || '';
              form.querySelector('[name="password"]').value = '';
              window.loadedWith = window.loadedWith || [];
              window.loadedWith.push(JSON.stringify(data));
            };
            export const save = (form) => [
              {token: form.querySelector('[name="token"]').value},
              form.querySelector('[name="password"]').value
            ];
            """);

    /** A user form in the seed's shape: the PBX's custom elements, and just the public part when no password. */
    private static final FrontEnd USER = new FrontEnd("""
            <pbx-setting-wrapper><pbx-label>[[usr_crm#user]]</pbx-label>
              <pbx-input class="form-control" type="text" name="username"></pbx-input></pbx-setting-wrapper>
            <pbx-setting-wrapper><pbx-label>[[usr_crm#pass1]]</pbx-label>
              <pbx-input class="form-control" type="password" name="password"></pbx-input></pbx-setting-wrapper>
            <pbx-setting-wrapper><pbx-label>[[usr_crm#addr]]</pbx-label>
              <pbx-input class="form-control" type="text" name="address"></pbx-input></pbx-setting-wrapper>
            <pbx-button-wrapper><pbx-button type="submit" class="save">[[save]]</pbx-button></pbx-button-wrapper>
            """, "", """
            export const load = (form, data) => {
              form.querySelector('[name="username"]').value = data.username || '';
              form.querySelector('[name="address"]').value = data.address || '';
              form.querySelector('[name="password"]').value = '';
              window.loadedWith = window.loadedWith || [];
              window.loadedWith.push(JSON.stringify(data));
            };
            export const save = (form) => {
              const pub = {
                username: form.querySelector('[name="username"]').value,
                address: form.querySelector('[name="address"]').value
              };
              const pri = {password: form.querySelector('[name="password"]').value};
              return pri.password ? [pub, pri] : pub;
            };
            """);

    private static final InMemoryDatastore DATASTORE = new InMemoryDatastore();
    private static LocalIntegrationServer server;
    private static HeadlessChromium browser;

    @BeforeAll
    static void start() throws Exception {
        List<Integration> integrations = new ArrayList<>(IntegrationFolder.loadAll(Path.of("..", "samples", "integrations")));
        integrations.add(Integration.builder().name("Our CRM System").identifier("ourcrmsys").tenant(TENANT).user(USER)
                .build());
        server = LocalIntegrationServer.builder(integrations).datastore(DATASTORE).start();
        browser = HeadlessChromium.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static String section(String identifier) {
        return "section[data-identifier=\"" + identifier + "\"]";
    }

    private static void open(String path) {
        browser.navigate(server.uri() + path);
        browser.waitFor("document.body.dataset.ready === 'true'");
    }

    private static String state(String identifier) {
        return browser.evaluate("document.querySelector('" + section(identifier) + "').dataset.state").asText();
    }

    private static void saveAndWait(String identifier, String button) {
        browser.click(section(identifier) + " " + button);
        browser.waitFor("['saved', 'error'].includes(document.querySelector('" + section(identifier) + "').dataset.state)");
        assertEquals("saved", state(identifier), () -> browser.evaluate("document.querySelector('" + section(identifier)
                + " .forge-status').textContent").asText() + " " + browser.console());
    }

    private static String value(String identifier, String name) {
        return browser.evaluate("document.querySelector('" + section(identifier) + " [name=\"" + name + "\"]').value").asText();
    }

    private static String raw(String domain, String key) throws Exception {
        return DATASTORE.get(domain, key).toCompletableFuture().get(5, TimeUnit.SECONDS).orElse(null);
    }

    private static IntegrationSettings settings() {
        return server.host().settings();
    }

    @Test
    void tenantFormRoundTrip() throws Exception {
        String domain = "tenant1.pbx.com";
        open("/settings/tenant/" + domain);
        assertEquals("loaded", state("ourcrmsys"), browser.console()::toString);
        assertEquals("[\"{}\"]", Json.write(browser.evaluate("window.loadedWith")), "load always gets an object");
        assertEquals("user", browser.evaluate("document.querySelector('" + section("ourcrmsys") + " label').textContent")
                .asText());

        browser.type(section("ourcrmsys") + " [name=token]", "abc");
        browser.type(section("ourcrmsys") + " [name=password]", TENANT_PASSWORD);
        saveAndWait("ourcrmsys", "button[type=submit]");
        assertEquals("", value("ourcrmsys", "password"), "the password field is cleared after a save");

        assertEquals("{\"token\":\"abc\"}", raw(domain, "intr:ourcrmsys:public:tenant"));
        String sealed = raw(domain, "intr:ourcrmsys:secret:tenant");
        assertTrue(sealed.startsWith("\"v1:") && !sealed.contains(TENANT_PASSWORD), sealed);
        assertEquals(Optional.of(Json.MAPPER.getNodeFactory().textNode(TENANT_PASSWORD)),
                settings().loadSecret("ourcrmsys", domain, "").toCompletableFuture().get(5, TimeUnit.SECONDS));

        // a fresh page loads the public part only
        open("/settings/tenant/" + domain);
        assertEquals("abc", value("ourcrmsys", "token"));
        assertEquals("", value("ourcrmsys", "password"));
        assertEquals("[\"{\\\"token\\\":\\\"abc\\\"}\"]", Json.write(browser.evaluate("window.loadedWith")));
        String html = browser.evaluate("document.documentElement.outerHTML").asText();
        assertFalse(html.contains(TENANT_PASSWORD), "the secret never reaches the page");

        // saving with the password left empty keeps the secret
        browser.type(section("ourcrmsys") + " [name=token]", "xyz");
        saveAndWait("ourcrmsys", "button[type=submit]");
        assertEquals("{\"token\":\"xyz\"}", raw(domain, "intr:ourcrmsys:public:tenant"));
        assertEquals(Optional.of(Json.MAPPER.getNodeFactory().textNode(TENANT_PASSWORD)),
                settings().loadSecret("ourcrmsys", domain, "").toCompletableFuture().get(5, TimeUnit.SECONDS));
    }

    @Test
    void userFormRoundTripWithThePbxElements() throws Exception {
        String domain = "tenant2.pbx.com";
        open("/settings/user/" + domain + "/41");
        assertEquals("loaded", state("ourcrmsys"), browser.console()::toString);
        assertTrue(browser.evaluate("Object.keys(window.pbx.integrations).includes('ourcrmsys')").asBoolean());

        browser.type(section("ourcrmsys") + " [name=username]", "joe");
        browser.type(section("ourcrmsys") + " [name=password]", USER_PASSWORD);
        browser.type(section("ourcrmsys") + " [name=address]", "1 Main St");
        saveAndWait("ourcrmsys", "pbx-button.save");

        JsonNode pub = settings().loadPublic("ourcrmsys", domain, "41").toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(Json.parse("expected", "{\"username\":\"joe\",\"address\":\"1 Main St\"}"), pub);
        assertEquals(Json.parse("expected", "{\"password\":\"" + USER_PASSWORD + "\"}"),
                settings().loadSecret("ourcrmsys", domain, "41").toCompletableFuture().get(5, TimeUnit.SECONDS).orElseThrow());
        assertFalse(raw(domain, "intr:ourcrmsys:secret:user:41").contains(USER_PASSWORD));
        assertEquals(null, raw(domain, "intr:ourcrmsys:public:tenant"), "user data is not the tenant's");

        open("/settings/user/" + domain + "/41");
        assertEquals("joe", value("ourcrmsys", "username"));
        assertEquals("1 Main St", value("ourcrmsys", "address"));
        assertEquals("", value("ourcrmsys", "password"));

        // only the public part this time (no password typed): the secret stays
        browser.type(section("ourcrmsys") + " [name=address]", "2 Side Rd");
        saveAndWait("ourcrmsys", "pbx-button.save");
        assertEquals("2 Side Rd", settings().loadPublic("ourcrmsys", domain, "41").toCompletableFuture()
                .get(5, TimeUnit.SECONDS).get("address").asText());
        assertEquals(USER_PASSWORD, settings().loadSecret("ourcrmsys", domain, "41").toCompletableFuture()
                .get(5, TimeUnit.SECONDS).orElseThrow().get("password").asText());
    }

    @Test
    void theSamplesFrontEndsLoadAndSave() throws Exception {
        String domain = "tenant3.pbx.com";
        open("/settings/tenant/" + domain);
        for (String id : List.of("crmlogger", "screenpop", "tfbridge")) {
            assertEquals("loaded", state(id), browser.console()::toString);
        }
        browser.type(section("crmlogger") + " [name=url]", "https://crm.example/api/calls");
        browser.type(section("crmlogger") + " [name=apikey]", "k-123");
        saveAndWait("crmlogger", "button[type=submit]");
        assertEquals("{\"url\":\"https://crm.example/api/calls\"}", raw(domain, "intr:crmlogger:public:tenant"));

        open("/settings/user/" + domain + "/41");
        browser.type(section("crmlogger") + " [name=crmuser]", "joe.doe");
        saveAndWait("crmlogger", "pbx-button.save");
        assertEquals("{\"crmuser\":\"joe.doe\"}", raw(domain, "intr:crmlogger:public:user:41"));
    }
}
