package dev.persona4j.core.architecture;

/**
 * Mistral (transformers' modeling_mistral): Llama's tensors, usually with few key/value heads and an
 * explicit head_dim; its optional {@code sliding_window} applies whenever it is set.
 */
final class Mistral {
  static final Architecture ARCHITECTURE = Llama.ARCHITECTURE.variant("mistral", p -> {});

  private Mistral() {}
}
