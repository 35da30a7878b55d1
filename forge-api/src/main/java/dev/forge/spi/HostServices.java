package dev.forge.spi;

import dev.forge.EgressPolicy;

import java.util.Objects;

/**
 * What Apps reach through Forge: the datastore, the modules they may load and the network they may use.
 * The host passes them to {@code Forge.builder()}; an engine hands them to scripts as bindings.
 *
 * @param datastore the tenant-namespaced key-value store behind the {@code datastore} global
 * @param modules   where {@code require} and {@code import} resolve
 * @param egress    which destinations {@code fetch} may reach, per tenant
 */
public record HostServices(Datastore datastore, ModuleRegistry modules, EgressPolicy egress) {
    public HostServices {
        Objects.requireNonNull(datastore, "datastore");
        Objects.requireNonNull(modules, "modules");
        Objects.requireNonNull(egress, "egress");
    }
}
