package dev.forge.engine.v8.internal.child;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * V8 code caches of the sources this process compiled, least recently used first out. A cache is made
 * from a source by V8 in this process and used only here: an isolate process never receives one (from the
 * host or another child), so a child that is broken can spoil only its own.
 *
 * <p>Thread-safety: thread-safe.
 */
final class CodeCaches {

    /** The one cache of this process. */
    static final CodeCaches PROCESS = new CodeCaches();

    private static final int MAX_ENTRIES = 512;
    private static final long MAX_BYTES = 64L << 20;

    private CodeCaches() {
    }

    private final Map<String, byte[]> caches = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    synchronized byte[] get(String source) {
        return caches.get(source);
    }

    synchronized void put(String source, byte[] cache) {
        if (cache == null || (long) source.length() * 2 + cache.length > MAX_BYTES / 4) {
            return;
        }
        byte[] old = caches.put(source, cache);
        bytes += (long) source.length() * 2 + cache.length;
        if (old != null) {
            bytes -= (long) source.length() * 2 + old.length;
        }
        var it = caches.entrySet().iterator();
        while ((caches.size() > MAX_ENTRIES || bytes > MAX_BYTES) && it.hasNext()) {
            Map.Entry<String, byte[]> e = it.next();
            bytes -= (long) e.getKey().length() * 2 + e.getValue().length;
            it.remove();
        }
    }
}
