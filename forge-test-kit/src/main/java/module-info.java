/**
 * Forge's test kit: the {@code forge} command line ({@code run}, {@code bench}, {@code demo}), a JUnit 5
 * extension for script authors ({@link dev.forge.testkit.ForgeTest}), and the contract suites that every
 * SPI implementation extends ({@link dev.forge.testkit.ScriptEngineContract},
 * {@link dev.forge.testkit.ScriptStoreContract}).
 *
 * <p>The engine is found at run time by {@link java.util.ServiceLoader}; this module never names it.
 */
module dev.forge.testkit {
    requires transitive dev.forge.api;
    requires dev.forge.redis;
    requires transitive org.junit.jupiter.api;
    requires org.slf4j;

    exports dev.forge.testkit;
    exports dev.forge.testkit.cli;

    // JUnit calls the contract suites' test methods and lifecycle hooks reflectively.
    opens dev.forge.testkit to org.junit.platform.commons;

    uses dev.forge.spi.ScriptEngineProvider;
}
