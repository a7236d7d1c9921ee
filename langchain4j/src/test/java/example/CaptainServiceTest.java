package example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's LangChain4j example is this package's CaptainService, compiled here from outside the module's package. */
class CaptainServiceTest {
  @Test
  void theReadmeShowsThisExample() throws Exception {
    String readme = Files.readString(Path.of("../README.md"));
    String source = Files.readString(Path.of("src/test/java/example/CaptainService.java"));
    assertTrue(readme.contains("```java\n" + source + "```\n"),
        "README.md's LangChain4j example differs from langchain4j/src/test/java/example/CaptainService.java: copy it there");
  }
}
