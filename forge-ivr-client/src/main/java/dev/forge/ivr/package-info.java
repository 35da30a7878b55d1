/**
 * The typed client for the {@code ivrapi} WebSocket protocol and Class 5 voice scripts (a later issue).
 */
package dev.forge.ivr;
