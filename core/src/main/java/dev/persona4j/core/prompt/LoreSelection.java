package dev.persona4j.core.prompt;

import dev.persona4j.core.persona.Turn;
import dev.persona4j.core.persona.LoreEntry;
import dev.persona4j.core.persona.Lorebook;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Which lorebook entries go into a prompt: enabled entries that are constant or whose keys appear in the
 * last {@code scan_depth} messages (and, with recursive scanning, in other inserted entries), kept within
 * the book's token budget by dropping the lowest priority first, in insertion order.
 */
final class LoreSelection {
  private LoreSelection() {}

  /**
   * @param tokens counts the tokens of an entry's content
   */
  static List<LoreEntry> select(Lorebook book, List<Turn> conversation, ToIntFunction<LoreEntry> tokens) {
    List<LoreEntry> entries = book.entries();
    int depth = Math.min(book.scanDepth(), conversation.size());
    StringBuilder scanned = new StringBuilder();
    for (Turn t : conversation.subList(conversation.size() - depth, conversation.size())) {
      scanned.append(t.text()).append('\n');
    }
    Set<Integer> active = new LinkedHashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      LoreEntry e = entries.get(i);
      if (e.enabled() && (e.constant() || e.triggeredBy(scanned.toString()))) {
        active.add(i);
      }
    }
    if (book.recursiveScanning()) {
      // Inserted content can mention other entries' keys; scan until nothing new triggers.
      boolean grew = true;
      while (grew) {
        StringBuilder inserted = new StringBuilder();
        for (int i : active) {
          inserted.append(entries.get(i).content()).append('\n');
        }
        grew = false;
        for (int i = 0; i < entries.size(); i++) {
          LoreEntry e = entries.get(i);
          if (!active.contains(i) && e.enabled() && e.triggeredBy(inserted.toString())) {
            active.add(i);
            grew = true;
          }
        }
      }
    }
    List<Integer> kept = new ArrayList<>(active);
    if (book.tokenBudget().isPresent()) {
      int budget = book.tokenBudget().getAsInt();
      // Drop order: lowest priority first; among equals, the one inserted last.
      List<Integer> dropOrder = new ArrayList<>(kept);
      dropOrder.sort(Comparator.<Integer>comparingInt(i -> entries.get(i).priority())
          .thenComparing(Comparator.<Integer>comparingInt(i -> entries.get(i).insertionOrder()).reversed())
          .thenComparing(Comparator.<Integer>reverseOrder()));
      int total = kept.stream().mapToInt(i -> tokens.applyAsInt(entries.get(i))).sum();
      for (int i : dropOrder) {
        if (total <= budget) {
          break;
        }
        total -= tokens.applyAsInt(entries.get(i));
        kept.remove(Integer.valueOf(i));
      }
    }
    kept.sort(Comparator.<Integer>comparingInt(i -> entries.get(i).insertionOrder()).thenComparing(Comparator.naturalOrder()));
    return kept.stream().map(entries::get).toList();
  }
}
