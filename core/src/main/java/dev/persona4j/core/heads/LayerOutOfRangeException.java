package dev.persona4j.core.heads;

import dev.persona4j.Persona4jException;

/**
 * A layer (hidden-state index) asked for does not exist in the model: taps run from 0 (the
 * embedding output) to the model's layer count (the final norm's output).
 */
public class LayerOutOfRangeException extends Persona4jException {
  private final int layer;
  private final int layers;

  public LayerOutOfRangeException(String what, int layer, String model, int layers) {
    super(what + " = " + layer + " is out of range: " + model + " has " + layers
        + " layers, so hidden-state indices run 0.." + layers);
    this.layer = layer;
    this.layers = layers;
  }

  /** The index that was asked for. */
  public int layer() {
    return layer;
  }

  /** The model's layer count (the largest valid index). */
  public int modelLayers() {
    return layers;
  }
}
