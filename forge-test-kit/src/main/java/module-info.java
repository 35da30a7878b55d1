/**
 * Forge's test kit: a JUnit 5 extension for script authors ({@link dev.forge.testkit.ForgeTest}), the contract
 * suites that every SPI implementation extends ({@link dev.forge.testkit.ScriptEngineContract},
 * {@link dev.forge.testkit.ScriptStoreContract}), and fakes that speak the real protocols, such as
 * {@link dev.forge.testkit.ivr.FakeIvrPlatform}, an ivrapi platform on a real WebSocket. The {@code forge}
 * command lives in forge-cli.
 *
 * <p>The engine is found at run time by {@link java.util.ServiceLoader}; this module never names it.
 */
module dev.forge.testkit {
    requires transitive dev.forge.api;
    requires transitive org.junit.jupiter.api;
    requires org.slf4j;
    requires transitive dev.forge.ivr;
    requires transitive dev.forge.integrations;
    requires java.net.http;
    requires jakarta.websocket;
    requires org.glassfish.tyrus.server;
    requires org.glassfish.tyrus.spi;
    requires org.glassfish.tyrus.core;
    requires org.glassfish.tyrus.container.grizzly.server;
    requires org.glassfish.grizzly;
    requires org.glassfish.grizzly.http.server;
    requires org.glassfish.grizzly.http;

    exports dev.forge.testkit;
    exports dev.forge.testkit.ivr;
    exports dev.forge.testkit.voice;
    exports dev.forge.testkit.integrations;
    // reading resources beside a class, for the forge command only
    exports dev.forge.testkit.internal to dev.forge.cli;

    // JUnit calls the contract suites' test methods and lifecycle hooks reflectively.
    opens dev.forge.testkit to org.junit.platform.commons;

    uses dev.forge.spi.ScriptEngineProvider;
}
