package dev.forge.integrations;

/**
 * The tenant an event belongs to, as group and agent events carry it.
 *
 * <p>Thread-safety: immutable.
 *
 * @param address the tenant's address, e.g. {@code tenant1.pbx.com}; required: it selects the integrations
 * @param name    the tenant's display name, e.g. {@code ACME trash removal}, or null
 * @param id      the tenant's numeric id, e.g. 3, or null
 *
 * @since 0.1.0
 */
public record Domain(String address, String name, Long id) {
    public Domain {
        Fields.text("address", address, "the tenant's address, e.g. tenant1.pbx.com");
    }
}
