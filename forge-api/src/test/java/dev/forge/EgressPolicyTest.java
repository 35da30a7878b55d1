package dev.forge;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The allowlist's names and the address check; the network side is in EgressClientTest. */
class EgressPolicyTest {

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anIpv6EntryMatchesTheHostAUrlGives() {
        EgressPolicy p = EgressPolicy.builder().allow("acme", "[::1]:8080").allow("acme", "[2001:DB8::A]:443").build();
        // URI.getHost() keeps the brackets: "[::1]"
        assertTrue(p.allows("acme", "[::1]", 8080));
        assertTrue(p.allows("acme", "::1", 8080));
        assertTrue(p.allows("acme", "[0:0:0:0:0:0:0:1]", 8080), "another spelling of the same address");
        assertTrue(p.allows("acme", "[2001:db8:0:0:0:0:0:a]", 443));
        assertFalse(p.allows("acme", "[::1]", 8081));
        assertFalse(p.allows("acme", "[::2]", 8080));
        assertFalse(p.allows("globex", "[::1]", 8080));
    }

    @Test
    void namesMatchWithoutCaseOrTrailingDot() {
        EgressPolicy p = EgressPolicy.builder().allow("acme", "API.Example.com:443").allow("acme", "127.000.0.1:80").build();
        assertTrue(p.allows("acme", "api.example.COM", 443));
        assertTrue(p.allows("acme", "api.example.com.", 443));
        assertTrue(p.allows("acme", "127.0.0.1", 80), "leading zeros are the same IPv4 address");
        assertFalse(p.allows("acme", "api.example.org", 443));
    }

    @Test
    void badEntriesAreNamed() {
        EgressPolicy.Builder b = EgressPolicy.builder();
        assertEquals("allow-host: '::1:8080' has an IPv6 address without brackets; write [ADDRESS]:PORT, e.g. [::1]:8080",
                assertThrows(IllegalArgumentException.class, () -> b.allow("acme", "::1:8080")).getMessage());
        assertEquals("allow-host: '[::g]:80' has no valid IPv6 address in brackets",
                assertThrows(IllegalArgumentException.class, () -> b.allow("acme", "[::g]:80")).getMessage());
        assertEquals("allowPrivate: '10.0.0.0/4' has prefix length 4; use 8 to 32 (a shorter one would allow most of "
                + "the address space)", assertThrows(IllegalArgumentException.class,
                () -> b.allowPrivate("acme", "10.0.0.0/4")).getMessage());
        assertEquals("allowPrivate: 'intranet/16' is not ADDRESS/BITS with an IP address, e.g. 10.20.0.0/16 or fd00::/8",
                assertThrows(IllegalArgumentException.class, () -> b.allowPrivate("acme", "intranet/16")).getMessage());
        assertEquals("maxRequestBytes: must be positive, got 0",
                assertThrows(IllegalArgumentException.class, () -> b.maxRequestBytes(0)).getMessage());
    }

    @Test
    void everyNonPublicKindIsNamed() {
        Map<String, String> kinds = Map.ofEntries(
                Map.entry("0.0.0.0", "the unspecified address"),
                Map.entry("0.1.2.3", "a 'this network' address (0.0.0.0/8)"),
                Map.entry("127.0.0.1", "a loopback address"),
                Map.entry("127.9.9.9", "a loopback address"),
                Map.entry("169.254.169.254", "a link-local address (169.254.0.0/16)"),
                Map.entry("10.1.2.3", "a private address (10.0.0.0/8)"),
                Map.entry("172.16.0.1", "a private address (172.16.0.0/12)"),
                Map.entry("172.31.255.255", "a private address (172.16.0.0/12)"),
                Map.entry("192.168.1.1", "a private address (192.168.0.0/16)"),
                Map.entry("100.64.0.1", "a shared (carrier-grade NAT) address (100.64.0.0/10)"),
                Map.entry("100.127.255.254", "a shared (carrier-grade NAT) address (100.64.0.0/10)"),
                Map.entry("224.0.0.1", "a multicast address (224.0.0.0/4)"),
                Map.entry("255.255.255.255", "the broadcast address"),
                Map.entry("::", "the unspecified address"),
                Map.entry("::1", "a loopback address"),
                Map.entry("fe80::1", "a link-local address (fe80::/10)"),
                Map.entry("fd12:3456::1", "a unique local address (fc00::/7)"),
                Map.entry("fc00::1", "a unique local address (fc00::/7)"),
                Map.entry("ff02::1", "a multicast address (ff00::/8)"),
                // Java reads an IPv4-mapped literal as the IPv4 address itself
                Map.entry("::ffff:127.0.0.1", "a loopback address"),
                Map.entry("::ffff:10.0.0.1", "a private address (10.0.0.0/8)"),
                Map.entry("64:ff9b::a9fe:a9fe",
                        "a link-local address (169.254.0.0/16) (carried in the IPv6 address 64:ff9b:0:0:0:0:a9fe:a9fe)"),
                Map.entry("::7f00:1", "a loopback address (carried in the IPv6 address 0:0:0:0:0:0:7f00:1)"));
        kinds.forEach((address, kind) -> assertEquals(Optional.of(kind), EgressPolicy.classify(ip(address)), address));
        for (String pub : List.of("93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "169.255.0.1", "11.0.0.1",
                "2606:4700:4700::1111", "2001:4860:4860::8888")) {
            assertEquals(Optional.empty(), EgressPolicy.classify(ip(pub)), pub);
        }
    }

    @Test
    void aPrivateAddressNeedsAnExplicitAllowance() {
        EgressPolicy p = EgressPolicy.builder()
                .allow("acme", "victim.test:8080")
                .allow("acme", "crm.internal:443")
                .allowPrivate("acme", "10.20.0.0/16")
                .allow("globex", "victim.test:8080")
                .allow("globex", "127.0.0.1:8080")
                .build();
        String refused = p.refusal("acme", "victim.test", 8080, ip("127.0.0.1")).orElseThrow();
        assertEquals("egress to victim.test:8080 is refused for 'acme': victim.test resolved to 127.0.0.1, a loopback "
                + "address; the host must allow that address explicitly (allow(tenant, \"127.0.0.1:8080\"), "
                + "allowPrivate(tenant, range), or --allow-host 127.0.0.1:8080)", refused);
        // globex named the address itself, at that port only
        assertEquals(Optional.empty(), p.refusal("globex", "victim.test", 8080, ip("127.0.0.1")));
        assertTrue(p.refusal("globex", "victim.test", 8081, ip("127.0.0.1")).isPresent());
        // a range allows its own addresses, for its own tenant
        assertEquals(Optional.empty(), p.refusal("acme", "crm.internal", 443, ip("10.20.0.7")));
        assertTrue(p.refusal("acme", "crm.internal", 443, ip("10.21.0.7")).isPresent());
        assertTrue(p.refusal("globex", "crm.internal", 443, ip("10.20.0.7")).isPresent());
        // a public address needs nothing more than its name
        assertEquals(Optional.empty(), p.refusal("acme", "victim.test", 8080, ip("93.184.216.34")));
        // an IPv6 address is shown in brackets in the fix
        assertTrue(p.refusal("acme", "victim.test", 8080, ip("::1")).orElseThrow()
                .endsWith("or --allow-host [0:0:0:0:0:0:0:1]:8080)"));
        // a literal is not "resolved"
        assertTrue(p.refusal("acme", "10.1.1.1", 80, ip("10.1.1.1")).orElseThrow()
                .contains("': 10.1.1.1 is a private address (10.0.0.0/8);"));
    }

    @Test
    void theAllTenantsEntriesCountForEveryTenant() {
        EgressPolicy p = EgressPolicy.builder().allow(EgressPolicy.ALL_TENANTS, "[::1]:9000")
                .allowPrivate(EgressPolicy.ALL_TENANTS, "192.168.0.0/16").build();
        assertTrue(p.allows("anyone", "[::1]", 9000));
        assertEquals(Optional.empty(), p.refusal("anyone", "[::1]", 9000, ip("::1")));
        assertEquals(Optional.empty(), p.refusal("anyone", "printer.lan", 9000, ip("192.168.4.4")));
    }
}
