/**
 * The typed ivrapi client: frames ({@link dev.forge.ivr.IvrFrame}), their codec ({@link dev.forge.ivr.IvrCodec})
 * and the socket client ({@link dev.forge.ivr.IvrClient}).
 */
package dev.forge.ivr;
