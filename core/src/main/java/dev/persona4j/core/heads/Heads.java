package dev.persona4j.core.heads;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Rebuilding a head from its tensors and metadata ({@link Head#fromParameters}) and the checks every
 * kind's rebuilding shares, each naming the head and the tensor or key at fault.
 */
final class Heads {
  /** Keys that describe structure; everything else in metadata is provenance, kept as is. */
  private static final Set<String> STRUCTURAL =
      Set.of(Head.META_THRESHOLD, Head.META_POOLING, Head.META_HEADS, Head.META_HEAD_DIM, Head.META_MLP_HIDDEN,
          Head.META_NORMALISED);

  private Heads() {}

  static Head fromParameters(HeadKind kind, String name, int[] layers, int hiddenSize,
      Map<String, Tensor> parameters, Map<String, String> metadata) {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(metadata, "metadata");
    checkShape(name, layers, hiddenSize);
    switch (kind) {
      case LINEAR_PROBE:
        return LinearProbe.fromParameters(name, layers.clone(), hiddenSize, parameters, metadata);
      case ATTENTION_HEAD:
        return AttentionHead.fromParameters(name, layers.clone(), hiddenSize, parameters, metadata);
      case PERSONA_VECTOR:
        return PersonaVector.fromParameters(name, layers.clone(), hiddenSize, parameters, metadata);
      default:
        throw new AssertionError(kind);
    }
  }

  static void checkShape(String name, int[] layers, int hiddenSize) {
    if (name == null || name.isBlank()) {
      throw new HeadException("a head needs a non-blank name");
    }
    if (layers == null || layers.length == 0) {
      throw new HeadException("head '" + name + "': needs at least one layer");
    }
    for (int i = 0; i < layers.length; i++) {
      if (layers[i] < 0) {
        throw new HeadException("head '" + name + "': layer " + layers[i] + " is negative");
      }
      for (int j = 0; j < i; j++) {
        if (layers[i] == layers[j]) {
          throw new HeadException("head '" + name + "': layer " + layers[i] + " listed twice in "
              + Arrays.toString(layers));
        }
      }
    }
    if (hiddenSize < 1) {
      throw new HeadException("head '" + name + "': hidden size " + hiddenSize + " must be >= 1");
    }
  }

  static Tensor require(String head, Map<String, Tensor> p, String key) {
    Tensor t = p.get(key);
    if (t == null) {
      throw new HeadException("head '" + head + "': tensor '" + key + "' is missing (have " + p.keySet() + ")");
    }
    return t;
  }

  static Calibration calibration(String head, Map<String, Tensor> p) {
    return Calibration.fromTensor(head, require(head, p, Head.CALIBRATION));
  }

  static float[] vector(String head, Map<String, Tensor> p, String key, int length) {
    return shaped(head, p, key, new long[] {length});
  }

  static float[] shaped(String head, Map<String, Tensor> p, String key, long[] shape) {
    Tensor t = require(head, p, key);
    if (!Arrays.equals(t.shape(), shape)) {
      throw new HeadException("head '" + head + "': tensor '" + key + "' has shape " + Arrays.toString(t.shape())
          + ", expected " + Arrays.toString(shape));
    }
    float[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      if (!Float.isFinite(d[i])) {
        throw new HeadException("head '" + head + "': tensor '" + key + "' [" + i + "] = " + d[i] + " is not finite");
      }
    }
    return d;
  }

  static double threshold(String head, Map<String, String> meta) {
    String v = meta.getOrDefault(Head.META_THRESHOLD, "0.5");
    double t;
    try {
      t = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new HeadException("head '" + head + "': metadata '" + Head.META_THRESHOLD + "' = '" + v + "' is not a number");
    }
    if (!(t >= 0 && t <= 1)) {
      throw new HeadException("head '" + head + "': metadata '" + Head.META_THRESHOLD + "' = " + v + " must be in [0, 1]");
    }
    return t;
  }

  static int positiveInt(String head, Map<String, String> meta, String key) {
    String v = meta.get(key);
    if (v == null) {
      throw new HeadException("head '" + head + "': metadata '" + key + "' is missing");
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new HeadException("head '" + head + "': metadata '" + key + "' = '" + v + "' must be a positive integer");
    }
  }

  static <E extends Enum<E>> E enumValue(String head, Map<String, String> meta, String key, Class<E> type) {
    String v = meta.get(key);
    if (v == null) {
      throw new HeadException("head '" + head + "': metadata '" + key + "' is missing");
    }
    try {
      return Enum.valueOf(type, v.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new HeadException("head '" + head + "': metadata '" + key + "' = '" + v + "' is not one of "
          + Arrays.toString(type.getEnumConstants()));
    }
  }

  static Map<String, String> provenance(Map<String, String> meta) {
    Map<String, String> out = new LinkedHashMap<>();
    meta.forEach((k, v) -> {
      if (!STRUCTURAL.contains(k) && k != null && v != null) {
        out.put(k, v);
      }
    });
    return out;
  }
}
