package dev.forge.testkit;

import dev.forge.InMemoryDatastore;
import dev.forge.spi.Datastore;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The embedded datastore passes the contract, on a clock the test moves. */
class InMemoryDatastoreTest extends DatastoreContract {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @Override
    protected Datastore newDatastore() {
        return new InMemoryDatastore(InMemoryDatastore.DEFAULT_MAX_VALUE_BYTES, InMemoryDatastore.DEFAULT_MAX_TENANT_BYTES,
                clock::get);
    }

    @Override
    protected int maxValueBytes() {
        return InMemoryDatastore.DEFAULT_MAX_VALUE_BYTES;
    }

    @Override
    protected void elapse(Duration time) {
        clock.addAndGet(time.toNanos());
    }
}
