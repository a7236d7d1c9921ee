package dev.persona4j.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.persona4j.core.checkpoint.SafetensorsReader;
import dev.persona4j.engine.gguf.GgufFile;
import dev.persona4j.engine.gguf.GgufFileType;
import dev.persona4j.engine.gguf.GgufType;
import dev.persona4j.tokenizers.Tokenizer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code persona4j quantize} writes a GGUF file that reads back as the checkpoint it came from. */
class QuantizeCommandTest {
  @TempDir Path dir;

  @Test
  void writesAQ8File() {
    Path model = InspectCommandTest.MODELS.resolve("llama");
    Path out = dir.resolve("llama-Q8_0.gguf");

    int exit = Persona4jCli.newCommandLine().execute(
        "quantize", "--model", model.toString(), "--type", "q8_0", "--out", out.toString());

    assertEquals(0, exit);
    GgufFile gguf = GgufFile.open(out);
    assertEquals(GgufFileType.Q8_0, gguf.fileType().orElseThrow());
    assertEquals(GgufType.Q8_0, gguf.tensor("blk.0.attn_q.weight").type());
    assertEquals(GgufType.F32, gguf.tensor("blk.0.attn_norm.weight").type());
    SafetensorsReader expected = SafetensorsReader.open(model.resolve("expected.safetensors"));
    try (Tokenizer tokenizer = gguf.tokenizer()) {
      assertArrayEquals(expected.ints("p0.input_ids"), tokenizer.encode("Hello world", true));
    }
    FileModes.assertOrdinaryMode(out);
  }

  @Test
  void anArchitectureGgufCannotCarryIsOneTypedLine() {
    StringWriter err = new StringWriter();
    CommandLine cli = Persona4jCli.newCommandLine();
    cli.setErr(new PrintWriter(err));

    int exit = cli.execute("quantize", "--model", InspectCommandTest.MODELS.resolve("gpt2").toString(), "--type", "F16",
        "--out", dir.resolve("gpt2.gguf").toString());

    assertEquals(1, exit);
    assertTrue(err.toString().startsWith("persona4j quantize: "), err.toString());
    assertTrue(err.toString().contains("config.json: model_type: model_type gpt2 cannot be written as GGUF"), err.toString());
  }

  @Test
  void theDemoModelsTokenizerSurvivesTheRoundTrip() {
    Path out = dir.resolve("demo-Q4_K_M.gguf");

    int exit = Persona4jCli.newCommandLine().execute(
        "quantize", "--model", CalibrateCommandTest.DEMO.toString(), "--type", "Q4_K_M", "--out", out.toString());

    assertEquals(0, exit);
    GgufFile gguf = GgufFile.open(out);
    assertEquals(GgufType.Q6_K, gguf.tensor("blk.3.ffn_down.weight").type()); // llama.cpp's "more bits" layer
    assertEquals(GgufType.Q4_K, gguf.tensor("blk.1.ffn_down.weight").type());
    assertEquals(GgufType.Q8_0, gguf.tensor("token_embd.weight").type()); // rows of 128: no whole super-block, four Q8_0 blocks
    try (Tokenizer hf = Tokenizer.load(CalibrateCommandTest.DEMO); Tokenizer fromGguf = gguf.tokenizer()) {
      String text = "<|im_start|>user\nAhoy, what's the weather like today?<|im_end|>\n";
      assertArrayEquals(hf.encode(text, true), fromGguf.encode(text, true));
      assertEquals(hf.bosTokenId(), fromGguf.bosTokenId());
      assertEquals(hf.eosTokenIds(), fromGguf.eosTokenIds());
      assertEquals(hf.chatTemplate(), fromGguf.chatTemplate());
    }
  }
}
