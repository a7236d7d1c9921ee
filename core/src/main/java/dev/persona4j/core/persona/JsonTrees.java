package dev.persona4j.core.persona;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Copies of the JSON trees values keep, so no caller can change a value after the fact. */
final class JsonTrees {
  private JsonTrees() {}

  static ObjectNode emptyObject() {
    return JsonNodeFactory.instance.objectNode();
  }

  static ObjectNode copyOrEmpty(ObjectNode node) {
    return node == null ? emptyObject() : node.deepCopy();
  }

  static ObjectNode copyOrNull(ObjectNode node) {
    return node == null ? null : node.deepCopy();
  }
}
