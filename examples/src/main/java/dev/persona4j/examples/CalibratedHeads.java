package dev.persona4j.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.persona4j.Persona4jException;
import dev.persona4j.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The profile fragment {@code calibrate} writes beside its heads ({@value CalibrateCommand#HEADS_FILE}):
 * the head files and the head best-of-N ranks by, with persona4j.json's field names ({@code heads},
 * {@code selection_head}) so that {@code --heads DIR} needs no other flag. The head files carry their
 * own binding to the model, checked when they are loaded.
 */
record CalibratedHeads(Path dir, List<Path> files, String selectionHead) {

  /** Writes the fragment for {@code files} (in {@code dir}) ranked by {@code selectionHead}; returns its path. */
  static Path write(Path dir, List<Path> files, String selectionHead) {
    ObjectNode root = Json.mapper().createObjectNode();
    files.forEach(f -> root.withArray("heads").add(dir.relativize(f).toString()));
    root.put("selection_head", selectionHead);
    Path file = dir.resolve(CalibrateCommand.HEADS_FILE);
    try {
      Files.writeString(file, Json.pretty().writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Persona4jException(file + ": cannot write: " + e.getMessage(), e);
    }
    return file;
  }

  /** The fragment in {@code dir}; a missing directory, file or field is an error naming it. */
  static CalibratedHeads read(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new Persona4jException("--heads " + dir + ": no such directory (persona4j calibrate --out DIR writes one)");
    }
    Path file = dir.resolve(CalibrateCommand.HEADS_FILE);
    if (!Files.isRegularFile(file)) {
      throw new Persona4jException("--heads " + dir + ": no " + CalibrateCommand.HEADS_FILE
          + " (persona4j calibrate writes it beside the heads)");
    }
    JsonNode root;
    try {
      root = Json.mapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new Persona4jException(file + ": not valid JSON: " + e.getMessage(), e);
    }
    JsonNode heads = root == null ? null : root.get("heads");
    if (heads == null || !heads.isArray() || heads.isEmpty()) {
      throw new Persona4jException(file + ": heads must be a non-empty array of head files");
    }
    List<Path> files = new ArrayList<>();
    heads.forEach(h -> files.add(dir.resolve(h.asText())));
    JsonNode selection = root.get("selection_head");
    if (selection == null || !selection.isTextual()) {
      throw new Persona4jException(file + ": selection_head must be a head name");
    }
    return new CalibratedHeads(dir, List.copyOf(files), selection.asText());
  }
}
