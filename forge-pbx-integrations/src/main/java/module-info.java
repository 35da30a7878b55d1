/** Filled by a later issue; it builds now so that the reactor has its final shape. */
module dev.forge.integrations {
    requires transitive dev.forge.api;

    exports dev.forge.integrations;
}
