package dev.forge.ivr;

/**
 * Hears an {@link IvrClient}'s socket drop and come back (with {@link IvrOptions#reconnect()}). Called on the
 * client's event thread, in order with the events; must not block.
 *
 * @since 0.1.0
 */
public interface IvrConnectionListener {

    /** The socket closed without {@link IvrClient#close()}; {@code reason} is the close reason as text. */
    default void onDisconnected(String reason) {
    }

    /**
     * The socket is open again and the subscriptions renewed; controlled sessions are being reaccepted.
     *
     * @param attempts how many attempts it took since the drop
     */
    default void onReconnected(int attempts) {
    }
}
