package dev.forge.integrations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.forge.integrations.internal.EventJson;
import dev.forge.integrations.internal.SaveSplit;
import dev.forge.integrations.internal.SecretBox;
import dev.forge.spi.Datastore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.SecretKey;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The settings of integrations, per tenant and per user: what the front ends save and the backends read with
 * {@code loadIntr} and write with {@code saveIntr}.
 *
 * <p>Each integration keeps, for a tenant ({@code user} empty) and for each of its users, a public object and
 * a private part. They are stored apart on the {@link Datastore} SPI, in the tenant's namespace:
 * <ul>
 *   <li>{@code intr:<identifier>:public:tenant} or {@code intr:<identifier>:public:user:<user>}: the public
 *       object, as JSON;</li>
 *   <li>{@code intr:<identifier>:secret:tenant} or {@code ...:secret:user:<user>}: the private part, sealed
 *       with AES-GCM under the host's key (see {@link IntegrationHost.Builder#secretKey}), as a JSON string
 *       {@code "v1:..."}. The plain text is never stored, logged, or given to a front end.</li>
 * </ul>
 * An entry {@code name} is a field of the object; the empty name stands for the whole object (or the whole
 * private part when {@code save} gave a single value, such as a password string).
 *
 * <p>Writes to one place are applied one after the other (in this JVM), so concurrent {@code saveIntr}s of
 * different names do not lose each other.
 *
 * <p>Thread-safety: thread-safe; every operation is asynchronous and never blocks.
 *
 * @since 0.1.0
 */
public final class IntegrationSettings {

    private static final Logger LOG = LoggerFactory.getLogger(IntegrationSettings.class);

    private final Datastore datastore;
    private final SecretBox box;
    private final ConcurrentHashMap<String, CompletableFuture<?>> writes = new ConcurrentHashMap<>();

    /**
     * @param datastore where the settings live (the host's; Forge never closes it)
     * @param secretKey the AES key (128, 192 or 256 bits) that seals the secrets
     */
    public IntegrationSettings(Datastore datastore, SecretKey secretKey) {
        this.datastore = Objects.requireNonNull(datastore, "datastore");
        this.box = new SecretBox(secretKey);
    }

    /** The public object (an empty one when nothing was saved): what a front end's {@code load} gets. */
    public CompletionStage<ObjectNode> loadPublic(String identifier, String domain, String user) {
        Place p = new Place(identifier, domain, user, false);
        return read(p).thenApply(v -> v != null && v.isObject() ? (ObjectNode) v : EventJson.MAPPER.createObjectNode());
    }

    /** The private part, opened; empty when none was saved. */
    public CompletionStage<Optional<JsonNode>> loadSecret(String identifier, String domain, String user) {
        return read(new Place(identifier, domain, user, true)).thenApply(Optional::ofNullable);
    }

    /**
     * One entry: {@code loadIntr(domain, user, name, secret)}.
     *
     * @param name the field, or empty for the whole object or private part
     * @return the value, or empty when there is none
     */
    public CompletionStage<Optional<JsonNode>> get(String identifier, String domain, String user, String name,
                                                   boolean secret) {
        Place p = new Place(identifier, domain, user, secret);
        return read(p).thenApply(v -> {
            if (v == null) {
                return name == null || name.isEmpty() ? (secret ? Optional.empty()
                        : Optional.of(EventJson.MAPPER.createObjectNode())) : Optional.empty();
            }
            if (name == null || name.isEmpty()) {
                return Optional.of(v);
            }
            return v.isObject() ? Optional.ofNullable(v.get(name)) : Optional.empty();
        });
    }

    /**
     * Sets one entry: {@code saveIntr(domain, user, name, value, secret)}. A null value removes the entry;
     * the empty name replaces the whole object or private part.
     */
    public CompletionStage<Void> set(String identifier, String domain, String user, String name, JsonNode value,
                                     boolean secret) {
        Place p = new Place(identifier, domain, user, secret);
        return update(p, old -> {
            if (name == null || name.isEmpty()) {
                if (!secret && value != null && !value.isObject()) {
                    throw new IllegalArgumentException("value: the public settings are an object; give a name, or "
                            + "an object as the whole value");
                }
                return value == null || value.isNull() ? (secret ? null : EventJson.MAPPER.createObjectNode()) : value;
            }
            ObjectNode next = old != null && old.isObject() ? ((ObjectNode) old).deepCopy()
                    : EventJson.MAPPER.createObjectNode();
            if (value == null || value.isNull() || value.isMissingNode()) {
                next.remove(name);
            } else {
                next.set(name, value);
            }
            return next;
        }).thenRun(() -> LOG.debug("{}: {} entry '{}' set for {} {}", identifier, secret ? "secret" : "public", name,
                p.domain, p.who()));
    }

    /**
     * Stores what a front end's {@code save(form)} returned: {@code [public, private]} or just the public
     * object. The public object replaces the stored one; a private part left empty (absent, {@code ""}, or an
     * object whose entries are empty) keeps the stored secret, entry by entry.
     *
     * @throws IllegalArgumentException (in the stage) if the public part is not an object
     */
    public CompletionStage<Void> save(String identifier, String domain, String user, JsonNode saved) {
        SaveSplit.Parts parts;
        Place pub;
        Place pri;
        try {
            parts = SaveSplit.split(saved);
            pub = new Place(identifier, domain, user, false);
            pri = new Place(identifier, domain, user, true);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletionStage<Void> first = update(pub, old -> parts.publicData());
        CompletionStage<Void> second = SaveSplit.isEmpty(parts.privateData()) ? first
                : first.thenCompose(v -> update(pri, old -> {
                    JsonNode merged = SaveSplit.mergeSecret(old, parts.privateData());
                    return merged == null ? old : merged;
                }));
        return second.thenRun(() -> LOG.debug("{}: settings saved for {} {}: public fields {}, secret {}", identifier,
                pub.domain, pub.who(), fieldNames(parts.publicData()),
                SaveSplit.isEmpty(parts.privateData()) ? "kept" : "updated"));
    }

    // ---- storage -----------------------------------------------------------------------------------------

    private CompletionStage<JsonNode> read(Place p) {
        return datastore.get(p.domain, p.key).thenApply(stored -> stored.map(json -> decode(p, json)).orElse(null));
    }

    /** Read, change and write one place, after every earlier write to it. */
    private CompletionStage<Void> update(Place p, Function<JsonNode, JsonNode> change) {
        String lockKey = p.domain + '\n' + p.key;
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<?> before = writes.put(lockKey, mine);
        CompletableFuture<?> start = before == null ? CompletableFuture.completedFuture(null) : before;
        start.handle((x, e) -> null)
                .thenCompose(x -> read(p))
                .thenCompose(old -> {
                    JsonNode next = change.apply(old);
                    if (next == old) {
                        return CompletableFuture.completedFuture(null);
                    }
                    return datastore.set(p.domain, p.key, encode(p, next), null);
                })
                .whenComplete((v, e) -> {
                    writes.remove(lockKey, mine);
                    if (e != null) {
                        mine.completeExceptionally(e instanceof java.util.concurrent.CompletionException
                                && e.getCause() != null ? e.getCause() : e);
                    } else {
                        mine.complete(null);
                    }
                });
        return mine;
    }

    private String encode(Place p, JsonNode value) {
        if (!p.secret) {
            return EventJson.write(value);
        }
        if (value == null) {
            return EventJson.write(TextNode.valueOf(""));
        }
        return EventJson.write(TextNode.valueOf(box.seal(p.aad(), EventJson.write(value))));
    }

    private JsonNode decode(Place p, String json) {
        try {
            JsonNode stored = EventJson.MAPPER.readTree(json);
            if (!p.secret) {
                return stored;
            }
            if (stored == null || !stored.isTextual() || stored.asText().isEmpty()) {
                return null;
            }
            return EventJson.MAPPER.readTree(box.open(p.aad(), stored.asText()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the " + (p.secret ? "secret" : "public") + " settings of integration '"
                    + p.identifier + "' for " + p.domain + " " + p.who() + " are not JSON");
        }
    }

    private static String fieldNames(ObjectNode node) {
        StringBuilder b = new StringBuilder("[");
        node.fieldNames().forEachRemaining(n -> b.append(b.length() > 1 ? ", " : "").append(n));
        return b.append(']').toString();
    }

    /** Where one public object or private part lives. */
    private static final class Place {
        final String identifier;
        final String domain;
        final String user;
        final boolean secret;
        final String key;

        Place(String identifier, String domain, String user, boolean secret) {
            this.identifier = Integration.checkIdentifier(identifier);
            if (domain == null || domain.isBlank()) {
                throw new IllegalArgumentException("domain: required; name the tenant, e.g. tenant1.pbx.com");
            }
            this.domain = domain;
            this.user = user == null ? "" : user;
            this.secret = secret;
            this.key = "intr:" + identifier + (secret ? ":secret:" : ":public:")
                    + (this.user.isEmpty() ? "tenant" : "user:" + this.user);
        }

        String who() {
            return user.isEmpty() ? "(tenant)" : "user " + user;
        }

        /** Binds a sealed value to its tenant and key. */
        String aad() {
            return "forge-intr\n" + domain + '\n' + key;
        }
    }
}
