/**
 * Redis implementations of Forge's datastore and durable transport (a later issue).
 */
package dev.forge.redis;
