package dev.forge.durable;

import dev.forge.Outcome;
import dev.forge.internal.TransportListeners;
import dev.forge.internal.TransportOutcomes;
import dev.forge.spi.InvocationMessage;
import dev.forge.spi.Transport;
import dev.forge.spi.TransportOptions;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded {@link Transport}: a queue in this JVM with the same delivery rules as the Redis one.
 *
 * <p>Each consumer has a platform thread that takes a message when one of its
 * {@link TransportOptions#maxInFlight()} slots is free; a slot frees when the handler's stage completes.
 * A timer re-queues a delivery not answered within the visibility timeout; a non-final outcome re-queues
 * at once. After {@link TransportOptions#maxAttempts()} deliveries the message becomes a dead letter,
 * kept in memory with its last outcome. A finished message (and its idempotency key) is remembered for
 * {@link #DEFAULT_RETENTION}, then forgotten so memory stays bounded.
 *
 * <p>Nothing survives the JVM: use the Redis transport for durability across nodes and restarts.
 *
 * <p>Thread-safety: thread-safe. Handlers run on the transport's platform threads.
 *
 * @since 0.1.0
 */
public final class InMemoryTransport implements Transport {

    /** How long a finished message's key and outcome are kept. */
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);

    /** The number of dead letters kept; the oldest go first. */
    public static final int MAX_DEAD_LETTERS = 10_000;

    private static final class Entry {
        final String id;
        final InvocationMessage message;
        final long submittedAt = System.nanoTime();
        final CompletableFuture<Outcome> result = new CompletableFuture<>();
        int attempts;
        Outcome last;
        boolean done;
        boolean queued;

        Entry(String id, InvocationMessage message) {
            this.id = id;
            this.message = message;
        }
    }

    private final TransportOptions options;
    private final Duration retention;
    private final Object lock = new Object();
    private final Map<String, Entry> byKey = new HashMap<>();
    private final ArrayDeque<Entry> ready = new ArrayDeque<>();
    private final ArrayDeque<DeadLetter> dead = new ArrayDeque<>();
    private final List<Consumer> consumers = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final ScheduledExecutorService timer;
    private final ExecutorService handlers;
    private final TransportListeners listeners = new TransportListeners();
    private boolean closed;

    public InMemoryTransport() {
        this(TransportOptions.DEFAULT);
    }

    public InMemoryTransport(TransportOptions options) {
        this(options, DEFAULT_RETENTION);
    }

    /** With how long finished keys are remembered. */
    public InMemoryTransport(TransportOptions options, Duration retention) {
        this.options = Objects.requireNonNull(options, "options");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.timer = Executors.newSingleThreadScheduledExecutor(platform("forge-transport-timer"));
        this.handlers = Executors.newCachedThreadPool(platform("forge-transport-handler"));
    }

    @Override
    public CompletionStage<String> submit(InvocationMessage message) {
        return CompletableFuture.completedFuture(enqueue(message).id);
    }

    @Override
    public CompletionStage<Outcome> request(InvocationMessage message) {
        return enqueue(message).result.thenApply(o -> o);
    }

    private Entry enqueue(InvocationMessage message) {
        Objects.requireNonNull(message, "message");
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("transport: closed; submit before close()");
            }
            Entry existing = byKey.get(message.idempotencyKey());
            if (existing != null) {
                return existing;
            }
            Entry e = new Entry("mem-" + ids.incrementAndGet(), message);
            byKey.put(message.idempotencyKey(), e);
            e.queued = true;
            ready.addLast(e);
            lock.notifyAll();
            return e;
        }
    }

    @Override
    public AutoCloseable consume(String node, Handler handler) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(handler, "handler");
        Consumer c = new Consumer(node, handler);
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("transport: closed; consume before close()");
            }
            consumers.add(c);
        }
        c.thread.start();
        return c;
    }

    @Override
    public CompletionStage<List<DeadLetter>> deadLetters(int max) {
        synchronized (lock) {
            return CompletableFuture.completedFuture(dead.stream().limit(Math.max(0, max)).toList());
        }
    }

    @Override
    public AutoCloseable addListener(Listener listener) {
        return listeners.add(listener);
    }

    /**
     * Called with the lock held: the delivery is over or never answered; decide what happens next.
     *
     * @return the dead letter it made, for the listeners (told once the lock is released), or null
     */
    private DeadLetter settle(Entry e, int attempt, Outcome outcome) {
        if (e.done) {
            return null;
        }
        if (outcome != null && TransportOutcomes.isFinal(outcome)) {
            finish(e, outcome);
            return null;
        }
        if (attempt != e.attempts || e.queued) {
            return null; // a stale delivery: a newer one decides
        }
        if (outcome != null) {
            e.last = outcome;
        }
        if (e.attempts >= options.maxAttempts()) {
            if (dead.size() >= MAX_DEAD_LETTERS) {
                dead.removeFirst();
            }
            DeadLetter letter = new DeadLetter(e.id, e.message, e.attempts, e.last);
            dead.addLast(letter);
            finish(e, e.last != null ? e.last
                    : TransportOutcomes.noAnswer(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - e.submittedAt)));
            return letter;
        }
        e.queued = true;
        ready.addLast(e);
        lock.notifyAll();
        return null;
    }

    private void tell(DeadLetter letter) {
        if (letter != null) {
            listeners.deadLettered(letter);
        }
    }

    private void finish(Entry e, Outcome outcome) {
        e.done = true;
        e.result.complete(outcome);
        if (!closed) {
            timer.schedule(() -> forget(e), retention.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void forget(Entry e) {
        synchronized (lock) {
            byKey.remove(e.message.idempotencyKey(), e);
        }
    }

    @Override
    public void close() {
        List<Consumer> all;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(consumers);
            lock.notifyAll();
        }
        all.forEach(Consumer::close);
        timer.shutdownNow();
        handlers.shutdownNow();
    }

    /** One node's loop: waits for a free slot and a message, then hands it to the handler. */
    private final class Consumer implements AutoCloseable {
        final String node;
        final Handler handler;
        final Thread thread;
        int inFlight;
        boolean stopped;

        Consumer(String node, Handler handler) {
            this.node = node;
            this.handler = handler;
            this.thread = platform("forge-transport-" + node).newThread(this::loop);
        }

        private void loop() {
            while (true) {
                Entry e;
                int attempt;
                synchronized (lock) {
                    while (!stopped && !closed && (inFlight >= options.maxInFlight() || ready.isEmpty())) {
                        try {
                            lock.wait();
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                    if (stopped || closed) {
                        return;
                    }
                    e = ready.removeFirst();
                    e.queued = false;
                    if (e.done) {
                        continue;
                    }
                    attempt = ++e.attempts;
                    inFlight++;
                }
                deliver(e, attempt);
            }
        }

        private void deliver(Entry e, int attempt) {
            timer.schedule(() -> {
                DeadLetter letter;
                synchronized (lock) {
                    letter = settle(e, attempt, null);
                }
                tell(letter);
            }, options.visibilityTimeout().toMillis(), TimeUnit.MILLISECONDS);
            Delivery d = new Delivery(e.id, e.message, attempt);
            listeners.delivered(d, System.nanoTime() - e.submittedAt);
            try {
                handlers.execute(() -> TransportOutcomes.handle(handler, d, o -> answered(e, attempt, o)));
            } catch (RuntimeException rejected) {
                // the transport is closing: the message is lost with the JVM's memory anyway
                answered(e, attempt, null);
            }
        }

        private void answered(Entry e, int attempt, Outcome outcome) {
            DeadLetter letter = null;
            synchronized (lock) {
                inFlight--;
                if (outcome != null) {
                    letter = settle(e, attempt, outcome);
                }
                lock.notifyAll();
            }
            tell(letter);
        }

        @Override
        public void close() {
            synchronized (lock) {
                stopped = true;
                consumers.remove(this);
                lock.notifyAll();
            }
        }

        @Override
        public String toString() {
            return "consumer " + node;
        }
    }

    private static ThreadFactory platform(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
