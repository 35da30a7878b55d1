package dev.forge.integrations.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read as UTF-8, refused once it passes {@code limit} bytes (the download is cancelled), so
 * that a hook cannot make the host hold a flood in memory.
 *
 * <p>Thread-safety: driven by the HTTP client one signal at a time, as {@link Flow} requires.
 */
final class CappedText implements HttpResponse.BodySubscriber<String> {

    private final int limit;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    /** The failure of a body over the limit: not worth another attempt. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    /** Whether {@code error} is (or wraps) a body over the limit. */
    static boolean tooLarge(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof TooLarge) {
                return true;
            }
        }
        return false;
    }

    CappedText(int limit) {
        this.limit = limit;
    }

    @Override
    public CompletionStage<String> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            int n = buffer.remaining();
            if (received.size() + n > limit) {
                subscription.cancel();
                result.completeExceptionally(new TooLarge("the response is larger than " + limit
                        + " bytes, the host's limit (EgressPolicy.maxResponseBytes)"));
                return;
            }
            byte[] bytes = new byte[n];
            buffer.get(bytes);
            received.write(bytes, 0, n);
        }
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        result.complete(received.toString(StandardCharsets.UTF_8));
    }
}
