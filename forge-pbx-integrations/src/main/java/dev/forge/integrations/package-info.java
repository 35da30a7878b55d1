/**
 * The PBX integrations framework, as a library the PBX wires in.
 *
 * <ul>
 *   <li>Definitions: {@link dev.forge.integrations.Integration} (name, identifier, backend, tenant and user
 *       {@link dev.forge.integrations.FrontEnd}s) in an {@link dev.forge.integrations.IntegrationRegistry},
 *       which also records which tenants enable which integrations and which subset each user uses.</li>
 *   <li>Events: {@link dev.forge.integrations.GroupEvent}, {@link dev.forge.integrations.AgentEvent},
 *       {@link dev.forge.integrations.CdrEvent} and {@link dev.forge.integrations.IntegrationRequest}, whose
 *       JSON carries exactly the field names of the integrations framework.</li>
 *   <li>The runtime: {@link dev.forge.integrations.IntegrationHost} runs each integration's backend in its
 *       own isolate and raises events into its hooks; {@link dev.forge.integrations.IntegrationSettings}
 *       keeps the public and secret settings.</li>
 *   <li>HTTP: {@link dev.forge.integrations.IntegrationHttp}, a host-neutral dispatcher, and
 *       {@link dev.forge.integrations.IntegrationHttpServer}, which serves it on Jetty with every client-held
 *       resource bounded.</li>
 * </ul>
 */
package dev.forge.integrations;
