package dev.forge.spi;

import dev.forge.EgressPolicy;

import java.util.Map;
import java.util.Objects;

/**
 * What Apps reach through Forge: the datastore, the modules they may load, the network they may use, and
 * the extra {@link Bindings} the host registered. The host passes them to {@code Forge.builder()}; an engine
 * hands them to scripts as bindings.
 *
 * @param datastore the tenant-namespaced key-value store behind the {@code datastore} global
 * @param modules   where {@code require} and {@code import} resolve
 * @param egress    which destinations {@code fetch} may reach, per tenant
 * @param bindings  extra bindings by name, for scripts that ask for them
 *
 * @since 0.1.0
 */
public record HostServices(Datastore datastore, ModuleRegistry modules, EgressPolicy egress,
                           Map<String, Bindings> bindings) {
    public HostServices {
        Objects.requireNonNull(datastore, "datastore");
        Objects.requireNonNull(modules, "modules");
        Objects.requireNonNull(egress, "egress");
        bindings = Map.copyOf(Objects.requireNonNull(bindings, "bindings"));
    }

    /** Services with no extra bindings. */
    public HostServices(Datastore datastore, ModuleRegistry modules, EgressPolicy egress) {
        this(datastore, modules, egress, Map.of());
    }
}
