/**
 * Filled by a later issue; it builds now so that the reactor has its final shape. Its package is
 * exported once it holds types.
 */
module dev.forge.redis {
    requires transitive dev.forge.api;
}
