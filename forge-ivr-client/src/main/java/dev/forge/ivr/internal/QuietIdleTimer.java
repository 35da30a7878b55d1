package dev.forge.ivr.internal;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.glassfish.tyrus.core.BaseContainer;

/**
 * Keeps Tyrus' session idle timer from costing a thread wake-up per frame. Tyrus re-arms a session's idle timer
 * on every frame sent or read; with no idle timeout (0, the default) it arms it with no delay, so each frame
 * wakes one of the container's timer threads for nothing: on a two-core machine, three wake-ups per component
 * apply competing with the threads that carry it. {@link #apply} gives the container's sessions an idle timeout
 * that never fires in practice, removes cancelled timers from the queue (else each frame would leave one there
 * for that long), and keeps a periodic no-op at the head of the queue, so that arming a timer never signals a
 * waiting thread. Not API: used by the ivrapi client and the test kit's loopback server.
 */
public final class QuietIdleTimer {
    /** Ten years: an idle timeout that never fires in practice. */
    private static final long NO_IDLE_TIMEOUT_MILLIS = TimeUnit.DAYS.toMillis(3650);

    private QuietIdleTimer() {
    }

    /**
     * Applies to the sessions {@code container} opens from now on.
     *
     * @return false when the container's timer is not the executor this was written for; then it is left as it is
     */
    public static boolean apply(BaseContainer container) {
        if (!(container.getScheduledExecutorService() instanceof ScheduledThreadPoolExecutor timers)) {
            return false;
        }
        timers.setRemoveOnCancelPolicy(true);
        timers.scheduleWithFixedDelay(() -> { }, 1, 1, TimeUnit.MINUTES);
        container.setDefaultMaxSessionIdleTimeout(NO_IDLE_TIMEOUT_MILLIS);
        return true;
    }
}
