package dev.forge.ivr;

/**
 * Receives the events an {@link IvrClient} gets: {@code notify}, {@code ivrapi_dtmf},
 * {@code ivrapi_component_stopped}. Called on the client's single dispatch thread, in arrival order; a listener
 * that throws is logged and does not stop delivery.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface IvrListener {
    void onEvent(IvrEvent event);
}
