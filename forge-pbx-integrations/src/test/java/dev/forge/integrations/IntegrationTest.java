package dev.forge.integrations;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Definitions and the registry: identifiers, enabling per tenant, subsets per user. */
class IntegrationTest {

    private static Integration named(String identifier) {
        return Integration.builder().name("The " + identifier).identifier(identifier)
                .tenant(new FrontEnd("<div>t</div>", "", "export const load = () => {}; export const save = () => ({});"))
                .build();
    }

    @Test
    void identifiersAreLowerCaseAlphanumeric() {
        assertEquals("ourcrmsys", named("ourcrmsys").identifier());
        assertEquals("crm2", named("crm2").identifier());
        for (String bad : List.of("OurCRM", "our-crm", "our crm", "2crm", "crm_1", "crmé")) {
            var e = assertThrows(IllegalArgumentException.class, () -> named(bad));
            assertEquals("identifier: '" + bad + "' is not lower-case alphanumeric; use lower-case letters a-z and "
                    + "digits, starting with a letter, e.g. ourcrmsys", e.getMessage());
        }
        var empty = assertThrows(IllegalArgumentException.class, () -> named(""));
        assertTrue(empty.getMessage().startsWith("identifier: required"), empty.getMessage());
        var tooLong = assertThrows(IllegalArgumentException.class, () -> named("a".repeat(33)));
        assertTrue(tooLong.getMessage().endsWith("is longer than 32 characters"), tooLong.getMessage());
    }

    @Test
    void aNameIsRequired() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Integration.builder().identifier("crm").name(" ").build());
        assertEquals("name: required; give a display name, e.g. \"Our CRM System\" (integration 'crm')", e.getMessage());
    }

    @Test
    void theBuilderRoundTrips() {
        Integration crm = named("crm");
        assertEquals(crm, crm.toBuilder().build());
        assertFalse(crm.user().present());
        assertTrue(crm.tenant().present());
    }

    @Test
    void aTenantEnablesSeveralAndEachUserASubset() {
        IntegrationRegistry registry = new IntegrationRegistry();
        registry.register(named("crm"));
        registry.register(named("tickets"));
        registry.register(named("timesheet"));
        registry.enable("t1.pbx.com", "crm", "tickets");
        registry.enable("t2.pbx.com", "timesheet");
        registry.useForUser("t1.pbx.com", "41", "tickets");

        assertEquals(List.of("crm", "tickets"), ids(registry.enabled("t1.pbx.com")));
        assertEquals(List.of("timesheet"), ids(registry.enabled("t2.pbx.com")));
        assertEquals(List.of("tickets"), ids(registry.enabledForUser("t1.pbx.com", "41")));
        assertEquals(List.of("crm", "tickets"), ids(registry.enabledForUser("t1.pbx.com", "42")), "no subset: all");

        registry.disable("t1.pbx.com", "tickets");
        assertEquals(List.of(), ids(registry.enabledForUser("t1.pbx.com", "41")), "the subset stays within the tenant's");
        registry.useForUser("t1.pbx.com", "41");
        assertEquals(List.of("crm"), ids(registry.enabledForUser("t1.pbx.com", "41")));

        registry.enable(IntegrationRegistry.ALL_TENANTS, "timesheet");
        assertEquals(List.of("crm", "timesheet"), ids(registry.enabled("t1.pbx.com")));
        assertTrue(registry.isEnabled("t9.pbx.com", "timesheet"));

        registry.remove("crm");
        assertEquals(List.of("timesheet"), ids(registry.enabled("t1.pbx.com")));
    }

    @Test
    void enablingSomethingNotInstalledSaysWhatIs() {
        IntegrationRegistry registry = new IntegrationRegistry();
        registry.register(named("crm"));
        var e = assertThrows(IllegalArgumentException.class, () -> registry.enable("t1.pbx.com", "crn"));
        assertEquals("identifier: no integration 'crn' is installed; installed: [crm]", e.getMessage());
        var d = assertThrows(IllegalArgumentException.class, () -> registry.enable(" ", "crm"));
        assertTrue(d.getMessage().startsWith("domain: required"), d.getMessage());
    }

    private static List<String> ids(List<Integration> list) {
        return list.stream().map(Integration::identifier).toList();
    }
}
