package dev.persona4j.core.persona;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A node of a {@link LocatedTree} with its field path: typed accessors that fail with the path, line and
 * column of the node at fault. A JSON {@code null} counts as absent.
 */
final class Located {
  final LocatedTree tree;
  final JsonNode node;
  final String path;

  Located(LocatedTree tree, JsonNode node, String path) {
    this.tree = tree;
    this.node = node;
    this.path = path;
  }

  PersonaFormatException error(String problem) {
    return tree.error(path, problem);
  }

  boolean present() {
    return node != null && !node.isMissingNode() && !node.isNull();
  }

  /** The field {@code name} of this object (absent if missing). */
  Located get(String name) {
    return new Located(tree, node == null ? null : node.get(name), LocatedTree.child(path, name));
  }

  Located requireObject() {
    if (!present()) {
      throw error("required");
    }
    if (!node.isObject()) {
      throw error("expected an object (mapping), found " + describe(node));
    }
    return this;
  }

  Located require(String name) {
    Located f = get(name);
    if (!f.present()) {
      throw tree.error(f.path, "required field is missing");
    }
    return f;
  }

  String string() {
    if (!present()) {
      throw error("required field is missing");
    }
    if (!node.isTextual()) {
      throw error("expected a string, found " + describe(node) + (node.isValueNode() ? " (quote it)" : ""));
    }
    return node.textValue();
  }

  /** The string value, or {@code fallback} when absent. */
  String string(String fallback) {
    return present() ? string() : fallback;
  }

  boolean bool(boolean fallback) {
    Boolean b = optBool();
    return b == null ? fallback : b;
  }

  Boolean optBool() {
    if (!present()) {
      return null;
    }
    if (!node.isBoolean()) {
      throw error("expected true or false, found " + describe(node));
    }
    return node.booleanValue();
  }

  Integer optInt() {
    if (!present()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw error("expected an integer, found " + describe(node));
    }
    return node.intValue();
  }

  Integer optNonNegativeInt() {
    Integer v = optInt();
    if (v != null && v < 0) {
      throw error("must not be negative, got " + v);
    }
    return v;
  }

  Long optLong() {
    if (!present()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw error("expected an integer, found " + describe(node));
    }
    return node.longValue();
  }

  /** Elements of this list; empty when absent. */
  List<Located> elements() {
    if (!present()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw error("expected a list, found " + describe(node));
    }
    List<Located> out = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      out.add(new Located(tree, node.get(i), path + "[" + i + "]"));
    }
    return out;
  }

  /** A list of strings; empty when absent. */
  List<String> stringList() {
    List<String> out = new ArrayList<>();
    for (Located e : elements()) {
      if (!e.present()) {
        throw e.error("expected a string, found null");
      }
      out.add(e.string());
    }
    return out;
  }

  /** A list of strings, or null when absent (to remember absence). */
  List<String> optStringList() {
    return present() ? stringList() : null;
  }

  /** An object node copied out, or null when absent. */
  ObjectNode optObjectTree() {
    if (!present()) {
      return null;
    }
    requireObject();
    return ((ObjectNode) node).deepCopy();
  }

  /** Fails on any field not in {@code known}. */
  void allowOnly(Set<String> known) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!known.contains(n)) {
        throw tree.error(LocatedTree.child(path, n),
            "unknown field (expected one of: " + String.join(", ", new TreeSet<>(known)) + ")");
      }
    }
  }

  /** Copies of the fields not in {@code known}, in document order. */
  ObjectNode unknownFields(Set<String> known) {
    ObjectNode out = JsonTrees.emptyObject();
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!known.contains(n)) {
        out.set(n, node.get(n).deepCopy());
      }
    }
    return out;
  }

  static String describe(JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return "null";
    }
    if (n.isTextual()) {
      return "a string";
    }
    if (n.isNumber()) {
      return "a number (" + n.asText() + ")";
    }
    if (n.isBoolean()) {
      return "a boolean (" + n.asText() + ")";
    }
    if (n.isArray()) {
      return "a list";
    }
    if (n.isObject()) {
      return "an object (mapping)";
    }
    return n.getNodeType().toString().toLowerCase();
  }
}
