/**
 * The typed ivrapi client. {@link dev.forge.ivr.IvrClient} owns the socket (requests, subscriptions, reconnects);
 * {@link dev.forge.ivr.IvrClient#control} starts the control layer, which accepts sessions and hands them over as
 * {@link dev.forge.ivr.IvrSession}s to run {@link dev.forge.ivr.Component}s on; {@link dev.forge.ivr.ControlSession}
 * is its state machine on its own; {@link dev.forge.ivr.IvrFrame} and {@link dev.forge.ivr.IvrCodec} are the
 * frames and their JSON. The guide is {@code site/ivr.md}.
 */
package dev.forge.ivr;
