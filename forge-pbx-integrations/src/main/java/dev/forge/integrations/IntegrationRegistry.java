package dev.forge.integrations;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The installed integrations, which tenants enable which, and which subset each user of a tenant uses.
 *
 * <pre>{@code
 * IntegrationRegistry registry = new IntegrationRegistry();
 * registry.register(crm);
 * registry.register(tickets);
 * registry.enable("tenant1.pbx.com", "ourcrmsys", "tickets");   // a tenant may use several at once
 * registry.useForUser("tenant1.pbx.com", "41", "ourcrmsys");    // extension 41 sees only the CRM
 * }</pre>
 *
 * <p>Tenants are named by their address (the {@code domain} of events). {@link #ALL_TENANTS} enables an
 * integration for every tenant. A user that was given no subset uses every integration its tenant enabled;
 * the subset never reaches beyond the tenant's: disabling an integration for the tenant hides it from its
 * users too. Events go to every integration the tenant enabled ({@link #enabled(String)}); the user subset
 * decides which user front ends a user sees ({@link #enabledForUser}).
 *
 * <p>Thread-safety: thread-safe. Lists are snapshots, ordered by identifier.
 *
 * @since 0.1.0
 */
public final class IntegrationRegistry {

    /** Enables an integration for every tenant. */
    public static final String ALL_TENANTS = "*";

    private final Map<String, Integration> integrations = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> byTenant = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> byUser = new ConcurrentHashMap<>();

    /**
     * Installs an integration, replacing the one with the same identifier (the host then runs the new
     * backend from its next event).
     *
     * @return the integration it replaced, if any
     */
    public Optional<Integration> register(Integration integration) {
        Objects.requireNonNull(integration, "integration");
        return Optional.ofNullable(integrations.put(integration.identifier(), integration));
    }

    /** Uninstalls an integration; tenants that enabled it no longer see it. */
    public Optional<Integration> remove(String identifier) {
        return Optional.ofNullable(integrations.remove(Objects.requireNonNull(identifier, "identifier")));
    }

    public Optional<Integration> find(String identifier) {
        return Optional.ofNullable(integrations.get(Objects.requireNonNull(identifier, "identifier")));
    }

    /**
     * The installed integration with this identifier.
     *
     * @throws IllegalArgumentException naming the identifier and the installed ones
     */
    public Integration require(String identifier) {
        Integration found = integrations.get(Objects.requireNonNull(identifier, "identifier"));
        if (found == null) {
            throw new IllegalArgumentException("identifier: no integration '" + identifier + "' is installed; installed: "
                    + new TreeMap<>(integrations).keySet());
        }
        return found;
    }

    /** Every installed integration. */
    public List<Integration> all() {
        return List.copyOf(new TreeMap<>(integrations).values());
    }

    /**
     * Enables integrations for a tenant (or {@link #ALL_TENANTS}), adding to those it has.
     *
     * @throws IllegalArgumentException if an identifier is not installed
     */
    public void enable(String domain, String... identifiers) {
        checkDomain(domain);
        for (String identifier : identifiers) {
            require(identifier);
        }
        byTenant.compute(domain, (d, old) -> {
            Set<String> next = old == null ? new LinkedHashSet<>() : new LinkedHashSet<>(old);
            next.addAll(List.of(identifiers));
            return Set.copyOf(next);
        });
    }

    /** Disables integrations for a tenant; their settings stay stored. */
    public void disable(String domain, String... identifiers) {
        checkDomain(domain);
        byTenant.computeIfPresent(domain, (d, old) -> {
            Set<String> next = new LinkedHashSet<>(old);
            next.removeAll(List.of(identifiers));
            return next.isEmpty() ? null : Set.copyOf(next);
        });
    }

    /**
     * Sets the subset of the tenant's integrations that a user uses; no identifiers means all of them again.
     *
     * @throws IllegalArgumentException if an identifier is not installed
     */
    public void useForUser(String domain, String user, String... identifiers) {
        checkDomain(domain);
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("user: required; name the account, e.g. 41");
        }
        for (String identifier : identifiers) {
            require(identifier);
        }
        String key = domain + '\n' + user;
        if (identifiers.length == 0) {
            byUser.remove(key);
        } else {
            byUser.put(key, Set.of(identifiers));
        }
    }

    /** The installed integrations this tenant enabled, directly or through {@link #ALL_TENANTS}. */
    public List<Integration> enabled(String domain) {
        checkDomain(domain);
        return pick(identifiersOf(domain));
    }

    /** Whether this tenant enabled this integration. */
    public boolean isEnabled(String domain, String identifier) {
        return integrations.containsKey(identifier) && identifiersOf(domain).contains(identifier);
    }

    /** The integrations a user of this tenant uses: their subset of the tenant's, or all of the tenant's. */
    public List<Integration> enabledForUser(String domain, String user) {
        checkDomain(domain);
        Set<String> tenant = identifiersOf(domain);
        Set<String> subset = byUser.get(domain + '\n' + Objects.requireNonNull(user, "user"));
        if (subset == null) {
            return pick(tenant);
        }
        Set<String> both = new LinkedHashSet<>(subset);
        both.retainAll(tenant);
        return pick(both);
    }

    private Set<String> identifiersOf(String domain) {
        Set<String> ids = new LinkedHashSet<>(byTenant.getOrDefault(domain, Set.of()));
        ids.addAll(byTenant.getOrDefault(ALL_TENANTS, Set.of()));
        return ids;
    }

    private List<Integration> pick(Collection<String> identifiers) {
        List<Integration> found = new ArrayList<>();
        new TreeMap<>(integrations).forEach((id, integration) -> {
            if (identifiers.contains(id)) {
                found.add(integration);
            }
        });
        return List.copyOf(found);
    }

    private static void checkDomain(String domain) {
        if (domain == null || domain.isBlank()) {
            throw new IllegalArgumentException("domain: required; name the tenant by its address, e.g. tenant1.pbx.com");
        }
    }
}
