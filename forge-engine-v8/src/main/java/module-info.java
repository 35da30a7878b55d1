/**
 * Forge's script engine on V8 (Javet, V8 mode): a pool of isolates with time and memory limits and a sandbox.
 * Only this module knows Javet.
 */
module dev.forge.engine.v8 {
    requires dev.forge.api;
    // fetch's HTTP client
    requires dev.forge.egress;
    requires org.slf4j;
    requires com.caoccao.javet;

    exports dev.forge.engine.v8;

    provides dev.forge.spi.ScriptEngineProvider with dev.forge.engine.v8.V8EngineProvider;
}
