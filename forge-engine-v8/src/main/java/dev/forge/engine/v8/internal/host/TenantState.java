package dev.forge.engine.v8.internal.host;

/**
 * What the scheduler counts for one tenant: the threads it holds now and the isolates it keeps, each
 * bounded by its share so that one tenant's stuck or numerous scripts never take everything.
 *
 * <p>Thread-safety: guarded by the scheduler's lock.
 */
final class TenantState {

    final String name;
    /** Isolates of this tenant that a thread owns now. */
    int running;
    /** Isolates of this tenant alive now. */
    int slots;

    TenantState(String name) {
        this.name = name;
    }
}
