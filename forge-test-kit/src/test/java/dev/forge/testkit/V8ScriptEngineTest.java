package dev.forge.testkit;

import dev.forge.EngineOptions;
import dev.forge.Forge;
import dev.forge.Limits;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The V8 engine, found by ServiceLoader as a host would find it, passes the engine contract.
 */
class V8ScriptEngineTest extends ScriptEngineContract {

    @Override
    protected Forge newForge(Limits limits, EngineOptions options) {
        return Forge.builder().limits(limits).engineOptions(options).build();
    }

    @Test
    void serviceLoaderFindsTheV8Engine() {
        assertEquals("v8", runner().forge().engineName());
    }
}
