package dev.persona4j.core.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The keys and values of every layer for a set of sequence slots, preallocated (one block per
 * kind, viewed per layer) and written in place, in the layouts attention multiplies by: keys
 * [slots, kvHeads, headDim, capacity], values [slots, kvHeads, capacity, headDim]. Reading a
 * run of slots is then a view, never a copy. Grows when a pass needs more (see {@link #ensure}),
 * copying what is there.
 */
final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final int layers;
  private final int kvHeads;
  private final int headDim;
  private final int maxPositions;
  private NDArray[] keys;
  private NDArray[] values;
  /** The blocks the layers' keys and values are views of. */
  private NDArray[] blocks;
  private int slots;
  private int capacity;

  KvCache(NDManager manager, int layers, int kvHeads, int headDim, int maxPositions) {
    this.manager = manager;
    this.layers = layers;
    this.kvHeads = kvHeads;
    this.headDim = headDim;
    this.maxPositions = maxPositions;
  }

  int slots() {
    return slots;
  }

  int capacity() {
    return capacity;
  }

  /** Positions reserved beyond what a pass needs, so that decoding after a prefill does not grow at once. */
  static final int HEADROOM = 64;

  /**
   * Makes room for slot indices below {@code needSlots} and positions below {@code needPositions}.
   * Slots grow to exactly what is asked (forks come in batches); positions grow by half the
   * capacity (at least {@link #HEADROOM}), rounded up to a multiple of 64, so that copies stay
   * amortised without reserving twice what a reply uses.
   */
  @SuppressWarnings("try") // the scope closes the copies' temporaries
  void ensure(int needSlots, int needPositions) {
    if (needSlots <= slots && needPositions <= capacity) {
      return;
    }
    int newSlots = Math.max(slots, needSlots);
    int newCapacity = capacity;
    if (needPositions > capacity) {
      long wanted = Math.max((long) needPositions + HEADROOM, (long) capacity + Math.max(HEADROOM, capacity / 2));
      wanted = (wanted + 63) / 64 * 64;
      newCapacity = (int) Math.max(Math.min(wanted, maxPositions), needPositions);
    }
    NDArray[] newKeys = new NDArray[layers];
    NDArray[] newValues = new NDArray[layers];
    NDArray allKeys = null;
    NDArray allValues = null;
    try (NDScope scope = new NDScope()) {
      // one block per kind: a large block is its own mapping, returned to the system when closed,
      // where per-layer arrays would be left behind in the allocator's heap
      allKeys = manager.zeros(new Shape(layers, newSlots, kvHeads, headDim, newCapacity));
      allValues = manager.zeros(new Shape(layers, newSlots, kvHeads, newCapacity, headDim));
      for (int l = 0; l < layers; l++) {
        newKeys[l] = allKeys.get(l);
        newValues[l] = allValues.get(l);
        if (keys != null) {
          newKeys[l].set(new NDIndex().addSliceDim(0, slots).addAllDim().addAllDim().addSliceDim(0, capacity), keys[l]);
          newValues[l].set(new NDIndex().addSliceDim(0, slots).addAllDim().addSliceDim(0, capacity), values[l]);
        }
      }
      NDScope.unregister(allKeys, allValues);
      NDScope.unregister(newKeys);
      NDScope.unregister(newValues);
    }
    close();
    blocks = new NDArray[] {allKeys, allValues};
    keys = newKeys;
    values = newValues;
    slots = newSlots;
    capacity = newCapacity;
  }

  /**
   * Where a pass writes: column c goes to (slot[c], position[c]). Built once per pass and reused by
   * every layer (parsing an index costs as much as an op).
   */
  static NDIndex[] writeIndex(NDArray slotIndex, NDArray positionIndex) {
    return new NDIndex[] {
      new NDIndex("{}, :, :, {}", slotIndex, positionIndex), new NDIndex("{}, :, {}", slotIndex, positionIndex)
    };
  }

  /** Stores k and v [kvHeads·headDim, columns] at the pass's write index. */
  void write(int layer, NDArray k, NDArray v, NDIndex[] at) {
    long columns = k.getShape().get(1);
    // both indexings put the column axis first: [columns, kvHeads, headDim]
    keys[layer].set(at[0], k.reshape(kvHeads, headDim, columns).transpose(2, 0, 1));
    values[layer].set(at[1], v.reshape(kvHeads, headDim, columns).transpose(2, 0, 1));
  }

  /**
   * Keys [batch, kvHeads, headDim, keys] and values [batch, kvHeads, keys, headDim] of the given
   * slots' first {@code length} positions: views when the slots are consecutive.
   */
  NDArray[] read(int layer, int[] slotList, NDArray slotIndex, int length) {
    int b = slotList.length;
    boolean consecutive = true;
    for (int i = 1; i < b; i++) {
      consecutive &= slotList[i] == slotList[0] + i;
    }
    long from = consecutive ? slotList[0] : 0;
    long to = consecutive ? slotList[0] + b : slots;
    NDArray k = keys[layer].get(new NDIndex().addSliceDim(from, to).addAllDim().addAllDim().addSliceDim(0, length));
    NDArray v = values[layer].get(new NDIndex().addSliceDim(from, to).addAllDim().addSliceDim(0, length));
    if (!consecutive) {
      k = k.get(slotIndex);
      v = v.get(slotIndex);
    }
    return new NDArray[] {k, v};
  }

  /** Copies the first {@code length} positions of slot {@code from} into slot {@code to}. */
  @SuppressWarnings("try") // the scope closes the copies' temporaries
  void copy(int from, int to, int length) {
    try (NDScope scope = new NDScope()) {
      for (int l = 0; l < layers; l++) {
        NDIndex src = new NDIndex().addIndices(from).addAllDim().addAllDim().addSliceDim(0, length);
        NDIndex dst = new NDIndex().addIndices(to).addAllDim().addAllDim().addSliceDim(0, length);
        keys[l].set(dst, keys[l].get(src));
        NDIndex vsrc = new NDIndex().addIndices(from).addAllDim().addSliceDim(0, length);
        NDIndex vdst = new NDIndex().addIndices(to).addAllDim().addSliceDim(0, length);
        values[l].set(vdst, values[l].get(vsrc));
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
      blocks[0].close();
      blocks[1].close();
      blocks = null;
      keys = null;
      values = null;
    }
  }
}
