/**
 * Forge's outbound HTTP, for {@code fetch} and {@code system.http}: Jetty's client under the host's
 * {@link dev.forge.EgressPolicy}. For Forge's own modules only; it has no API.
 */
module dev.forge.egress {
    requires transitive dev.forge.api;
    requires org.eclipse.jetty.client;
    requires org.slf4j;

    exports dev.forge.egress.internal to dev.forge.engine.v8, dev.forge.integrations;
}
