/** A vendor's module that embeds Forge. */
module example.pbx {
    requires dev.forge.api;
    // the engine is found by ServiceLoader; on the module path it must be in the module graph
    requires dev.forge.engine.v8;
}
