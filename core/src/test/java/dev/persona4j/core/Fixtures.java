package dev.persona4j.core;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;

/** The reference checkpoints copied from ../shared/fixtures/hf-reference into test resources. */
public final class Fixtures {
  private Fixtures() {}

  /** Every model folder, one per architecture. */
  public static final List<String> MODELS = List.of("gpt2", "llama", "mistral", "qwen2-bf16", "qwen3", "phi3");

  public static Path models() {
    URL url = Fixtures.class.getResource("/hf-reference/models");
    if (url == null) {
      throw new IllegalStateException("test resources hf-reference/models are missing");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Path model(String name) {
    return models().resolve(name);
  }
}
