package dev.persona4j.core.backend.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.Fixtures;
import dev.persona4j.core.backend.Backends;
import dev.persona4j.core.backend.LanguageModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A fresh JVM, started as an application would be (no DJL flags, no OPT_OUT_TRACKING, slf4j-simple at its default
 * INFO level), loads a model: DJL must be offline and untracked, and its log free of warnings.
 */
class DjlEnvironmentTest {

  @Test
  void anApplicationThatSetNothingStartsOfflineUntrackedAndWithoutWarnings() throws Exception {
    String out = runProbe(List.of());
    assertTrue(out.contains("ai.djl.offline=true OPT_OUT_TRACKING=true"), out);
    List<String> warnings = out.lines().filter(line -> line.contains(" WARN ")).toList();
    assertEquals(List.of(), warnings, out);
  }

  @Test
  void theApplicationsOwnSettingWins() throws Exception {
    String out = runProbe(List.of("-Dai.djl.offline=false", "-DOPT_OUT_TRACKING=false"));
    assertTrue(out.contains("ai.djl.offline=false OPT_OUT_TRACKING=false"), out);
  }

  private static String runProbe(List<String> jvmFlags) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path")));
    command.addAll(jvmFlags);
    command.addAll(List.of(Probe.class.getName(), Fixtures.model("llama").toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("OPT_OUT_TRACKING");
    builder.environment().remove("DJL_OFFLINE");
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), out);
    assertEquals(0, process.exitValue(), out);
    return out;
  }

  /** The application: loads the model given as its argument and prints DJL's settings as DJL will read them. */
  static final class Probe {
    public static void main(String[] args) {
      try (LanguageModel model = Backends.load(Path.of(args[0]))) {
        System.out.println("ai.djl.offline=" + System.getProperty("ai.djl.offline")
            + " OPT_OUT_TRACKING=" + System.getProperty("OPT_OUT_TRACKING") + " " + model.info().architecture());
      }
    }
  }
}
