package dev.forge.integrations.internal;

import dev.forge.integrations.IntegrationResponse;

import java.util.concurrent.CompletableFuture;

/**
 * What one hook invocation carries for the integrations bindings (its {@code Invocation} attachment): which
 * integration and hook it is, the event's tenant, and for {@code onhttp} the answer its callback completes.
 *
 * <p>Thread-safety: immutable; the answer is a thread-safe future.
 *
 * @param identifier the integration
 * @param hook       the hook, e.g. {@code oncdr}
 * @param domain     the tenant of the event, or null
 * @param answer     completed by {@code callback(...)} of {@code onhttp}; null for other hooks
 */
public record HookContext(String identifier, String hook, String domain, CompletableFuture<IntegrationResponse> answer) {
}
