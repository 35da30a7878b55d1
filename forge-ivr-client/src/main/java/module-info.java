/** Filled by a later issue; it builds now so that the reactor has its final shape. */
module dev.forge.ivr {
    requires transitive dev.forge.api;

    exports dev.forge.ivr;
}
