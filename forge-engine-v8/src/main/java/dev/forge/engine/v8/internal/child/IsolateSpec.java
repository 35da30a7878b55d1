package dev.forge.engine.v8.internal.child;

/**
 * What an isolate needs to load one version of one script, as the host states it: nothing here comes from
 * the child. The same record crosses to an isolate process in a {@code LOAD} frame.
 *
 * @param resourceName   the script's name in stack traces
 * @param source         the tenant's code
 * @param esModule       whether the source is an ES module
 * @param preludeOptions the prelude's options as JSON (kind, caps, env)
 * @param installer      the bindings' installer source, or null
 * @param bindingsName   the bindings' name, or null
 * @param heapBytes      the script's memory limit
 */
public record IsolateSpec(String resourceName, String source, boolean esModule, String preludeOptions,
                          String installer, String bindingsName, long heapBytes) {
}
