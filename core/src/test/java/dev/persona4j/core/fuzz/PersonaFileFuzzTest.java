package dev.persona4j.core.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.persona4j.core.persona.PersonaFiles;
import dev.persona4j.core.persona.PersonaFormatException;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target: any bytes as a persona file, JSON when they start with '{' and YAML otherwise, read
 * from disk as an application reads it. Only {@link PersonaFormatException} may come out.
 */
class PersonaFileFuzzTest {
  @FuzzTest
  void fuzz(byte[] data) {
    boolean json = data.length > 0 && data[0] == '{';
    try {
      PersonaFiles.load(FuzzFiles.write(json ? "persona.json" : "persona.yaml", data));
    } catch (PersonaFormatException e) {
      return;
    }
    // a valid persona also parses from text, the same way
    PersonaFiles.parse(new String(data, StandardCharsets.UTF_8).replaceFirst("^\uFEFF", ""),
        json ? PersonaFiles.Format.JSON : PersonaFiles.Format.YAML, "fuzz");
  }
}
