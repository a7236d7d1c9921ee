package dev.persona4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Progress bars redraw in place on a terminal and become one line per milestone anywhere else. */
class ProgressOutputTest {
  /** A bar as the trainers draw it: a state per step, each after a carriage return, then a newline. */
  private static void drawBar(PrintStream out, long[] clock, int steps) {
    out.println("corpus: 3 personas");
    for (int step = 0; step <= steps; step++) {
      clock[0] = step * 3_000_000_000L;
      out.printf("\rtraining [%s] step %d/%d", "#".repeat(step), step, steps);
      out.flush();
    }
    out.println();
    out.println("wrote heads/");
  }

  @Test
  void offATerminalABarIsOneLinePerIntervalAndItsFinalState() {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    long[] clock = {0};
    PrintStream out = new PrintStream(new ProgressOutput.MilestoneLines(log, () -> clock[0], Duration.ofSeconds(10)),
        true, StandardCharsets.UTF_8);
    drawBar(out, clock, 9);
    // Steps 3 s apart; a state is complete when the next one starts: step 3's at 12 s, the first 10 s after
    // "corpus"; step 7's at 24 s, 12 s after that; then the final state.
    assertEquals("""
        corpus: 3 personas
        training [###] step 3/9
        training [#######] step 7/9
        training [#########] step 9/9
        wrote heads/
        """, log.toString(StandardCharsets.UTF_8));
  }

  @Test
  void onATerminalTheBarIsRedrawnInPlaceUnchanged() {
    ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    ByteArrayOutputStream direct = new ByteArrayOutputStream();
    drawBar(ProgressOutput.adapt(terminal, true), new long[1], 3);
    drawBar(new PrintStream(direct, true, StandardCharsets.UTF_8), new long[1], 3);
    assertEquals(direct.toString(StandardCharsets.UTF_8), terminal.toString(StandardCharsets.UTF_8));
    assertEquals("corpus: 3 personas\n\rtraining [] step 0/3\rtraining [#] step 1/3\rtraining [##] step 2/3"
        + "\rtraining [###] step 3/3\nwrote heads/\n", terminal.toString(StandardCharsets.UTF_8));
  }
}
