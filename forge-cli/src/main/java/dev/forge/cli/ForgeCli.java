package dev.forge.cli;

import dev.forge.testkit.internal.Resources;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The {@code forge} command: {@code run}, {@code driver}, {@code bench}, {@code demo}, {@code worker},
 * {@code submit}, {@code teleforge listen}, {@code integrations serve}, {@code ivr-agent}, {@code ivr-sim},
 * {@code help}, {@code version}.
 *
 * <p>{@link #run(String[], PrintStream, PrintStream)} does the work and returns the exit status, so tests
 * run the CLI in-process; {@link #main} only adds {@code System.exit}. Results go to {@code out}, usage
 * errors to {@code err}; scripts' console output goes through SLF4J to the process's stderr. Exit statuses
 * are listed in {@link ExitCode}.
 *
 * <p>Thread-safety: {@code run} may be called from several threads; each call starts its own Forge.
 *
 * @since 0.1.0
 */
public final class ForgeCli {

    /** Every command's usage, in the order {@code forge help} lists them. */
    private static final Map<String, String> COMMANDS = commands();

    static final String USAGE = """
            forge: run and test Forge call-routing scripts on the embedded V8 engine.

            Usage:
            %s

              forge help | --help       this text
              forge version             the kit's version

            Exit status: 0 ok, 2 rejected, 3 timeout, 4 error, 5 overloaded, 64 usage error, 70 Forge could not start.
            """.formatted(String.join("\n\n", COMMANDS.values().stream()
            .map(usage -> usage.indent(2).stripTrailing()).toList()));

    private static Map<String, String> commands() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("run", RunCommand.USAGE);
        c.put("driver", DriverCommand.USAGE);
        c.put("bench", BenchCommand.USAGE);
        c.put("demo", DemoCommand.USAGE);
        c.put("worker", WorkerCommand.USAGE);
        c.put("submit", SubmitCommand.USAGE);
        c.put("teleforge", TeleforgeCommand.USAGE);
        c.put("integrations", IntegrationsCommand.USAGE);
        c.put("ivr-agent", IvrAgentCommand.USAGE);
        c.put("ivr-sim", IvrSimCommand.USAGE);
        return Collections.unmodifiableMap(c);
    }

    private ForgeCli() {
    }

    public static void main(String[] args) {
        CliLogging.configure();
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs one command line.
     *
     * @return the exit status, see {@link ExitCode}
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CliLogging.configure();
        if (args.length == 0) {
            err.print(USAGE);
            return ExitCode.USAGE;
        }
        String command = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            if (rest.contains("--help") || rest.contains("-h")) {
                out.println(commandUsage(command));
                return ExitCode.OK;
            }
            switch (command) {
                case "run":
                    return RunCommand.run(rest, out);
                case "bench":
                    return BenchCommand.run(rest, out, err);
                case "driver":
                    return DriverCommand.run(rest, out);
                case "demo":
                    return DemoCommand.run(rest, out);
                case "worker":
                    return WorkerCommand.run(rest, err);
                case "submit":
                    return SubmitCommand.run(rest, out);
                case "teleforge":
                    return TeleforgeCommand.run(rest, out, err);
                case "integrations":
                    return IntegrationsCommand.run(rest, out);
                case "ivr-agent":
                    return IvrAgentCommand.run(rest, out, err);
                case "ivr-sim":
                    return IvrSimCommand.run(rest, out, err);
                case "help", "--help", "-h":
                    out.print(USAGE);
                    return ExitCode.OK;
                case "version", "--version":
                    out.println("forge " + version() + " (Java " + Runtime.version() + ")");
                    return ExitCode.OK;
                default:
                    throw new UsageException("unknown command '" + command
                            + "'; commands: " + String.join(", ", COMMANDS.keySet()) + ", help, version");
            }
        } catch (UsageException e) {
            err.println("forge " + command + ": " + e.getMessage());
            err.println("Try 'forge " + (isCommand(command) ? command + " " : "") + "--help'.");
            return ExitCode.USAGE;
        } catch (IllegalStateException e) {
            err.println("forge " + command + ": " + e.getMessage());
            return ExitCode.INTERNAL;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("forge " + command + ": interrupted");
            return ExitCode.INTERNAL;
        }
    }

    private static boolean isCommand(String command) {
        return COMMANDS.containsKey(command);
    }

    private static String commandUsage(String command) {
        return COMMANDS.getOrDefault(command, USAGE);
    }

    /** The kit's version, from the build. */
    static String version() {
        Properties p = new Properties();
        try {
            p.load(new StringReader(Resources.readBeside(ForgeCli.class, "version.properties")));
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }
}
