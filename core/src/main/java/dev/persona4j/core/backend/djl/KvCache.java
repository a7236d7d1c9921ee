package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The keys and values of every layer for a set of sequence slots, preallocated as [slots,
 * capacity, kvHeads·headDim] per layer and written in place. Grows by doubling (slots or
 * positions) when a pass needs more, copying what is there.
 */
final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final int layers;
  private final long width;
  private final int maxPositions;
  private NDArray[] keys;
  private NDArray[] values;
  private int slots;
  private int capacity;

  KvCache(NDManager manager, int layers, long width, int maxPositions) {
    this.manager = manager;
    this.layers = layers;
    this.width = width;
    this.maxPositions = maxPositions;
  }

  int slots() {
    return slots;
  }

  int capacity() {
    return capacity;
  }

  /** Makes room for slot indices below {@code needSlots} and positions below {@code needPositions}. */
  void ensure(int needSlots, int needPositions) {
    if (needSlots <= slots && needPositions <= capacity) {
      return;
    }
    int newSlots = slots;
    while (newSlots < needSlots) {
      newSlots = Math.max(1, newSlots * 2);
    }
    int newCapacity = Math.max(capacity, 1);
    while (newCapacity < needPositions) {
      newCapacity *= 2;
    }
    newCapacity = Math.max(Math.min(Math.max(newCapacity, 64), maxPositions), needPositions);
    NDArray[] newKeys = new NDArray[layers];
    NDArray[] newValues = new NDArray[layers];
    try (NDScope scope = new NDScope()) {
      for (int l = 0; l < layers; l++) {
        newKeys[l] = grown(keys == null ? null : keys[l], newSlots, newCapacity);
        newValues[l] = grown(values == null ? null : values[l], newSlots, newCapacity);
        NDScope.unregister(newKeys[l], newValues[l]);
      }
    }
    close();
    keys = newKeys;
    values = newValues;
    slots = newSlots;
    capacity = newCapacity;
  }

  private NDArray grown(NDArray old, int newSlots, int newCapacity) {
    NDArray a = manager.zeros(new Shape(newSlots, newCapacity, width));
    if (old != null && slots > 0 && capacity > 0) {
      a.set(new NDIndex(":{}, :{}", slots, capacity), old);
    }
    return a;
  }

  /**
   * Where a pass writes: column c goes to (slot[c], position[c]). Built once per pass and reused by
   * every layer (parsing an index costs as much as an op).
   */
  static NDIndex writeIndex(NDArray slotIndex, NDArray positionIndex) {
    return new NDIndex("{}, {}", slotIndex, positionIndex);
  }

  /** Stores k and v [width, columns] at the pass's write index. */
  void write(int layer, NDArray k, NDArray v, NDIndex at) {
    keys[layer].set(at, k.transpose());
    values[layer].set(at, v.transpose());
  }

  /**
   * Keys [batch, kvHeads, headDim, keys] and values [batch, kvHeads, keys, headDim] of the given
   * slots' first {@code length} positions.
   */
  NDArray[] read(int layer, int[] slotList, NDArray slotIndex, int length, int kvHeads, int headDim) {
    int b = slotList.length;
    boolean contiguous = true;
    for (int i = 1; i < b; i++) {
      contiguous &= slotList[i] == slotList[0] + i;
    }
    NDArray k;
    NDArray v;
    if (contiguous) {
      NDIndex at = new NDIndex().addSliceDim(slotList[0], slotList[0] + b).addSliceDim(0, length);
      k = keys[layer].get(at);
      v = values[layer].get(at);
    } else {
      NDIndex prefix = new NDIndex().addAllDim().addSliceDim(0, length);
      k = keys[layer].get(prefix).get(slotIndex);
      v = values[layer].get(prefix).get(slotIndex);
    }
    return new NDArray[] {
      k.reshape(b, length, kvHeads, headDim).transpose(0, 2, 3, 1),
      v.reshape(b, length, kvHeads, headDim).transpose(0, 2, 1, 3)
    };
  }

  /** Copies the first {@code length} positions of slot {@code from} into slot {@code to}. */
  void copy(int from, int to, int length) {
    try (NDScope scope = new NDScope()) {
      for (int l = 0; l < layers; l++) {
        keys[l].set(new NDIndex("{}, :{}", to, length), keys[l].get("{}, :{}", from, length));
        values[l].set(new NDIndex("{}, :{}", to, length), values[l].get("{}, :{}", from, length));
      }
    }
  }

  @Override
  public void close() {
    if (keys != null) {
      for (int l = 0; l < layers; l++) {
        keys[l].close();
        values[l].close();
      }
      keys = null;
      values = null;
    }
  }
}
