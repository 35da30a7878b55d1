package dev.forge.integrations;


import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** A CallControl for tests: keeps every request and numbers the calls. */
final class RecordingCallControl implements CallControl {

    record Started(String origin, CallRequest request, String id) {
    }

    record Ended(String origin, CallEnd end) {
    }

    final LinkedBlockingQueue<Started> started = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<Ended> ended = new LinkedBlockingQueue<>();
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public String startCall(String origin, CallRequest request) {
        String id = "call-" + next.incrementAndGet();
        started.add(new Started(origin, request, id));
        return id;
    }

    @Override
    public void endCall(String origin, CallEnd end) {
        ended.add(new Ended(origin, end));
    }
}
