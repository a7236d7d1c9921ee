package dev.persona4j.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.persona4j.core.checkpoint.CheckpointException;
import dev.persona4j.core.checkpoint.SafetensorsReader;

/**
 * Fuzz target: any bytes as a safetensors file. Opening either fails with a {@link CheckpointException}
 * or gives a reader whose every tensor can then be read (the header was validated completely); any other
 * exception, a hang or an OutOfMemoryError is a finding. {@code mvn verify} replays the committed inputs
 * in {@code SafetensorsHeaderFuzzTestInputs}; {@code -Pfuzz} fuzzes.
 */
class SafetensorsHeaderFuzzTest {
  @FuzzTest
  void fuzz(byte[] data) {
    SafetensorsReader reader;
    try {
      reader = SafetensorsReader.open(FuzzFiles.write("model.safetensors", data));
    } catch (CheckpointException e) {
      return;
    }
    for (String name : reader.names()) {
      try {
        if (reader.dtype(name).startsWith("F") || reader.dtype(name).equals("BF16")) {
          reader.floats(name);
        } else if (reader.dtype(name).startsWith("I")) {
          reader.longs(name);
        }
      } catch (CheckpointException e) {
        // a dtype that cannot be read as asked, named with the tensor
      }
    }
  }
}
