package dev.persona4j.core.backend;

import java.util.Objects;
import java.util.Optional;

/**
 * How to load a model: which backend and which device. Immutable; {@link #defaults()} picks the
 * highest-priority backend and a GPU when the engine finds one, else the CPU.
 */
public final class LoadOptions {
  /** Where the model's arrays live. */
  public enum DevicePreference {
    /** A GPU when the engine finds one, else the CPU. */
    AUTO,
    CPU,
    GPU
  }

  private static final LoadOptions DEFAULTS = builder().build();

  private final String backend;
  private final DevicePreference device;

  private LoadOptions(Builder b) {
    this.backend = b.backend;
    this.device = b.device;
  }

  public static LoadOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The backend to use by name; empty for the highest-priority supporting one. */
  public Optional<String> backend() {
    return Optional.ofNullable(backend);
  }

  public DevicePreference device() {
    return device;
  }

  @Override
  public String toString() {
    return "LoadOptions[backend=" + backend + ", device=" + device + "]";
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
      this.device = Objects.requireNonNull(device, "device");
      return this;
    }

    public LoadOptions build() {
      return new LoadOptions(this);
    }
  }
}
