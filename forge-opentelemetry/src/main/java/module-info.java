/**
 * Forge's tracing on OpenTelemetry: {@link dev.forge.opentelemetry.ForgeTracing}, a span per invocation. Only
 * hosts that add this module get the OpenTelemetry API; the rest of Forge does not know it.
 */
module dev.forge.opentelemetry {
    requires transitive dev.forge.api;
    // ForgeTracing.builder(OpenTelemetry) and parent(... Context) show OpenTelemetry's types to their users
    requires transitive io.opentelemetry.api;
    requires transitive io.opentelemetry.context;

    exports dev.forge.opentelemetry;
}
