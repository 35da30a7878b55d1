/**
 * Forge's embedding API ({@code dev.forge}), durable invocations and schedules ({@code dev.forge.durable}), the
 * Driver types ({@code dev.forge.driver}) and the service provider interfaces ({@code dev.forge.spi}).
 * Depends on Jackson and slf4j-api only; the script engine is found at run time.
 */
module dev.forge.api {
    requires transitive com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.forge;
    exports dev.forge.durable;
    exports dev.forge.driver;
    exports dev.forge.spi;
    exports dev.forge.internal to dev.forge.egress, dev.forge.engine.v8, dev.forge.testkit, dev.forge.cli,
            dev.forge.redis, dev.forge.ivr, dev.forge.integrations;

    uses dev.forge.spi.ScriptEngineProvider;
}
