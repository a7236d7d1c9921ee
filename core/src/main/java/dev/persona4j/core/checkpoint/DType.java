package dev.persona4j.core.checkpoint;

import java.util.Optional;

/** Element types of the safetensors format, with their size in bytes. */
enum DType {
  F64(8),
  F32(4),
  F16(2),
  BF16(2),
  I64(8),
  I32(4),
  I16(2),
  I8(1),
  U64(8),
  U32(4),
  U16(2),
  U8(1),
  BOOL(1),
  F8_E4M3(1),
  F8_E5M2(1);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  /** Size of one element in bytes. */
  int bytes() {
    return bytes;
  }

  /** Whether {@link SafetensorsReader#floats} can read this type (widening to float32). */
  boolean readableAsFloat() {
    return this == F32 || this == F16 || this == BF16;
  }

  /** Whether {@link SafetensorsReader#longs} can read this type. */
  boolean readableAsInteger() {
    return this == I64 || this == I32;
  }

  /** The type with this safetensors name, e.g. {@code "BF16"}. */
  static Optional<DType> fromName(String name) {
    for (DType t : values()) {
      if (t.name().equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
