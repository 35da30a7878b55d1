package dev.forge;

import dev.forge.spi.ModuleRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The stock {@link ModuleRegistry}: a curated allowlist of npm modules shipped as dependencies (today
 * {@code moment}, from the {@code org.webjars.npm:moment} artifact), plus modules the host adds, for all
 * tenants or for one, from a string, a class path resource or a directory of {@code .js} files.
 *
 * <p>Node's built-in modules ({@code fs}, {@code child_process}, ...) are never served.
 *
 * <p>Thread-safety: immutable once built; sources are read once, on first use.
 *
 * @since 0.1.0
 */
public final class DefaultModuleRegistry implements ModuleRegistry {

    /** Every tenant: the key for modules added for all. */
    public static final String ALL_TENANTS = "*";

    private static final Pattern NAME = Pattern.compile("[a-z0-9@][a-z0-9._/-]*");

    private final Map<String, Map<String, Supplier<String>>> byTenant;
    private final Map<String, String> loaded = new ConcurrentHashMap<>();

    private DefaultModuleRegistry(Map<String, Map<String, Supplier<String>>> byTenant) {
        this.byTenant = byTenant;
    }

    /** The curated allowlist and nothing else. */
    public static DefaultModuleRegistry standard() {
        return builder().build();
    }

    /** A builder that starts from the curated allowlist. */
    public static Builder builder() {
        return new Builder().curated();
    }

    @Override
    public Optional<ModuleSource> find(String tenant, String name) {
        Supplier<String> source = lookup(tenant, name);
        if (source == null) {
            return Optional.empty();
        }
        String key = tenant + '\0' + name;
        return Optional.of(new ModuleSource(name, loaded.computeIfAbsent(key, k -> source.get())));
    }

    private Supplier<String> lookup(String tenant, String name) {
        Map<String, Supplier<String>> own = byTenant.get(tenant);
        if (own != null && own.containsKey(name)) {
            return own.get(name);
        }
        Map<String, Supplier<String>> all = byTenant.get(ALL_TENANTS);
        return all == null ? null : all.get(name);
    }

    @Override
    public SortedSet<String> names(String tenant) {
        SortedSet<String> names = new TreeSet<>();
        names.addAll(byTenant.getOrDefault(ALL_TENANTS, Map.of()).keySet());
        names.addAll(byTenant.getOrDefault(tenant, Map.of()).keySet());
        return names;
    }

    /** Builds a {@link DefaultModuleRegistry}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, Map<String, Supplier<String>>> byTenant = new HashMap<>();

        private Builder() {
        }

        private Builder curated() {
            put(ALL_TENANTS, "moment", () -> webjar("moment", "moment.js"));
            return this;
        }

        /** Starts over with no modules at all, not even the curated ones. */
        public Builder empty() {
            byTenant.clear();
            return this;
        }

        /** Adds a module from its source, for {@code tenant} (or {@link #ALL_TENANTS}). */
        public Builder add(String tenant, String name, String source) {
            Objects.requireNonNull(source, "source");
            return put(tenant, name, () -> source);
        }

        /** Adds a module from a class path resource. */
        public Builder addResource(String tenant, String name, String resource) {
            Objects.requireNonNull(resource, "resource");
            if (DefaultModuleRegistry.class.getClassLoader().getResource(resource) == null) {
                throw new IllegalArgumentException("resource: '" + resource + "' is not on the class path (module '" + name + "')");
            }
            return put(tenant, name, () -> resource(resource));
        }

        /** Adds every {@code NAME.js} file of {@code dir} as module {@code NAME}. */
        public Builder addDirectory(String tenant, Path dir) {
            Objects.requireNonNull(dir, "dir");
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("dir: '" + dir + "' is not a directory");
            }
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(f -> f.getFileName().toString().endsWith(".js")).forEach(f -> {
                    String file = f.getFileName().toString();
                    put(tenant, file.substring(0, file.length() - 3), () -> read(f));
                });
            } catch (IOException e) {
                throw new UncheckedIOException("dir: cannot list " + dir, e);
            }
            return this;
        }

        private Builder put(String tenant, String name, Supplier<String> source) {
            Objects.requireNonNull(tenant, "tenant");
            if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
                throw new IllegalArgumentException("name: '" + name + "' is not a module name (lower-case npm style, e.g. moment)");
            }
            byTenant.computeIfAbsent(tenant, t -> new HashMap<>()).put(name, source);
            return this;
        }

        public DefaultModuleRegistry build() {
            Map<String, Map<String, Supplier<String>>> copy = new HashMap<>();
            byTenant.forEach((t, m) -> copy.put(t, Map.copyOf(m)));
            return new DefaultModuleRegistry(Map.copyOf(copy));
        }
    }

    private static String webjar(String artifact, String file) {
        String props = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        Properties p = new Properties();
        try (InputStream in = DefaultModuleRegistry.class.getClassLoader().getResourceAsStream(props)) {
            if (in == null) {
                throw new IllegalStateException("module '" + artifact + "' is on the allowlist but org.webjars.npm:"
                        + artifact + " is not on the class path");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return resource("META-INF/resources/webjars/" + artifact + "/" + p.getProperty("version") + "/" + file);
    }

    private static String resource(String path) {
        try (InputStream in = DefaultModuleRegistry.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("module resource '" + path + "' is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read module " + file, e);
        }
    }
}
