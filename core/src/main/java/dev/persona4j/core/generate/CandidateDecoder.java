package dev.persona4j.core.generate;

import dev.persona4j.core.backend.DecodingState;
import dev.persona4j.core.backend.Forward;
import dev.persona4j.core.backend.ForwardRequest;
import dev.persona4j.core.backend.LanguageModel;
import dev.persona4j.core.heads.CandidateActivations;
import dev.persona4j.samplers.SamplerSettings;
import dev.persona4j.samplers.StopConditions;
import dev.persona4j.samplers.StopMatcher;
import dev.persona4j.samplers.TokenSampler;
import dev.persona4j.samplers.rejection.Candidate;
import dev.persona4j.samplers.rejection.FinishReason;
import dev.persona4j.tokenizers.IncrementalDecoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * Decodes N candidates of one prompt as a single batch: the prompt's cache is forked into N
 * sequences, and every step feeds each live candidate its own sampled token in one forward pass.
 * The hidden states of the tapped layers come back from that same pass, so each candidate's
 * activations are collected while it is decoded and no second pass is needed to score it.
 *
 * <p>Each candidate has its own sampler (seeded), incremental decoder and stop matcher, and a
 * candidate's tokens depend only on its own logits and seed: N candidates decoded together give the
 * tokens N separate runs with the same seeds give.
 */
final class CandidateDecoder {
  /**
   * A decoded candidate with the activations captured while decoding it, which the generator reads
   * to score it and then drops (unless asked to keep them).
   *
   * @param activations the tapped layers over the candidate's tokens; null when nothing was tapped
   */
  record Decoded(Candidate candidate, CandidateActivations activations) {}

  /**
   * Caps that hold only while the first {@code positions} positions of a reply are decided (the
   * prompt's last and the first {@code positions − 1} reply tokens): {@code close} lifts them before
   * the next token is fed, {@code open} sets them again for another round.
   */
  record CapWindow(int positions, Runnable open, Runnable close) {}

  private final LanguageModel model;
  private final SamplerSettings settings;
  private final StopConditions stop;
  private final int[] taps;
  private final CapWindow capWindow;

  CandidateDecoder(LanguageModel model, SamplerSettings settings, StopConditions stop, int[] taps) {
    this(model, settings, stop, taps, null);
  }

  CandidateDecoder(LanguageModel model, SamplerSettings settings, StopConditions stop, int[] taps, CapWindow capWindow) {
    this.model = model;
    this.settings = settings;
    this.stop = stop;
    this.taps = taps.clone();
    this.capWindow = capWindow;
  }

  /**
   * Decodes {@code seeds.length} candidates continuing {@code promptSequence}, whose prompt has
   * already been computed in {@code state} (its last-position logits are {@code promptLogits}).
   * The prompt sequence stays in the state, so another round can fork it again.
   *
   * @param firstIndex index given to the first candidate (candidates are numbered across rounds)
   * @param deadlineNanos {@link System#nanoTime()} value after which decoding stops, or
   *     {@link Long#MAX_VALUE}
   */
  List<Decoded> decode(
      DecodingState state,
      int promptSequence,
      float[] promptLogits,
      int[] promptIds,
      long[] seeds,
      int firstIndex,
      int round,
      ReplyListener listener,
      BooleanSupplier cancelled,
      long deadlineNanos) {
    int n = seeds.length;
    int[] sequences = state.fork(promptSequence, n);
    Lane[] lanes = new Lane[n];
    for (int i = 0; i < n; i++) {
      lanes[i] = new Lane(i, sequences[i], seeds[i], promptIds, promptLogits);
    }
    Set<Integer> stopTokens = stop.stopTokenIds();
    int contextLength = model.info().contextLength();
    ForwardRequest request = new ForwardRequest(false, taps);
    if (capWindow != null && round > 0) {
      capWindow.open().run(); // the prompt was read capped once; an earlier round lifted the caps
    }
    int fedSteps = 0;
    try {
      while (true) {
        // Cancelling and the deadline end the same way: every live candidate keeps what it has.
        FinishReason cut = cancelled.getAsBoolean() ? FinishReason.CANCELLED
            : System.nanoTime() >= deadlineNanos ? FinishReason.DEADLINE : null;
        if (cut != null) {
          for (Lane lane : lanes) {
            lane.finishIfLive(cut);
          }
          break;
        }
        // Sample one token per live candidate; the ones that get a token are fed to the model.
        List<Lane> fed = new ArrayList<>(n);
        int[] drawn = draw(lanes);
        for (Lane lane : lanes) {
          if (lane.finished != null) {
            continue;
          }
          int token = drawn[lane.index];
          if (stopTokens.contains(token)) {
            lane.finish(FinishReason.STOP_TOKEN);
            continue;
          }
          lane.append(token, listener);
          if (lane.finished == null && lane.tokens.size() >= stop.maxNewTokens()) {
            lane.finish(FinishReason.MAX_TOKENS);
          }
          if (lane.finished == null && state.length(lane.sequence) + 1 >= contextLength) {
            lane.finish(FinishReason.CONTEXT_FULL);
          }
          fed.add(lane);
        }
        if (fed.isEmpty()) {
          break;
        }
        // Feed the new tokens: also for candidates that just finished, so that the activations of
        // their last token are captured from the same kind of pass as every other token.
        int[] fedSequences = new int[fed.size()];
        int[] fedTokens = new int[fed.size()];
        for (int i = 0; i < fed.size(); i++) {
          fedSequences[i] = fed.get(i).sequence;
          fedTokens[i] = fed.get(i).lastToken();
        }
        if (capWindow != null && fedSteps == capWindow.positions() - 1) {
          capWindow.close().run();
        }
        fedSteps++;
        Forward forward = state.step(fedSequences, fedTokens, request);
        for (int i = 0; i < fed.size(); i++) {
          Lane lane = fed.get(i);
          for (int t = 0; t < taps.length; t++) {
            lane.activations.get(t).add(forward.hidden(i, taps[t])[0]);
          }
          if (lane.finished == null) {
            lane.logits = forward.lastLogits(i);
          } else {
            lane.release(state);
          }
        }
        for (Lane lane : lanes) {
          if (lane.finished != null) {
            lane.release(state);
          }
        }
      }
    } finally {
      for (Lane lane : lanes) {
        lane.release(state);
      }
    }
    List<Decoded> candidates = new ArrayList<>(n);
    for (Lane lane : lanes) {
      candidates.add(lane.toCandidate(firstIndex + lane.index, round, listener));
    }
    return candidates;
  }

  /**
   * Below this many logits a candidate's token is drawn in tens of microseconds, less than handing
   * the draw to another thread costs.
   */
  private static final int PARALLEL_DRAW_VOCABULARY = 16_384;

  /**
   * The next token of each live candidate (-1 for finished ones), several drawn at once over a large
   * vocabulary: each candidate has its own sampler and random stream, so the tokens do not depend on
   * the threads, and with a 49k vocabulary drawing 8 candidates' tokens one after the other took
   * about a quarter of a best-of-8 reply's time (measured). The samplers leave the logits unchanged.
   */
  private static int[] draw(Lane[] lanes) {
    int[] tokens = new int[lanes.length];
    int live = 0;
    int vocabulary = 0;
    for (Lane lane : lanes) {
      if (lane.finished == null) {
        live++;
        vocabulary = lane.logits.length;
      }
    }
    IntStream each = IntStream.range(0, lanes.length);
    if (live > 1 && vocabulary >= PARALLEL_DRAW_VOCABULARY) {
      each = each.parallel(); // the common pool, plus this thread
    }
    each.forEach(i -> tokens[i] = lanes[i].finished != null ? -1 : lanes[i].sampler.sample(lanes[i].logits));
    return tokens;
  }

  /** One candidate's decoding state. */
  private final class Lane {
    final int index;
    final int sequence;
    final long seed;
    final TokenSampler sampler;
    final IncrementalDecoder decoder;
    final StopMatcher stopMatcher;
    final StringBuilder text = new StringBuilder();
    final IntList tokens = new IntList();
    final List<List<float[]>> activations = new ArrayList<>();
    float[] logits;
    FinishReason finished;
    boolean released;

    Lane(int index, int sequence, long seed, int[] promptIds, float[] promptLogits) {
      this.index = index;
      this.sequence = sequence;
      this.seed = seed;
      this.sampler = new TokenSampler(settings, seed);
      for (int id : promptIds) {
        sampler.accept(id); // penalties see the prompt, as transformers' do
      }
      this.decoder = model.tokenizer().newIncrementalDecoder(true);
      this.stopMatcher = stop.newMatcher();
      this.logits = promptLogits;
      for (int i = 0; i < taps.length; i++) {
        activations.add(new ArrayList<>());
      }
    }

    void append(int token, ReplyListener listener) {
      tokens.add(token);
      String piece = decoder.push(token);
      if (piece.isEmpty()) {
        return;
      }
      StopMatcher.Emission emission = stopMatcher.push(piece);
      emit(emission.text(), listener);
      if (emission.stopped()) {
        finish(FinishReason.STOP_STRING);
      }
    }

    int lastToken() {
      return tokens.get(tokens.size() - 1);
    }

    void emit(String piece, ReplyListener listener) {
      if (!piece.isEmpty()) {
        text.append(piece);
        listener.onCandidateText(index, piece);
      }
    }

    void finish(FinishReason reason) {
      finished = reason;
    }

    void finishIfLive(FinishReason reason) {
      if (finished == null) {
        finished = reason;
      }
    }

    void release(DecodingState state) {
      if (!released) {
        released = true;
        state.release(sequence);
      }
    }

    Decoded toCandidate(int globalIndex, int round, ReplyListener listener) {
      if (finished != FinishReason.STOP_STRING) {
        // Text held back as a possible stop-string prefix, and bytes of an unfinished character.
        String rest = decoder.flush();
        if (!rest.isEmpty()) {
          StopMatcher.Emission emission = stopMatcher.push(rest);
          emit(emission.text(), listener);
        }
        if (finished != FinishReason.STOP_STRING) {
          emit(stopMatcher.flush(), listener);
        }
      }
      CandidateActivations captured = null;
      // A candidate that ended before its first token (cancelled, deadline, an immediate stop token) has none.
      if (taps.length > 0 && !activations.get(0).isEmpty()) {
        float[][][] values = new float[taps.length][][];
        for (int t = 0; t < taps.length; t++) {
          values[t] = activations.get(t).toArray(new float[0][]);
        }
        // The rows are fresh arrays from the forward pass and owned by nobody else: no copy needed.
        captured = CandidateActivations.wrap(taps, values);
      }
      return new Decoded(Candidate.decoded(globalIndex, round, seed, text.toString(), tokens.toArray(),
          finished == null ? FinishReason.MAX_TOKENS : finished), captured);
    }
  }

  /** A growable int array, to avoid boxing every token. */
  static final class IntList {
    private int[] values = new int[32];
    private int size;

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    int get(int i) {
      return values[i];
    }

    int size() {
      return size;
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }
}
