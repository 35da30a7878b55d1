/**
 * The typed client for the {@code ivrapi} capability of the Incoplax / ERA WebSocket Token API:
 * {@link dev.forge.ivr.IvrCodec} for the frames, {@link dev.forge.ivr.IvrClient} for the socket. The WebSocket
 * implementation (Tyrus, on its Grizzly client transport) is an internal detail of this module.
 */
module dev.forge.ivr {
    requires transitive dev.forge.api;
    requires transitive com.fasterxml.jackson.databind;
    requires jakarta.websocket.client;
    requires org.glassfish.tyrus.client;
    requires org.glassfish.tyrus.core;
    requires org.glassfish.tyrus.container.grizzly.client;
    requires org.slf4j;

    exports dev.forge.ivr;
    exports dev.forge.ivr.internal to dev.forge.testkit;
}
