package dev.forge.integrations;

import java.util.concurrent.CompletableFuture;

/**
 * Something that answers {@link WebRequest}s: {@link IntegrationHttp}, or a host's own handler that adds routes
 * in front of it. {@link IntegrationHttpServer} serves any.
 *
 * <p>Thread-safety: implementations must be thread-safe and must not block in {@link #handle}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface WebHandler {

    /** Answers one request; the future should not fail (answer 500 instead). */
    CompletableFuture<WebResponse> handle(WebRequest request);
}
