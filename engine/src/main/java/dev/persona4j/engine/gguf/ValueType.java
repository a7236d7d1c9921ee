package dev.persona4j.engine.gguf;

import java.util.Optional;

/** GGUF's metadata value types, with their ids and sizes (0 for the variable-length string and array). */
enum ValueType {
  UINT8(0, 1),
  INT8(1, 1),
  UINT16(2, 2),
  INT16(3, 2),
  UINT32(4, 4),
  INT32(5, 4),
  FLOAT32(6, 4),
  BOOL(7, 1),
  STRING(8, 0),
  ARRAY(9, 0),
  UINT64(10, 8),
  INT64(11, 8),
  FLOAT64(12, 8);

  final int id;
  final int bytes;

  ValueType(int id, int bytes) {
    this.id = id;
    this.bytes = bytes;
  }

  /** The least number of bytes one value takes in a file (a string's length field, an array's header). */
  int minBytes() {
    return this == STRING ? 8 : this == ARRAY ? 12 : bytes;
  }

  static Optional<ValueType> ofId(long id) {
    return byId(values(), t -> t.id, id);
  }

  /** The constant of {@code values} whose id is {@code id}: the lookup of every id-numbered enum of the format. */
  static <E> Optional<E> byId(E[] values, java.util.function.ToLongFunction<E> idOf, long id) {
    for (E e : values) {
      if (idOf.applyAsLong(e) == id) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
