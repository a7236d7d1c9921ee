package dev.persona4j.core.backend;

import java.util.Objects;
import java.util.Optional;

/**
 * How to load a model: which backend and which device. Immutable; {@link #defaults()} picks the
 * highest-priority backend and a GPU when the engine finds one, else the CPU.
 *
 * @param backend the backend to use by name; empty for the highest-priority supporting one
 * @param device where the model's arrays live
 */
public record LoadOptions(Optional<String> backend, DevicePreference device) {
  /** Where the model's arrays live. */
  public enum DevicePreference {
    /** A GPU when the engine finds one, else the CPU. */
    AUTO,
    CPU,
    GPU
  }

  private static final LoadOptions DEFAULTS = builder().build();

  /** Checks that both parts are present. */
  public LoadOptions {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(device, "device");
  }

  /** The highest-priority supporting backend, on a GPU when there is one. */
  public static LoadOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link LoadOptions}. */
  public static final class Builder {
    private String backend;
    private DevicePreference device = DevicePreference.AUTO;

    private Builder() {}

    public Builder backend(String name) {
      this.backend = Objects.requireNonNull(name, "name");
      return this;
    }

    public Builder device(DevicePreference device) {
      this.device = device;
      return this;
    }

    public LoadOptions build() {
      return new LoadOptions(Optional.ofNullable(backend), device);
    }
  }
}
