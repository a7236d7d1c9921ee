package dev.persona4j.examples;

import dev.persona4j.engine.gguf.GgufFile;
import dev.persona4j.engine.gguf.GgufFileType;
import dev.persona4j.engine.gguf.GgufQuantizer;
import dev.persona4j.engine.gguf.GgufType;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Converts a Hugging Face model directory into a GGUF file that llama.cpp (and persona4j's Java engine) reads,
 * quantized to one of llama.cpp's file types, then reopens the file to check it.
 */
@Command(
    name = "quantize",
    description = "Write a Hugging Face model as a GGUF file (llama.cpp's names, keys and quantized types).")
final class QuantizeCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "A Hugging Face model directory.")
  Path model;

  @Option(names = "--type", required = true,
      description = "File type: ${COMPLETION-CANDIDATES}. 1-D tensors stay F32; rows that are not whole blocks F16.")
  GgufFileType type;

  @Option(names = "--out", required = true, description = "Output .gguf file.")
  Path out;

  @Override
  public Integer call() throws IOException {
    PrintStream err = ProgressOutput.stderr();
    long start = System.nanoTime();
    GgufQuantizer.quantize(model, type, out,
        (name, tensorType, done, total) -> CalibrateCommand.drawProgress(err, name + " " + tensorType, done, total));
    err.println();
    GgufFile written = GgufFile.open(out);
    Map<GgufType, Integer> counts = new TreeMap<>();
    written.tensors().values().forEach(t -> counts.merge(t.type(), 1, Integer::sum));
    err.printf(Locale.ROOT, "%s: %s, %d tensors %s, %.1f MB in %.1f s -> %s%n", type, written.config(),
        written.tensors().size(), counts, Files.size(out) / 1e6, (System.nanoTime() - start) / 1e9, out);
    return 0;
  }
}
