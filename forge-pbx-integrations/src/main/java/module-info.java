/**
 * The PBX integrations framework: integrations (backend hooks {@code ongroup}, {@code onagent}, {@code oncdr},
 * {@code onhttp} plus tenant and user front ends) run on Forge, one isolate each, with per-tenant settings whose
 * secrets are encrypted at rest. The engine is found at run time; this module never names it.
 */
module dev.forge.integrations {
    requires transitive dev.forge.api;
    // system.http's HTTP client
    requires dev.forge.egress;
    // Jetty serves the integrations' HTTP (IntegrationHttpServer.handler hands out a Jetty Handler)
    requires transitive org.eclipse.jetty.server;
    requires org.slf4j;

    exports dev.forge.integrations;
    // dev.forge.integrations.internal is for this module alone

    // Jackson binds the event records
    opens dev.forge.integrations to com.fasterxml.jackson.databind;
}
