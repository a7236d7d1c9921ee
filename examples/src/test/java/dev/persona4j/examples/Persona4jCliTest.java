package dev.persona4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The command line as a whole: the one execution-exception handler (a typed error is one line naming the
 * command, exit 1) and help texts whose paragraphs are whole sentences.
 */
class Persona4jCliTest {
  @TempDir Path dir;

  @Test
  void typedErrorsOfEveryCommandPrintOneLineAndExitOne() {
    String absent = dir.resolve("absent").toString();
    String[][] runs = {
        {"reply", "--model", absent, "Ahoy!"},
        {"drift-eval", "--model", absent},
        {"inspect", "--model", absent, "--ids", "1,2", "--out", dir.resolve("x.safetensors").toString()},
        {"train-head", "--model", absent, "--data", absent + ".jsonl", "--out", dir.toString()},
        {"layer-sweep", "--model", absent, "--data", absent + ".jsonl", "--out", dir.toString()},
        {"template", "--persona", absent + ".yaml"}};
    for (String[] args : runs) {
      StringWriter err = new StringWriter();
      CommandLine cli = Persona4jCli.newCommandLine();
      cli.setErr(new PrintWriter(err, true));
      assertEquals(1, cli.execute(args), String.join(" ", args));
      String text = err.toString().strip();
      assertEquals(1, text.lines().count(), text);
      assertTrue(text.startsWith("persona4j " + args[0] + ": "), text);
      assertTrue(text.contains("absent"), "names the file or directory at fault: " + text);
    }
  }

  /** A paragraph ends a sentence: a full stop, question or exclamation mark, maybe inside a bracket or quote. */
  private static final Pattern SENTENCE_END = Pattern.compile("(?s).*[.!?][)\"']*");

  /**
   * picocli starts a new line for each element of a description array, so an element that ends mid-sentence
   * shows in {@code --help} as a sentence cut off at the right margin, its rest on the next line.
   */
  @Test
  void everyHelpParagraphOfEveryCommandIsWholeSentences() {
    List<String> cut = new ArrayList<>();
    List<CommandLine> commands = new ArrayList<>(List.of(Persona4jCli.newCommandLine()));
    for (int i = 0; i < commands.size(); i++) {
      CommandSpec spec = commands.get(i).getCommandSpec();
      commands.addAll(commands.get(i).getSubcommands().values());
      // Render --help at the default width, as a user sees it, which also interpolates every description.
      StringWriter help = new StringWriter();
      commands.get(i).usage(new PrintWriter(help), CommandLine.Help.Ansi.OFF);
      assertTrue(help.toString().contains("Usage: " + spec.qualifiedName() + " "), help.toString());
      checkParagraphs(spec.qualifiedName(), spec.usageMessage().description(), cut);
      for (ArgSpec arg : spec.args()) {
        checkParagraphs(spec.qualifiedName() + " " + (arg.isOption() ? ((CommandLine.Model.OptionSpec) arg).longestName()
            : arg.paramLabel()), arg.description(), cut);
      }
    }
    assertTrue(commands.size() > 10, "every command and subcommand: " + commands.size());
    assertEquals(List.of(), cut, "help paragraphs cut mid-sentence");
  }

  private static void checkParagraphs(String where, String[] paragraphs, List<String> cut) {
    for (String paragraph : paragraphs) {
      // Descriptions are format strings: a trailing %n (picocli's own help command has one) is a line break.
      String text = paragraph.strip().replaceAll("%n$", "");
      if (!text.isBlank() && !SENTENCE_END.matcher(text).matches()) {
        cut.add(where + ": " + paragraph);
      }
    }
  }
}
