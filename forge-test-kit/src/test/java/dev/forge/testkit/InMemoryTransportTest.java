package dev.forge.testkit;

import dev.forge.durable.InMemoryTransport;
import dev.forge.spi.Transport;
import dev.forge.spi.TransportOptions;

/** The embedded transport passes the contract. */
class InMemoryTransportTest extends TransportContract {

    @Override
    protected Transport newTransport(TransportOptions options) {
        return new InMemoryTransport(options);
    }
}
