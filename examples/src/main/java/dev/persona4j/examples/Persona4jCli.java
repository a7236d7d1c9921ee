package dev.persona4j.examples;

import dev.persona4j.Persona4jException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * The persona4j command line: {@code examples/persona4j <command> ...}. Every command inherits the
 * standard help and version options and reports typed errors through {@link #reportTypedError}.
 */
@Command(
    name = "persona4j",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    version = "persona4j 0.1.0-SNAPSHOT",
    description = "Generate text in a specified character with a language model running in-process.",
    subcommands = {
        CommandLine.HelpCommand.class,
        ReplyCommand.class,
        ChatCommand.class,
        TemplateCommand.class,
        InspectCommand.class,
        QuantizeCommand.class,
        TrainHeadCommand.class,
        LayerSweepCommand.class,
        CalibrateCommand.class,
        DriftEvalCommand.class,
        ServeCommand.class,
        BatchCommand.class,
        dev.persona4j.examples.demo.DemoTrainerCommand.class,
        dev.persona4j.examples.bench.BenchCommand.class})
public final class Persona4jCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.err);
  }

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** The configured command line, also used by tests. */
  public static CommandLine newCommandLine() {
    CommandLine cli = new CommandLine(new Persona4jCli());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler(Persona4jCli::reportTypedError);
    return cli;
  }

  /**
   * A typed persona4j error names the file, field or value at fault, so it is the user's to fix:
   * printed as one line, {@code persona4j <command>: <message>}, exit code 1. Anything else is a bug
   * and keeps picocli's stack trace.
   */
  static int reportTypedError(Exception e, CommandLine command, ParseResult parsed)
      throws Exception {
    if (!(e instanceof Persona4jException)) {
      throw e;
    }
    command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + e.getMessage());
    command.getErr().flush();
    return 1;
  }
}
