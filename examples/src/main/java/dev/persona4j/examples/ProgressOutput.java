package dev.persona4j.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Where the commands draw their progress bars. A bar redraws itself in place with a carriage return, which
 * suits a terminal only: in a log file, a pipe or CI every redraw would pile up on one endless line. There a
 * bar becomes one line per milestone instead: at most one state per {@link #INTERVAL}, and always the state
 * the bar ends with. Ordinary lines pass through unchanged either way.
 */
public final class ProgressOutput {
  /** The least time between two lines of the same bar when the output is not a terminal. */
  static final Duration INTERVAL = Duration.ofSeconds(10);

  private ProgressOutput() {}

  /** Standard error, adapted to whether it is a terminal. */
  public static PrintStream stderr() {
    return adapt(System.err, isTerminal());
  }

  /** {@code target} as it is on a terminal, else with bars written as milestone lines. */
  static PrintStream adapt(OutputStream target, boolean terminal) {
    OutputStream out = terminal ? target : new MilestoneLines(target, System::nanoTime, INTERVAL);
    return new PrintStream(out, true, StandardCharsets.UTF_8);
  }

  /**
   * Whether standard error is a terminal. {@link System#console()} answers for standard input and output
   * only, so where Linux shows the descriptor ({@code /proc/self/fd/2}) its target decides as well.
   */
  static boolean isTerminal() {
    if (System.console() == null) {
      return false;
    }
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return true;
    }
  }

  /**
   * Turns redraws into lines. Text after a carriage return is one state of a bar, complete when the next
   * carriage return or the newline ending the bar arrives; a state completed by a carriage return is
   * written only when {@code interval} has passed since the last line written, one completed by the
   * newline (the bar's final state) always. Carriage return and newline are single bytes in UTF-8, so the
   * text is never split inside a character.
   */
  static final class MilestoneLines extends OutputStream {
    private final OutputStream target;
    private final LongSupplier nanoTime;
    private final long intervalNanos;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean redrawn;
    private long lastWritten;
    private boolean written;

    MilestoneLines(OutputStream target, LongSupplier nanoTime, Duration interval) {
      this.target = target;
      this.nanoTime = nanoTime;
      this.intervalNanos = interval.toNanos();
    }

    @Override
    public void write(int b) throws IOException {
      if (b == '\r') {
        if (line.size() > 0 && (!written || nanoTime.getAsLong() - lastWritten >= intervalNanos)) {
          writeLine();
        }
        line.reset();
        redrawn = true;
      } else if (b == '\n') {
        if (line.size() > 0 || !redrawn) {
          writeLine();
        }
        line.reset();
        redrawn = false;
      } else {
        line.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }

    private void writeLine() throws IOException {
      line.write('\n');
      line.writeTo(target);
      written = true;
      lastWritten = nanoTime.getAsLong();
    }

    @Override
    public void flush() throws IOException {
      target.flush();
    }

    @Override
    public void close() throws IOException {
      if (line.size() > 0) {
        writeLine();
        line.reset();
      }
      target.flush();
    }
  }
}
