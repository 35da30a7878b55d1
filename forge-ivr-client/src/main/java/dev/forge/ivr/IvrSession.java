package dev.forge.ivr;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * One IVR dialog this controller has taken ({@code ivrapi_accept} answered ok), handed to
 * {@link ControlHandler#onSession}. Apply components, hear digits, give control back, learn how it ended.
 *
 * <pre>{@code
 * session.apply(Component.playback(":GS_PUB/prompts/menu.wav"))
 *        .thenCompose(played -> session.nextDtmf())
 *        .thenCompose(digit -> session.apply(digit.digit().equals("1")
 *                ? Component.transfer("100") : Component.hangup()));
 * }</pre>
 *
 * <h2>Components</h2>
 * {@link #apply} sends {@code ivrapi_component_apply} with a fresh {@code oId} and completes with the component's
 * {@code ivrapi_component_stopped} ({@link ComponentResult}). One component runs at a time: a second apply waits
 * in a queue until the first stops ({@link ControlOptions.Overlap#QUEUE}, the default) or fails at once
 * ({@link ControlOptions.Overlap#REFUSE}). The SIP state rules of {@link ControlSession} are checked when a
 * component is about to be sent; a breach fails its stage with {@link IvrStateException}, a platform refusal with
 * {@link IvrRequestException}. Cancelling an apply's stage removes it from the queue, or, when it was sent,
 * sends {@code ivrapi_component_terminate}: cancellation reaches the wire.
 *
 * <h2>Digits</h2>
 * Every {@code ivrapi_dtmf} for the session (idle or component mode) goes to the {@link SessionListener}s and
 * into a buffer that {@link #nextDtmf()} reads in order, with the client's timing ({@link DtmfEvent#gap()}).
 *
 * <h2>End</h2>
 * {@link #ended()} completes with the api_stop reason, or with {@link StopReason#ABORT} once this controller's
 * {@link #abort()} is answered, {@link StopReason#LOST} when a reaccept after a reconnect is refused,
 * {@link StopReason#CLOSED} when the client closes. From then on nothing is sent for the session: pending and
 * later operations fail with {@link IvrSessionEndedException}.
 *
 * <h2>Reconnects</h2>
 * When the socket drops, the session's requests wait; after the reconnect the controller reaccepts the
 * session. An apply whose answer was lost with the socket is terminated after the reaccept, so that nothing runs
 * unseen. A component that was running keeps its stage, which is settled within a bounded time: a stop event the
 * platform kept for the reaccept completes it as usual; when none came within
 * {@link ControlOptions#settleAfterReaccept()}, the controller probes the component with
 * {@code ivrapi_component_terminate}. Refused (nothing to terminate), it had ended while the socket was down and
 * its stop was lost: the stage completes with {@link ComponentResult.Ending#LOST}. Answered, it was still running
 * and the probe stopped it: the stage completes with {@link ComponentResult.Ending#INTERRUPTED}, and applying it
 * again (as {@link IvrVoiceChannel} does for a prompt) is up to you.
 *
 * <p>Blocking methods ({@code *AndWait}, {@code await*}) wait at most their timeout, cancel what they waited for
 * when it runs out, keep the interrupt flag, and refuse to run on a session thread (in a handler or listener),
 * where they would wait for themselves.
 *
 * <p>Thread-safety: thread-safe; call from any thread. Each session does its work in order, one task at a time:
 * on the calling thread or the socket's receive thread when it is idle (no hand-off on the hot path), else on a
 * pool thread. Stages may therefore complete on the receive thread: their continuations must not block.
 *
 * @since 0.1.0
 */
public interface IvrSession {

    /** The {@code key} of the api_start (the component 224's key). */
    String key();

    /** The runtime dialog id, {@code ivrid}. */
    String ivrid();

    /** The SIP Call-ID from api_start, or null. */
    String callid();

    /** The api_start event, with {@code params}, {@code componentid} and the rest. */
    ApiEvent start();

    /** The SIP state as far as this session knows: api_start's {@code state}, then moved by SIP responses. */
    String sipState();

    /** The protocol state now (a snapshot). */
    ControlSession.State state();

    /** How many times the session was reaccepted after a reconnect. */
    int reacceptCount();

    /** Runs {@code component}; see the class comment. */
    CompletionStage<ComponentResult> apply(Component component);

    /**
     * Stops the running component ({@code ivrapi_component_terminate}). Completes with true once it has stopped
     * (its stop event, or {@link ControlOptions#terminateGrace()} after the answer), at once with false when
     * none runs. Queued components are not affected; they start after it.
     */
    CompletionStage<Boolean> terminate();

    /**
     * Hands control back ({@code ivrapi_abort}); the IVR script goes on with its next component. Queued and
     * running applies fail with {@link IvrStateException}; the session ends with {@link StopReason#ABORT}.
     */
    CompletionStage<Void> abort();

    /** The next digit: the oldest buffered one, or the next to arrive. Cancelling it sends nothing. */
    CompletionStage<DtmfEvent> nextDtmf();

    /** Drops the digits buffered so far (e.g. before a prompt whose answer must be fresh). */
    void clearDtmf();

    void addListener(SessionListener listener);

    /** Completes when the session ends; each call returns a new stage, so cancelling one affects nothing. */
    CompletionStage<StopReason> ended();

    /** {@code ivrapi_file_get_path}: a public link (valid about 5 minutes) to a file the script made. */
    CompletionStage<String> fileLink(String path);

    /** {@code ivrapi_file_upload_temp}: the platform fetches {@code url} into the script's temp folder; its path. */
    CompletionStage<String> uploadTemp(String url);

    /** {@code ivrapi_file_upload_static}: the platform fetches {@code url} into {@code destpath}; the file's path. */
    CompletionStage<String> uploadStatic(String url, String destpath);

    // ---- blocking facade

    /** {@link #apply}, waiting at most {@code timeout}; on timeout the component is terminated. */
    ComponentResult applyAndWait(Component component, Duration timeout);

    /** {@link #terminate}, waiting at most {@code timeout}. */
    boolean terminateAndWait(Duration timeout);

    /** {@link #abort}, waiting at most {@code timeout}. */
    void abortAndWait(Duration timeout);

    /** The next digit, or empty when none arrives within {@code timeout}. */
    Optional<DtmfEvent> awaitDtmf(Duration timeout);

    /** The end reason, or empty when the session is still going after {@code timeout}. */
    Optional<StopReason> awaitEnd(Duration timeout);
}
