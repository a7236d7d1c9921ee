package dev.persona4j.examples;

import dev.persona4j.core.generate.Reply;
import dev.persona4j.samplers.rejection.Candidate;
import dev.persona4j.samplers.rejection.FilterVerdict;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --show-candidates}, which {@code reply} and {@code chat} share, and the table it prints. */
final class CandidateTable {
  @Option(names = "--show-candidates",
      description = "Also print every candidate with its head scores, and which was chosen and why.")
  boolean shown;

  /** Every candidate with its scores and filter verdicts, the winner marked, and the rule's explanation. */
  static void print(PrintStream out, Reply reply) {
    out.printf(Locale.ROOT, "%d candidate(s); prompt %d tokens; %.0f ms (prefill %.0f, decode %.0f, head scoring %.2f = %.2f%%)%n",
        reply.candidates().size(), reply.timings().promptTokens(), reply.timings().totalNanos() / 1e6,
        reply.timings().prefillNanos() / 1e6, reply.timings().decodeNanos() / 1e6,
        reply.timings().scoringNanos() / 1e6, 100 * reply.timings().scoringShare());
    for (Candidate c : reply.candidates()) {
      boolean chosen = c.index() == reply.chosen().index();
      StringBuilder scores = new StringBuilder();
      for (Map.Entry<String, Double> s : c.scores().entrySet()) {
        scores.append(String.format(Locale.ROOT, "%s=%.3f ", s.getKey(), s.getValue()));
      }
      String rejected = c.verdicts().stream().filter(v -> !v.passed())
          .map(FilterVerdict::reason).reduce((a, b) -> a + "; " + b).map(r -> " REJECTED: " + r).orElse("");
      out.printf(Locale.ROOT, "%s #%d %s[%s, %d tokens]%s%n    %s%n", chosen ? "=>" : "  ", c.index(), scores,
          c.finishReason().name().toLowerCase(Locale.ROOT), c.tokenCount(), rejected, c.text().strip());
    }
    out.println();
    out.println("chosen: #" + reply.chosen().index() + " by " + reply.selection().rule()
        + (reply.gaveUp() ? " (gave up: best seen)" : "") + " — " + reply.selection().explanation());
  }
}
