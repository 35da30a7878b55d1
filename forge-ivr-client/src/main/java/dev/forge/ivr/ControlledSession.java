package dev.forge.ivr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link IvrSession} of an {@link IvrController}: a {@link ControlSession} driven by the socket. All state is
 * confined to the session's {@link SerialExecutor}: public methods queue a task there, frames from the socket
 * are queued there in wire order, and replies complete there (the client completes them on the executor it is
 * given), so a reply and the events around it are seen in the order they arrived.
 */
final class ControlledSession implements IvrSession {
    private static final Logger LOG = LoggerFactory.getLogger(ControlledSession.class);

    private final IvrController controller;
    private final IvrClient client;
    private final ControlOptions options;
    private final ApiEvent start;
    private final SerialExecutor serial;
    /**
     * Where apply replies are handled: at once on the thread that read them when the session is idle, in order
     * with the session's events (which the control layer also hands over on that thread); see
     * {@link SerialExecutor#executeHere}.
     */
    private final Executor replies;
    private final ControlSession machine;
    private final CompletableFuture<StopReason> ended = new CompletableFuture<>();
    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();

    // confined to serial
    private final ArrayDeque<Op> queue = new ArrayDeque<>();
    private Op running;
    private final ArrayDeque<DtmfEvent> digits = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<DtmfEvent>> digitWaiters = new ArrayDeque<>();
    private final List<CompletableFuture<Void>> deferredAborts = new ArrayList<>();
    private int digitCount;
    private long lastDigitNanos;
    private boolean handedOver;

    // snapshots for other threads
    private volatile ControlSession.State state;
    private volatile String sipState;
    private volatile boolean visible;
    private volatile int reaccepts;

    /** One apply, from the call to its result. */
    private static final class Op {
        final Component component;
        final CompletableFuture<ComponentResult> stage;
        final List<CompletableFuture<Boolean>> terminateWaiters = new ArrayList<>();
        long oId = -1;
        Component sentAs;
        boolean confirmed;
        /** The apply's answer was lost (drop) or late (timeout): it may or may not be running. */
        IvrException unconfirmed;
        boolean terminateWanted;
        boolean terminateInFlight;
        ScheduledFuture<?> grace;
        /** It was running when the socket dropped and its stop has not been seen: settle it after the reaccept. */
        boolean unsettled;
        /** The terminate in flight is the settle probe. */
        boolean probing;
        /** The probe's answer was ok: it was still running and the probe stopped it. */
        boolean interrupted;
        /** A stop event that came while the probe was in flight: the probe's answer says which ending it is. */
        IvrEvent.ComponentStopped heldStop;
        ScheduledFuture<?> settle;

        Op(Component component, CompletableFuture<ComponentResult> stage) {
            this.component = component;
            this.stage = stage;
        }
    }

    ControlledSession(IvrController controller, IvrClient client, ApiEvent start, SerialExecutor serial) {
        this.controller = controller;
        this.client = client;
        this.options = controller.options();
        this.start = start;
        this.serial = serial;
        this.replies = serial::executeHere;
        this.machine = ControlSession.offered(start, client::nextQid);
        mirror();
    }

    // ---- identity

    @Override
    public String key() {
        return start.key();
    }

    @Override
    public String ivrid() {
        return start.ivrid();
    }

    @Override
    public String callid() {
        return start.callid();
    }

    @Override
    public ApiEvent start() {
        return start;
    }

    @Override
    public String sipState() {
        return sipState;
    }

    @Override
    public ControlSession.State state() {
        return state;
    }

    @Override
    public int reacceptCount() {
        return reaccepts;
    }

    /** True once handed to the handler (and until it ends). */
    boolean visible() {
        return visible;
    }

    private void mirror() {
        state = machine.state();
        sipState = machine.sipState();
    }

    // ---- taking control

    /** Sends the accept; called once, for a new api_start. */
    void offer() {
        serial.execute(this::sendAccept);
    }

    private void sendAccept() {
        if (machine.state() != ControlSession.State.OFFERED || !machine.isLinkUp()) {
            return; // ended already, or the link is down: linkUp() sends it
        }
        IvrRequest.SessionCommand accept = machine.accept();
        mirror();
        client.request(accept, serial).whenComplete((reply, error) -> onAcceptReply(error));
    }

    private void onAcceptReply(Throwable error) {
        if (machine.state() != ControlSession.State.ACCEPTING) {
            return; // api_stop or close came first
        }
        if (error == null) {
            machine.accepted(ControlSession.AcceptResult.OK);
            mirror();
            handOver();
            pump();
            return;
        }
        IvrException e = Await.translate(error, "ivrapi_accept");
        if (e instanceof IvrConnectionException) {
            LOG.debug("accept of {} lost with the socket; reaccepting after the reconnect", ivrid());
            return;
        }
        machine.accepted(ControlSession.AcceptResult.LOST);
        mirror();
        notTaken(e instanceof IvrTimeoutException ? AcceptLost.Reason.TIMED_OUT : AcceptLost.Reason.REFUSED, e,
                StopReason.LOST);
    }

    private void handOver() {
        handedOver = true;
        visible = true;
        lastDigitNanos = System.nanoTime();
        try {
            controller.handler().onSession(this);
        } catch (RuntimeException e) {
            LOG.warn("the ControlHandler failed on session {}", ivrid(), e);
        }
    }

    /** The controller did not get the session: tell the handler, forget it. */
    private void notTaken(AcceptLost.Reason reason, IvrException cause, StopReason stop) {
        machine.stopped(stop);
        mirror();
        controller.forget(this);
        ended.complete(stop);
        AcceptLost lost = new AcceptLost(start, reason, cause);
        LOG.debug("{}", lost.describe());
        try {
            controller.handler().onAcceptLost(lost);
        } catch (RuntimeException e) {
            LOG.warn("the ControlHandler failed on a lost session {}", ivrid(), e);
        }
    }

    // ---- components

    @Override
    public CompletionStage<ComponentResult> apply(Component component) {
        Objects.requireNonNull(component, "component");
        CompletableFuture<ComponentResult> stage = new CompletableFuture<>();
        Op op = new Op(component, stage);
        stage.whenComplete((r, e) -> {
            if (stage.isCancelled()) {
                serial.execute(() -> onCancelled(op));
            }
        });
        serial.executeHere(() -> enqueue(op));
        return stage;
    }

    private void enqueue(Op op) {
        if (op.stage.isDone()) {
            return;
        }
        if (ended.isDone()) {
            op.stage.completeExceptionally(endedError("before " + op.component.describe() + " was sent"));
            return;
        }
        ControlSession.State s = machine.state();
        if (s == ControlSession.State.ABORTED || s == ControlSession.State.LOST) {
            op.stage.completeExceptionally(new IvrStateException(applyOf(op), s, "this controller no longer has the"
                    + " session"));
            return;
        }
        if (options.overlap() == ControlOptions.Overlap.REFUSE && (running != null || !queue.isEmpty())) {
            op.stage.completeExceptionally(new IvrStateException(applyOf(op), s, "one component at a time: "
                    + (running != null ? running.component.describe() + " is still running"
                    : queue.peek().component.describe() + " is waiting to run")
                    + "; wait for its stage or terminate() it (ControlOptions.overlap is REFUSE)"));
            return;
        }
        queue.add(op);
        pump();
    }

    private static String applyOf(Op op) {
        return "apply(" + op.component.describe() + ")";
    }

    /** Sends the next queued component when none runs and the session is controlled on a live link. */
    private void pump() {
        while (running == null && !queue.isEmpty() && machine.isLinkUp()
                && machine.state() == ControlSession.State.CONTROLLED && deferredAborts.isEmpty()) {
            Op op = queue.poll();
            if (op.stage.isDone()) {
                continue;
            }
            long oId = controller.nextOId();
            IvrRequest.ComponentApply request;
            try {
                op.sentAs = machine.toSend(op.component);
                request = machine.apply(op.component, oId);
            } catch (IvrStateException e) {
                op.stage.completeExceptionally(e);
                continue;
            }
            mirror();
            op.oId = oId;
            running = op;
            controller.track(oId, this);
            client.request(request, replies).whenComplete((reply, error) -> onApplyReply(op, error));
        }
    }

    private void onApplyReply(Op op, Throwable error) {
        if (running != op) {
            return; // it stopped already (its event came first) or the session ended
        }
        if (error == null) {
            op.confirmed = true;
            if (op.terminateWanted) {
                sendTerminate(op);
            }
            return;
        }
        IvrException e = Await.translate(error, "ivrapi_component_apply");
        if (e instanceof IvrRequestException) {
            machine.applyRefused();
            mirror();
            finish(op);
            op.stage.completeExceptionally(e);
            pump();
            return;
        }
        // no answer: the platform may be running it; terminate it (now, or after the reaccept) to be sure
        op.unconfirmed = e;
        sendTerminate(op);
    }

    /** {@code ivrapi_component_stopped} for this session; {@code exact} when routed by its oId. */
    void onComponentStopped(IvrEvent.ComponentStopped event, boolean exact) {
        serial.executeHere(() -> {
            Op op = running;
            if (op == null || (exact && event.oId() != null && event.oId() != op.oId)) {
                LOG.debug("session {}: component_stopped (oId {}) for no running component; ignored", ivrid(),
                        event.oId());
                return;
            }
            if (op.probing) {
                op.heldStop = event; // it stopped by itself, or because of the probe: its answer tells
                return;
            }
            stopped(op, event, op.interrupted ? ComponentResult.Ending.INTERRUPTED : ComponentResult.Ending.STOPPED);
        });
    }

    /** The running {@code op} ended with its stop {@code event}. */
    private void stopped(Op op, IvrEvent.ComponentStopped event, ComponentResult.Ending ending) {
        machine.componentStopped();
        mirror();
        finish(op);
        op.stage.complete(resultOf(op, event, ending));
        pump();
    }

    private static ComponentResult resultOf(Op op, IvrEvent.ComponentStopped event, ComponentResult.Ending ending) {
        JsonNode r = event.results();
        ObjectNode results = r == null || r.isNull() ? null : r.isObject() ? (ObjectNode) r
                : JsonNodeFactory.instance.objectNode().set("value", r);
        return new ComponentResult(op.component, op.sentAs, op.oId, event.transferKey(), results, event.extra(),
                ending);
    }

    /** The running {@code op} ended and no stop event says how: {@code ending} says what Forge knows. */
    private void endedUnseen(Op op, ComponentResult.Ending ending) {
        machine.componentStopped();
        mirror();
        finish(op);
        op.stage.complete(new ComponentResult(op.component, op.sentAs, op.oId, null, null, Map.of(), ending));
        pump();
    }

    private void finish(Op op) {
        if (running == op) {
            running = null;
        }
        if (op.grace != null) {
            op.grace.cancel(false);
        }
        if (op.settle != null) {
            op.settle.cancel(false);
        }
        controller.untrack(op.oId);
        op.terminateWaiters.forEach(w -> w.complete(true));
        op.terminateWaiters.clear();
    }

    @Override
    public CompletionStage<Boolean> terminate() {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        serial.execute(() -> {
            if (ended.isDone()) {
                done.completeExceptionally(endedError("before terminate"));
                return;
            }
            Op op = running;
            if (op == null) {
                done.complete(false);
                return;
            }
            op.terminateWaiters.add(done);
            sendTerminate(op);
        });
        return done;
    }

    private void onCancelled(Op op) {
        if (queue.remove(op)) {
            return;
        }
        if (running == op) {
            sendTerminate(op);
        }
    }

    private void sendTerminate(Op op) {
        op.terminateWanted = true;
        terminateOnWire(op, false);
    }

    /** Sends {@code ivrapi_component_terminate} for {@code op} unless the link is down or one is on its way. */
    private boolean terminateOnWire(Op op, boolean probe) {
        if (!machine.isLinkUp() || op.terminateInFlight || ended.isDone()) {
            return false; // sent after the reaccept, or already on its way
        }
        IvrRequest.SessionCommand request;
        try {
            request = machine.terminate();
        } catch (IvrStateException e) {
            return false; // already sent on this link
        }
        op.terminateInFlight = true;
        op.probing = probe;
        client.request(request, serial).whenComplete((reply, error) -> onTerminateReply(op, probe, error));
        return true;
    }

    private void onTerminateReply(Op op, boolean probe, Throwable error) {
        op.terminateInFlight = false;
        op.probing = false;
        if (running != op) {
            return;
        }
        IvrException e = error == null ? null : Await.translate(error, "ivrapi_component_terminate");
        if (probe) {
            onProbeReply(op, e);
            return;
        }
        if (e instanceof IvrConnectionException) {
            return; // sent again after the reaccept
        }
        if (e instanceof IvrRequestException) {
            // the platform has nothing to terminate: it is not running. One whose apply was never confirmed and
            // that sent no stop event did not run at all, so a SIP response in it did not change the SIP state.
            componentGone(op, op.unconfirmed == null);
            return;
        }
        // answered (or no answer in time): give its stop event a moment, then count it stopped
        afterGrace(op, () -> componentGone(op, true));
    }

    /** Runs {@code gone} on the session's thread {@link ControlOptions#terminateGrace()} from now, if op still runs. */
    private void afterGrace(Op op, Runnable gone) {
        try {
            op.grace = client.timers().schedule(() -> serial.execute(() -> {
                if (running == op) {
                    gone.run();
                }
            }), options.terminateGrace().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            gone.run();
        }
    }

    // ---- settling a component across a disconnect

    /**
     * After a reaccept: {@code op} was running when the socket dropped and its stop has not been seen. A platform
     * that keeps a session's events sends it right after the reaccept's answer; one that drops them never does.
     * Give it {@link ControlOptions#settleAfterReaccept()}, then probe.
     */
    private void settle(Op op) {
        Duration wait = options.settleAfterReaccept();
        if (wait.isZero()) {
            probe(op);
            return;
        }
        try {
            op.settle = client.timers().schedule(() -> serial.execute(() -> {
                if (running == op) {
                    probe(op);
                }
            }), wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            probe(op); // the client is closing; the session ends CLOSED anyway
        }
    }

    /**
     * The probe is {@code ivrapi_component_terminate}, the one request whose answer tells whether a component
     * still runs: refused (nothing to terminate) when it had ended, answered ok when it ran and is now stopped.
     * Not sent when a terminate of yours is already wanted: its answer settles the component as well.
     */
    private void probe(Op op) {
        if (!op.unsettled || op.terminateWanted) {
            return;
        }
        if (terminateOnWire(op, true)) {
            LOG.debug("session {}: no stop for {} (oId {}) within {} after the reaccept; probing it with"
                    + " ivrapi_component_terminate", ivrid(), op.component.describe(), op.oId,
                    options.settleAfterReaccept());
        }
    }

    private void onProbeReply(Op op, IvrException e) {
        IvrEvent.ComponentStopped held = op.heldStop;
        op.heldStop = null;
        if (e instanceof IvrConnectionException) {
            if (held != null) {
                stopped(op, held, ComponentResult.Ending.STOPPED);
            }
            return; // dropped again: the next reaccept settles it again
        }
        op.unsettled = false;
        if (e == null) {
            // it was still running, and the probe stopped it: its stop event, if any, comes now
            op.interrupted = true;
            if (held != null) {
                stopped(op, held, ComponentResult.Ending.INTERRUPTED);
            } else {
                afterGrace(op, () -> endedUnseen(op, ComponentResult.Ending.INTERRUPTED));
            }
            return;
        }
        if (held != null) {
            stopped(op, held, ComponentResult.Ending.STOPPED); // it ended by itself just before the probe
            return;
        }
        // nothing to terminate (or no answer): it ended while the socket was down, and its stop was not kept
        LOG.debug("session {}: {} (oId {}) ended while the socket was down; its stop event was lost ({})", ivrid(),
                op.component.describe(), op.oId, e.getMessage());
        endedUnseen(op, ComponentResult.Ending.LOST);
    }

    /** The component stopped without a stop event: terminated ({@code ran}), or it never ran. */
    private void componentGone(Op op, boolean ran) {
        if (op.unconfirmed == null) {
            endedUnseen(op, ComponentResult.Ending.TERMINATED);
            return;
        }
        if (ran) {
            machine.componentStopped();
        } else {
            machine.applyRefused();
        }
        mirror();
        finish(op);
        String message = "The platform never confirmed " + op.component.describe() + " on session " + ivrid()
                + " (" + op.unconfirmed.getMessage() + "); Forge terminated it so that nothing runs unseen";
        op.stage.completeExceptionally(op.unconfirmed instanceof IvrTimeoutException
                ? new IvrTimeoutException(message) : new IvrConnectionException(message, op.unconfirmed));
        pump();
    }

    // ---- giving control back

    @Override
    public CompletionStage<Void> abort() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        serial.execute(() -> {
            if (ended.isDone()) {
                if (machine.stopReason() == StopReason.ABORT) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(endedError("before abort"));
                }
                return;
            }
            if (!machine.isLinkUp() && machine.owned()) {
                deferredAborts.add(done); // after the reaccept
                return;
            }
            sendAbort(List.of(done));
        });
        return done;
    }

    private void sendAbort(List<CompletableFuture<Void>> waiters) {
        IvrRequest.SessionCommand request;
        try {
            request = machine.abort();
        } catch (IvrStateException e) {
            waiters.forEach(w -> w.completeExceptionally(e));
            return;
        }
        mirror();
        IvrStateException handedBack = new IvrStateException("apply", ControlSession.State.ABORTED,
                "control was handed back with abort(); the IVR script goes on without this controller");
        failAll(handedBack);
        client.request(request, serial).whenComplete((reply, error) -> {
            end(StopReason.ABORT);
            for (CompletableFuture<Void> w : waiters) {
                if (error == null) {
                    w.complete(null);
                } else {
                    w.completeExceptionally(Await.translate(error, "ivrapi_abort"));
                }
            }
        });
    }

    private void failAll(IvrException error) {
        Op op = running;
        if (op != null) {
            finish(op);
            op.stage.completeExceptionally(error);
        }
        for (Op queued : queue) {
            queued.stage.completeExceptionally(error);
        }
        queue.clear();
    }

    // ---- the end

    /** api_stop for this session. */
    void onStop(ApiEvent stop) {
        serial.execute(() -> {
            StopReason reason = StopReason.fromWire(stop.reason());
            if (!handedOver) {
                if (!ended.isDone()) {
                    notTaken(AcceptLost.Reason.ENDED, null, reason);
                }
                return;
            }
            end(reason);
        });
    }

    private void end(StopReason reason) {
        if (ended.isDone()) {
            return;
        }
        machine.stopped(reason);
        mirror();
        Op op = running;
        if (op != null) {
            finish(op);
            if (op.heldStop != null) {
                op.stage.complete(resultOf(op, op.heldStop, ComponentResult.Ending.STOPPED)); // it did stop
            } else {
                op.stage.completeExceptionally(endedError("while " + op.component.describe() + " was running"));
            }
        }
        for (Op queued : queue) {
            queued.stage.completeExceptionally(endedError("before " + queued.component.describe() + " was sent"));
        }
        queue.clear();
        for (CompletableFuture<DtmfEvent> w : digitWaiters) {
            w.completeExceptionally(endedError("while waiting for a digit"));
        }
        digitWaiters.clear();
        for (CompletableFuture<Void> w : deferredAborts) {
            w.completeExceptionally(endedError("before abort was sent"));
        }
        deferredAborts.clear();
        controller.forget(this);
        visible = false;
        each(l -> l.onEnded(this, reason));
        ended.complete(reason);
    }

    private IvrSessionEndedException endedError(String when) {
        return new IvrSessionEndedException(ivrid(), machine.stopReason() == null ? StopReason.UNKNOWN
                : machine.stopReason(), when);
    }

    @Override
    public CompletionStage<StopReason> ended() {
        return ended.copy();
    }

    /** The client is closing. */
    void onClientClosed() {
        serial.execute(() -> {
            if (!handedOver) {
                if (!ended.isDone()) {
                    notTaken(AcceptLost.Reason.CLOSED, null, StopReason.CLOSED);
                }
                return;
            }
            end(StopReason.CLOSED);
        });
    }

    // ---- digits

    void onDtmf(IvrEvent.Dtmf event) {
        serial.executeHere(() -> {
            if (ended.isDone()) {
                return;
            }
            long now = System.nanoTime();
            DtmfEvent digit = new DtmfEvent(event.dtmf(), DtmfEvent.Mode.fromWire(event.mode()), event.oId(),
                    digitCount++, Instant.now(), Duration.ofNanos(now - lastDigitNanos));
            lastDigitNanos = now;
            each(l -> l.onDtmf(this, digit));
            for (CompletableFuture<DtmfEvent> w = digitWaiters.poll(); w != null; w = digitWaiters.poll()) {
                if (w.complete(digit)) {
                    return;
                }
            }
            digits.add(digit);
            if (digits.size() > options.dtmfBuffer()) {
                DtmfEvent dropped = digits.poll();
                LOG.debug("session {}: DTMF buffer full ({}), dropped digit #{}", ivrid(), options.dtmfBuffer(),
                        dropped.index());
            }
        });
    }

    @Override
    public CompletionStage<DtmfEvent> nextDtmf() {
        CompletableFuture<DtmfEvent> next = new CompletableFuture<>();
        next.whenComplete((d, e) -> {
            if (next.isCancelled()) {
                serial.execute(() -> digitWaiters.remove(next));
            }
        });
        serial.execute(() -> {
            DtmfEvent buffered = digits.poll();
            if (buffered != null) {
                next.complete(buffered);
            } else if (ended.isDone()) {
                next.completeExceptionally(endedError("while waiting for a digit"));
            } else if (!next.isDone()) {
                digitWaiters.add(next);
            }
        });
        return next;
    }

    @Override
    public void clearDtmf() {
        serial.execute(digits::clear);
    }

    @Override
    public void addListener(SessionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void each(Consumer<SessionListener> call) {
        for (SessionListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("a SessionListener failed on session {}", ivrid(), e);
            }
        }
    }

    // ---- the link

    void onLinkDown() {
        serial.execute(() -> {
            if (ended.isDone()) {
                return;
            }
            machine.linkDown();
            mirror();
            Op op = running;
            if (op != null) {
                // its stop may come while the socket is down, and a platform that does not keep events drops it
                op.unsettled |= op.confirmed;
                if (op.settle != null) {
                    op.settle.cancel(false);
                }
            }
            if (handedOver) {
                each(l -> l.onLinkDown(this));
            }
        });
    }

    void onLinkUp() {
        serial.execute(() -> {
            if (ended.isDone()) {
                return;
            }
            Optional<IvrRequest.SessionCommand> reaccept = machine.linkUp();
            mirror();
            if (reaccept.isEmpty()) {
                sendAccept(); // an offer whose accept was never sent
                return;
            }
            client.request(reaccept.get(), serial).whenComplete((reply, error) -> onReacceptReply(error));
        });
    }

    private void onReacceptReply(Throwable error) {
        if (ended.isDone()) {
            return;
        }
        IvrException e = error == null ? null : Await.translate(error, "ivrapi_reaccept");
        if (e instanceof IvrConnectionException) {
            return; // dropped again; the next reconnect reaccepts
        }
        if (e != null) {
            machine.reaccepted(ControlSession.AcceptResult.LOST);
            mirror();
            LOG.info("session {}: reaccept after the reconnect failed ({}); control is lost", ivrid(),
                    e.getMessage());
            if (!handedOver) {
                notTaken(e instanceof IvrTimeoutException ? AcceptLost.Reason.TIMED_OUT : AcceptLost.Reason.REFUSED,
                        e, StopReason.LOST);
            } else {
                failAll(new IvrStateException("apply", ControlSession.State.LOST, "after the reconnect the platform"
                        + " refused ivrapi_reaccept (" + e.getMessage() + "); another controller has the session"));
                end(StopReason.LOST);
            }
            return;
        }
        machine.reaccepted(ControlSession.AcceptResult.OK);
        mirror();
        if (!handedOver) {
            handOver();
        } else {
            reaccepts++;
            each(l -> l.onReaccepted(this));
        }
        if (!deferredAborts.isEmpty()) {
            List<CompletableFuture<Void>> waiters = List.copyOf(deferredAborts);
            deferredAborts.clear();
            sendAbort(waiters);
            return;
        }
        Op op = running;
        if (op != null && op.terminateWanted) {
            sendTerminate(op);
        } else if (op != null && op.unsettled) {
            settle(op);
        }
        pump();
    }

    // ---- files

    @Override
    public CompletionStage<String> fileLink(String path) {
        Objects.requireNonNull(path, "path");
        StoragePath.check("path", path);
        return fileRequest("ivrapi_file_get_path",
                qid -> new IvrRequest.FileGetPath(qid, key(), ivrid(), path, null));
    }

    @Override
    public CompletionStage<String> uploadTemp(String url) {
        Objects.requireNonNull(url, "url");
        return fileRequest("ivrapi_file_upload_temp",
                qid -> new IvrRequest.FileUploadTemp(qid, key(), ivrid(), url, null));
    }

    @Override
    public CompletionStage<String> uploadStatic(String url, String destpath) {
        Objects.requireNonNull(url, "url");
        StoragePath.check("destpath", destpath);
        return fileRequest("ivrapi_file_upload_static",
                qid -> new IvrRequest.FileUploadStatic(qid, key(), ivrid(), url, destpath, null));
    }

    private CompletionStage<String> fileRequest(String name, Function<Qid, IvrRequest> build) {
        CompletableFuture<String> result = new CompletableFuture<>();
        serial.execute(() -> {
            if (ended.isDone()) {
                result.completeExceptionally(endedError("before " + name));
            } else if (!machine.owned()) {
                result.completeExceptionally(new IvrStateException(name, machine.state(), "file requests need a"
                        + " session this controller owns"));
            } else if (!machine.isLinkUp()) {
                result.completeExceptionally(new IvrConnectionException("Cannot send " + name + " for session "
                        + ivrid() + ": the socket is down; try again after the reconnect", null));
            } else {
                client.request(build.apply(client.nextQid()), serial).whenComplete((reply, error) -> {
                    if (error == null) {
                        result.complete(reply.resultText());
                    } else {
                        result.completeExceptionally(Await.translate(error, name));
                    }
                });
            }
        });
        return result;
    }

    // ---- blocking facade

    @Override
    public ComponentResult applyAndWait(Component component, Duration timeout) {
        Await.notOnSessionThread("IvrSession.applyAndWait");
        return Await.await(apply(component), timeout, "result of " + component.describe() + " on session "
                + ivrid());
    }

    @Override
    public boolean terminateAndWait(Duration timeout) {
        Await.notOnSessionThread("IvrSession.terminateAndWait");
        return Await.await(terminate(), timeout, "end of the terminated component on session " + ivrid());
    }

    @Override
    public void abortAndWait(Duration timeout) {
        Await.notOnSessionThread("IvrSession.abortAndWait");
        Await.await(abort(), timeout, "answer to ivrapi_abort on session " + ivrid());
    }

    @Override
    public Optional<DtmfEvent> awaitDtmf(Duration timeout) {
        Await.notOnSessionThread("IvrSession.awaitDtmf");
        CompletableFuture<DtmfEvent> next = nextDtmf().toCompletableFuture();
        try {
            return Optional.of(Await.await(next, timeout, "digit on session " + ivrid()));
        } catch (IvrTimeoutException e) {
            // a digit that won the race with the timeout is not lost
            return next.isDone() && !next.isCancelled() && !next.isCompletedExceptionally()
                    ? Optional.of(next.join()) : Optional.empty();
        }
    }

    @Override
    public Optional<StopReason> awaitEnd(Duration timeout) {
        Await.notOnSessionThread("IvrSession.awaitEnd");
        try {
            return Optional.of(Await.await(ended(), timeout, "end of session " + ivrid()));
        } catch (IvrTimeoutException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "IvrSession[ivrid=" + ivrid() + ", key=" + key() + ", state=" + state + ", sip=" + sipState + "]";
    }
}
