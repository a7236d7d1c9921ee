package dev.persona4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The one execution-exception handler: a typed error is one line naming the command, exit 1. */
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
}
