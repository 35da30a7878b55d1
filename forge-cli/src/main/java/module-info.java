/**
 * The {@code forge} command: runs, tests, benchmarks and serves Forge scripts from a terminal. Not an API: use
 * the command, not these classes (see site/cli.md for its flags, outputs and exit statuses).
 */
module dev.forge.cli {
    requires dev.forge.api;
    requires dev.forge.redis;
    requires dev.forge.ivr;
    requires dev.forge.integrations;
    requires dev.forge.testkit;
    requires org.slf4j;
    requires redis.clients.jedis;
    requires java.net.http;
    // no Automatic-Module-Name in its jar: the name comes from the file name
    requires HdrHistogram;

    exports dev.forge.cli;

    uses dev.forge.spi.ScriptEngineProvider;
}
