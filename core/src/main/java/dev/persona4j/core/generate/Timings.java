package dev.persona4j.core.generate;

/**
 * Where a reply's time went, in nanoseconds. Scoring is the time the heads took over all
 * candidates; it is the figure that shows head scoring costs almost nothing next to decoding.
 *
 * @param promptTokens tokens in the assembled prompt
 * @param assembleNanos assembling the prompt
 * @param prefillNanos the prompt's forward pass
 * @param decodeNanos decoding every candidate
 * @param scoringNanos the heads over every candidate
 * @param totalNanos the whole reply
 * @param decodingSteps forward steps over all rounds (the longest candidate of each round)
 */
public record Timings(int promptTokens, long assembleNanos, long prefillNanos, long decodeNanos, long scoringNanos,
    long totalNanos, int decodingSteps) {

  /** Head scoring as a share of the whole reply's time. */
  public double scoringShare() {
    return totalNanos == 0 ? 0 : (double) scoringNanos / totalNanos;
  }
}
