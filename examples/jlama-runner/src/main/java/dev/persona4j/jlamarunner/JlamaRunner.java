package dev.persona4j.jlamarunner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Times greedy generation of a local checkpoint on Jlama and prints one line, {@code JLAMA_RESULT {json}}.
 *
 * <p>It drives the model below {@code generate(...)} (batched prompt forward, then one forward and a greedy
 * sample per token) so that the end-of-sequence token is ignored and every reply has exactly the requested
 * number of new tokens, and so the prompt is given as token ids: Jlama and persona4j see the same ids.
 * Best-of-N is N sequential replies, since Jlama has no batched decoding; the one-candidate figures (prefill,
 * per-token decode, reply wall time) are medians over those same replies.
 *
 * <p>Arguments: {@code --model DIR --prompt-ids 1,2,3 --new-tokens K [--warmup W] [--repeats R]
 * [--candidates N] [--threads T]}.
 */
public final class JlamaRunner {
  /** New tokens of a warm-up reply. */
  static final int WARMUP_TOKENS = 4;

  private final AbstractModel model;
  private final KvBufferCache kvCache;
  private final int vocabSize;

  private JlamaRunner(AbstractModel model) {
    this.model = model;
    this.kvCache = new KvBufferCache(model);
    this.vocabSize = model.getConfig().vocabularySize;
  }

  /** One reply's timings and tokens. */
  private record Reply(double prefillMs, double[] stepMs, double wallMs, int[] tokens) {}

  private Reply reply(int[] promptIds, int newTokens) {
    long start = System.nanoTime();
    int[] tokens = new int[newTokens];
    double[] stepMs = new double[newTokens - 1];
    double prefillMs;
    try (KvBufferCache.KvBuffer kv = kvCache.getEphemeralKvBuffer();
        AbstractTensor logits = model.makeDenseTensor(vocabSize)) {
      AbstractTensor all = model.batchForward(promptIds, 0, kv);
      AbstractTensor last = all.slice(all.shape().first() - 1);
      int next = model.sample(last, 0.0f, 0.0f, logits);
      all.close();
      prefillMs = (System.nanoTime() - start) / 1e6;
      tokens[0] = next;
      for (int i = 1; i < newTokens; i++) {
        long t = System.nanoTime();
        AbstractTensor out = model.forward(next, promptIds.length + i - 1, kv, Optional.empty());
        next = model.sample(out, 0.0f, 0.0f, logits);
        out.close();
        stepMs[i - 1] = (System.nanoTime() - t) / 1e6;
        tokens[i] = next; // end-of-sequence ignored on purpose: every reply has newTokens tokens
      }
    }
    return new Reply(prefillMs, stepMs, (System.nanoTime() - start) / 1e6, tokens);
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> opts = parse(args);
    File modelDir = new File(require(opts, "model"));
    int[] promptIds = Arrays.stream(require(opts, "prompt-ids").split(","))
        .map(String::trim).mapToInt(Integer::parseInt).toArray();
    int newTokens = Integer.parseInt(require(opts, "new-tokens"));
    int warmup = Integer.parseInt(opts.getOrDefault("warmup", "1"));
    int repeats = Integer.parseInt(opts.getOrDefault("repeats", "1"));
    int candidates = Integer.parseInt(opts.getOrDefault("candidates", "8"));
    int threads = Integer.parseInt(opts.getOrDefault("threads",
        Integer.toString(Runtime.getRuntime().availableProcessors())));
    if (newTokens < 2 || repeats < 1 || warmup < 0 || candidates < 1 || threads < 1 || promptIds.length == 0) {
      throw new IllegalArgumentException("need --new-tokens >= 2, --repeats >= 1, --warmup >= 0, --candidates >= 1,"
          + " --threads >= 1 and a non-empty --prompt-ids");
    }

    long loadStart = System.nanoTime();
    // F32 working memory, F32 activations for quantised products, weights kept as stored (F32).
    AbstractModel model = ModelSupport.loadModel(modelDir, null, DType.F32, DType.F32, Optional.empty(),
        Optional.of(threads));
    double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
    JlamaRunner runner = new JlamaRunner(model);

    // Warm-up: the full prompt (so every code path the timed replies take is compiled) and a few tokens.
    for (int w = 0; w < warmup; w++) {
      runner.reply(promptIds, Math.min(newTokens, WARMUP_TOKENS));
    }
    // Timed: best-of-N as N sequential replies; each of them is also a one-candidate reply.
    List<Double> prefill = new ArrayList<>();
    List<Double> steps = new ArrayList<>();
    List<Double> oneReply = new ArrayList<>();
    List<Double> bestOfN = new ArrayList<>();
    int[] firstTokens = null;
    for (int r = 0; r < repeats; r++) {
      long start = System.nanoTime();
      for (int c = 0; c < candidates; c++) {
        Reply one = runner.reply(promptIds, newTokens);
        if (firstTokens == null) {
          firstTokens = one.tokens();
        }
        prefill.add(one.prefillMs());
        for (double s : one.stepMs()) {
          steps.add(s);
        }
        oneReply.add(one.wallMs());
      }
      bestOfN.add((System.nanoTime() - start) / 1e6);
    }

    ObjectMapper json = new ObjectMapper();
    ObjectNode out = json.createObjectNode();
    out.put("engine", "jlama");
    out.put("engineVersion", "jlama-core 0.8.4");
    out.put("javaVersion", System.getProperty("java.version"));
    out.put("threads", threads);
    out.put("promptTokens", promptIds.length);
    out.put("newTokens", newTokens);
    out.put("candidates", candidates);
    out.put("warmup", warmup);
    out.put("repeats", repeats);
    out.put("loadSeconds", loadSeconds);
    double prefillMs = median(prefill);
    out.put("prefillMs", prefillMs);
    out.put("prefillTokensPerSecond", promptIds.length / (prefillMs / 1000.0));
    out.put("decodeMsPerToken", median(steps));
    out.putNull("batch8DecodeMsPerStep");
    out.put("oneReplyMs", median(oneReply));
    out.put("bestOfNMs", median(bestOfN));
    out.putNull("headScoringMs");
    out.put("peakRssBytes", peakRssBytes());
    ArrayNode tokens = out.putArray("firstReplyTokens");
    for (int t : firstTokens) {
      tokens.add(t);
    }
    System.out.println("JLAMA_RESULT " + json.writeValueAsString(out));
    System.out.flush();
    model.close();
    // Jlama's worker pools are not daemons: end the process once the result is out.
    System.exit(0);
  }

  /** VmHWM from /proc/self/status, in bytes; -1 where the file does not exist (not Linux). */
  static long peakRssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024L;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    return opts;
  }

  private static String require(Map<String, String> opts, String name) {
    String v = opts.get(name);
    if (v == null) {
      throw new IllegalArgumentException("missing --" + name);
    }
    return v;
  }
}
