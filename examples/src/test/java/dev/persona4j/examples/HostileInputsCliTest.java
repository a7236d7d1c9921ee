package dev.persona4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each hostile input of issue 13, given to the command line, is one line naming the file or limit at
 * fault and exit code 1: no stack trace, no hang, no empty success. How long each took is printed
 * (the target, 2 s each, is measured here, not asserted).
 */
class HostileInputsCliTest {
  @TempDir Path dir;

  private Path demoCopy(String name) throws IOException {
    Path to = dir.resolve(name);
    Files.createDirectories(to);
    try (var files = Files.list(CalibrateCommandTest.DEMO)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f)) {
          Files.copy(f, to.resolve(f.getFileName()));
        }
      }
    }
    // no profile: its heads would be loaded too; the hostile part is what is tested
    Files.deleteIfExists(to.resolve("persona4j.json"));
    return to;
  }

  private static void replaceIn(Path file, String from, String to) throws IOException {
    String text = Files.readString(file);
    assertTrue(text.contains(from), file + " holds " + from);
    Files.writeString(file, text.replace(from, to));
  }

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void everyHostileInputIsOneTypedLineAndExitOne() throws Exception {
    Map<String, String[]> runs = new LinkedHashMap<>();
    String persona = "schema: persona4j/v1\nname: Nell\n";
    runs.put("20 MB YAML scalar", new String[] {"template", "--persona",
        write("huge.yaml", persona + "description: " + "a".repeat(20 << 20) + "\n").toString()});
    runs.put("1 MB YAML line", new String[] {"template", "--persona",
        write("line.yaml", persona + "description: " + "a".repeat(1 << 20) + "\n").toString()});
    Path fifo = dir.resolve("fifo.yaml");
    if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0) {
      runs.put("FIFO persona", new String[] {"template", "--persona", fifo.toString()});
    }
    runs.put("lorebook backreference", new String[] {"template", "--persona", write("backref.yaml", persona
        + "lorebook:\n  entries:\n    - keys: ['(a*)*\\1$']\n      use_regex: true\n      content: x\n").toString()});

    String messages = write("messages.json", "[{\"role\": \"user\", \"content\": \"hi\"}]").toString();
    runs.put("5,000 nested ifs", new String[] {"template", "--messages", messages, "--template",
        write("nested.jinja", "{% if true %}".repeat(5_000) + "x" + "{% endif %}".repeat(5_000)).toString()});
    runs.put("recursive macro", new String[] {"template", "--messages", messages, "--template",
        write("macro.jinja", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}").toString()});
    runs.put("10^10 loop iterations", new String[] {"template", "--messages", messages, "--template",
        write("loops.jinja", "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
            .toString()});

    Path headDim = demoCopy("head-dim");
    replaceIn(headDim.resolve("config.json"), "\"head_dim\" : 32", "\"head_dim\" : 1000000000");
    runs.put("head_dim 1e9", new String[] {"reply", "--model", headDim.toString(), "--persona", "captain", "Hi"});

    Path manyTensors = demoCopy("many-tensors");
    writeZeroSizeTensorHeader(manyTensors.resolve("model.safetensors"), 1_000_000);
    runs.put("10^6 zero-size tensors", new String[] {"reply", "--model", manyTensors.toString(), "--persona", "captain",
        "Hi"});

    Path fifoWeights = demoCopy("fifo-weights");
    Files.delete(fifoWeights.resolve("model.safetensors"));
    if (new ProcessBuilder("mkfifo", fifoWeights.resolve("model.safetensors").toString()).start().waitFor() == 0) {
      runs.put("FIFO weights", new String[] {"reply", "--model", fifoWeights.toString(), "--persona", "captain", "Hi"});
    }

    List<String> report = new ArrayList<>();
    for (Map.Entry<String, String[]> run : runs.entrySet()) {
      long start = System.nanoTime();
      String[] result = DemoModelCommandsTest.run(null, run.getValue());
      long ms = (System.nanoTime() - start) / 1_000_000;
      String err = result[2].strip();
      report.add(String.format("%-24s %5d ms  %s", run.getKey(), ms, err.length() > 140 ? err.substring(0, 140) + "…" : err));
      assertEquals("1", result[0], run.getKey() + ": " + err);
      assertEquals(1, err.lines().count(), run.getKey() + ": " + err);
      assertTrue(err.startsWith("persona4j " + run.getValue()[0] + ": "), run.getKey() + ": " + err);
    }
    System.out.println("hostile inputs on the command line:\n  " + String.join("\n  ", report));
  }

  private static void writeZeroSizeTensorHeader(Path file, int tensors) throws IOException {
    StringBuilder header = new StringBuilder("{");
    for (int i = 0; i < tensors; i++) {
      header.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
    }
    byte[] json = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
      out.write(json);
    }
  }
}
