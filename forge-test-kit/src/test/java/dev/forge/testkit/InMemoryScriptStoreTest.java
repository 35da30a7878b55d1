package dev.forge.testkit;

import dev.forge.InMemoryScriptStore;
import dev.forge.spi.ScriptStore;

/** forge-api's embedded default store passes the store contract. */
class InMemoryScriptStoreTest extends ScriptStoreContract {

    @Override
    protected ScriptStore newStore() {
        return new InMemoryScriptStore();
    }
}
