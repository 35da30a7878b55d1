/**
 * Forge's metrics on Micrometer: {@link dev.forge.micrometer.ForgeMetrics} for invocations, the engine and a
 * transport, {@link dev.forge.micrometer.IvrMetrics} for IVR sessions. Only hosts that add this module get
 * Micrometer; the rest of Forge does not know it.
 */
module dev.forge.micrometer {
    requires transitive dev.forge.api;
    // ForgeMetrics.builder(MeterRegistry) shows Micrometer's types to its users
    requires transitive micrometer.core;
    // IvrMetrics only, for hosts that have forge-ivr-client already
    requires static transitive dev.forge.ivr;
    requires org.slf4j;

    exports dev.forge.micrometer;
}
