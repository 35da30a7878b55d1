package dev.forge.testkit.integrations;

import dev.forge.integrations.CallControl;
import dev.forge.integrations.CallEnd;
import dev.forge.integrations.CallRequest;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A {@link CallControl} that places no calls: it numbers them ({@code call-1}, {@code call-2}, ...), keeps every
 * request for a test to take, and tells an optional listener (the CLI prints them).
 *
 * <p>Thread-safety: thread-safe.
 *
 * @since 0.1.0
 */
public final class FakeCallControl implements CallControl {

    /** A call an integration started. */
    public record Started(String id, String origin, CallRequest request) {
    }

    /** A call an integration ended. */
    public record Ended(String origin, CallEnd end) {
    }

    private final LinkedBlockingQueue<Started> started = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Ended> ended = new LinkedBlockingQueue<>();
    private final AtomicInteger next = new AtomicInteger();
    private final Consumer<Object> listener;

    public FakeCallControl() {
        this(x -> { });
    }

    /** @param listener told of each {@link Started} and {@link Ended}, on the script's thread: keep it short */
    public FakeCallControl(Consumer<Object> listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public String startCall(String origin, CallRequest request) {
        Started s = new Started("call-" + next.incrementAndGet(), origin, request);
        started.add(s);
        listener.accept(s);
        return s.id();
    }

    @Override
    public void endCall(String origin, CallEnd end) {
        Ended e = new Ended(origin, end);
        ended.add(e);
        listener.accept(e);
    }

    /** The next started call, or null if none comes within {@code timeout}. */
    public Started takeStarted(Duration timeout) throws InterruptedException {
        return started.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next ended call, or null if none comes within {@code timeout}. */
    public Ended takeEnded(Duration timeout) throws InterruptedException {
        return ended.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
