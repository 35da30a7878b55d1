package dev.forge.integrations;

import dev.forge.Limits;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An integration: what the system administrator installs once and tenants enable.
 *
 * <pre>{@code
 * Integration crm = Integration.builder()
 *         .name("Our CRM System")
 *         .identifier("ourcrmsys")
 *         .backend("function oncdr(data) { ... }")
 *         .tenant(new FrontEnd(html, css, js))
 *         .build();
 * }</pre>
 *
 * <p>The {@code identifier} names the integration in URLs ({@code /integrations/<identifier>/...}), in the
 * settings it keeps and in the page: lower-case ASCII letters and digits, starting with a letter, at most
 * {@link #MAX_IDENTIFIER_LENGTH} characters. The backend is JavaScript that defines any of the hooks
 * {@code ongroup(data)}, {@code onagent(data)}, {@code oncdr(data)} and {@code onhttp(data, callback)} as
 * global functions; it runs in its own isolate with {@code limits} (or the host's defaults when null), where
 * the time limit applies to each synchronous stretch of a hook.
 *
 * <p>Thread-safety: immutable.
 *
 * @since 0.1.0
 */
public final class Integration {

    public static final int MAX_IDENTIFIER_LENGTH = 32;
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9]*");

    private final String name;
    private final String identifier;
    private final String backend;
    private final FrontEnd tenant;
    private final FrontEnd user;
    private final Limits limits;

    private Integration(Builder b) {
        this.name = b.name;
        this.identifier = b.identifier;
        this.backend = b.backend;
        this.tenant = b.tenant;
        this.user = b.user;
        this.limits = b.limits;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks an identifier.
     *
     * @return the identifier
     * @throws IllegalArgumentException naming the field and the value, and saying what is allowed
     */
    public static String checkIdentifier(String identifier) {
        if (identifier == null || identifier.isEmpty()) {
            throw new IllegalArgumentException("identifier: required; use lower-case letters and digits, e.g. ourcrmsys");
        }
        if (identifier.length() > MAX_IDENTIFIER_LENGTH) {
            throw new IllegalArgumentException("identifier: '" + identifier + "' is longer than "
                    + MAX_IDENTIFIER_LENGTH + " characters");
        }
        if (!IDENTIFIER.matcher(identifier).matches()) {
            throw new IllegalArgumentException("identifier: '" + identifier + "' is not lower-case alphanumeric; use "
                    + "lower-case letters a-z and digits, starting with a letter, e.g. ourcrmsys");
        }
        return identifier;
    }

    /** The display name, e.g. {@code Our CRM System}. */
    public String name() {
        return name;
    }

    /** The identifier, e.g. {@code ourcrmsys}. */
    public String identifier() {
        return identifier;
    }

    /** The backend's JavaScript source. */
    public String backend() {
        return backend;
    }

    /** The tenant administrator's front end. */
    public FrontEnd tenant() {
        return tenant;
    }

    /** The user's front end. */
    public FrontEnd user() {
        return user;
    }

    /** The backend's own limits, or {@code null} for the host's defaults. */
    public Limits limits() {
        return limits;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.identifier = identifier;
        b.backend = backend;
        b.tenant = tenant;
        b.user = user;
        b.limits = limits;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Integration i && name.equals(i.name) && identifier.equals(i.identifier)
                && backend.equals(i.backend) && tenant.equals(i.tenant) && user.equals(i.user)
                && Objects.equals(limits, i.limits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, identifier, backend, tenant, user, limits);
    }

    @Override
    public String toString() {
        return "Integration[" + identifier + " '" + name + "']";
    }

    /** Builds an {@link Integration}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private String name;
        private String identifier;
        private String backend = "";
        private FrontEnd tenant = FrontEnd.NONE;
        private FrontEnd user = FrontEnd.NONE;
        private Limits limits;

        private Builder() {
        }

        /** The display name; required. */
        public Builder name(String value) {
            this.name = value;
            return this;
        }

        /** The identifier; required, see {@link Integration#checkIdentifier}. */
        public Builder identifier(String value) {
            this.identifier = value;
            return this;
        }

        /** The backend's JavaScript; empty (the default) for an integration with front ends only. */
        public Builder backend(String source) {
            this.backend = Objects.requireNonNull(source, "backend");
            return this;
        }

        public Builder tenant(FrontEnd value) {
            this.tenant = Objects.requireNonNull(value, "tenant");
            return this;
        }

        public Builder user(FrontEnd value) {
            this.user = Objects.requireNonNull(value, "user");
            return this;
        }

        /** The backend's limits; {@code null} (the default) for the host's. */
        public Builder limits(Limits value) {
            this.limits = value;
            return this;
        }

        /** @throws IllegalArgumentException naming the field that is missing or wrong */
        public Integration build() {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name: required; give a display name, e.g. \"Our CRM System\""
                        + (identifier == null ? "" : " (integration '" + identifier + "')"));
            }
            checkIdentifier(identifier);
            return new Integration(this);
        }
    }
}
