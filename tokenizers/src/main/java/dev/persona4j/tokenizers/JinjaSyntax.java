package dev.persona4j.tokenizers;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Rewrites the two pieces of Jinja syntax that Jinjava's parser lacks into equivalent Jinjava constructs,
 * without changing line numbers or whitespace handling:
 *
 * <ul>
 *   <li>extended slices {@code x[a:b:c]} (e.g. {@code messages[::-1]}) become {@code (x|pyslice(a, b, c))};
 *   <li>loop filters {@code {% for x in items if cond %}} (which Jinjava would silently ignore) become a
 *       first loop collecting the matching items into a namespace and a second loop over them, so that
 *       {@code loop.index}, {@code loop.last} and {@code else} count only the kept items, as in Jinja;
 *   <li>{@code {% for %}...{% else %}...{% endfor %}} (Jinjava renders the else branch on every iteration)
 *       records in a namespace whether the loop ran and turns the else branch into an {@code if}.
 * </ul>
 *
 * Everything else, including text, comments and raw blocks, is copied unchanged.
 */
final class JinjaSyntax {
  private JinjaSyntax() {}

  static String rewrite(String source) {
    List<Piece> pieces = split(source);
    // Match each "else" to its innermost open block: an "else" of a for loop needs rewriting.
    Deque<Piece> open = new ArrayDeque<>();
    for (Piece p : pieces) {
      if (p.tagName == null) {
        continue;
      }
      if (BLOCKS.contains(p.tagName) && !(p.tagName.equals("set") && p.body.contains("="))) {
        open.push(p);
      } else if (p.tagName.equals("else") && !open.isEmpty() && open.peek().tagName.equals("for")) {
        open.peek().forElse = p;
      } else if (p.tagName.startsWith("end") && !open.isEmpty()) {
        Piece block = open.pop();
        if (block.forElse != null) {
          block.forElse.elseOf = block;
          p.endOfElse = block;
        }
      }
    }
    StringBuilder out = new StringBuilder(source.length() + 16);
    int counter = 0;
    for (Piece p : pieces) {
      if (p.tagName == null) {
        out.append(p.text);
      } else if (p.tagName.equals("for")) {
        out.append(rewriteFor(p, "__p4j_loop" + (++counter)));
      } else if (p.elseOf != null) {
        out.append(p.open).append(leftMarker(p.body)).append(" endfor %}{% if not ").append(p.elseOf.namespace)
            .append(".entered ").append(rightMarker(p.body)).append(p.close);
      } else if (p.endOfElse != null) {
        out.append(p.open).append(leftMarker(p.body)).append(" endif ").append(rightMarker(p.body)).append(p.close);
      } else {
        out.append(p.open).append(p.body).append(p.close);
      }
    }
    return out.toString();
  }

  private static final Set<String> BLOCKS =
      Set.of("for", "if", "macro", "call", "filter", "set", "block", "autoescape", "unless", "with");

  /** A run of text, a comment, a raw block, or one tag or expression. */
  private static final class Piece {
    String text;
    String open;
    String body;
    String close;
    String tagName;
    Piece forElse;
    Piece elseOf;
    Piece endOfElse;
    String namespace;
  }

  private static List<Piece> split(String source) {
    List<Piece> pieces = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = 0;
    int n = source.length();
    while (i < n) {
      if (source.startsWith("{#", i)) {
        int end = source.indexOf("#}", i + 2);
        end = end < 0 ? n : end + 2;
        text.append(source, i, end);
        i = end;
      } else if (source.startsWith("{{", i) || source.startsWith("{%", i)) {
        boolean tag = source.charAt(i + 1) == '%';
        int end = closing(source, i + 2, tag ? "%}" : "}}");
        if (end < 0) { // unclosed: leave it to the parser to report
          text.append(source, i, n);
          break;
        }
        String body = source.substring(i + 2, end);
        if (tag && isTag(body, "raw")) {
          int endRaw = findEndRaw(source, end + 2);
          text.append(source, i, endRaw);
          i = endRaw;
          continue;
        }
        if (text.length() > 0) {
          Piece t = new Piece();
          t.text = text.toString();
          pieces.add(t);
          text.setLength(0);
        }
        Piece p = new Piece();
        p.open = source.substring(i, i + 2);
        p.body = rewriteSlices(body);
        p.close = source.substring(end, end + 2);
        if (tag) {
          p.tagName = tagName(body);
        } else {
          p.text = p.open + p.body + p.close;
        }
        pieces.add(p);
        i = end + 2;
      } else {
        text.append(source.charAt(i++));
      }
    }
    if (text.length() > 0) {
      Piece t = new Piece();
      t.text = text.toString();
      pieces.add(t);
    }
    return pieces;
  }

  private static String tagName(String body) {
    String t = body.strip();
    if (t.startsWith("-") || t.startsWith("+")) {
      t = t.substring(1).stripLeading();
    }
    int end = 0;
    while (end < t.length() && Character.isJavaIdentifierPart(t.charAt(end))) {
      end++;
    }
    return t.substring(0, end);
  }

  /** The whitespace-control marker ("-" or "+") right after the opening delimiter, or "". */
  private static String leftMarker(String body) {
    return body.startsWith("-") || body.startsWith("+") ? body.substring(0, 1) : "";
  }

  /** The whitespace-control marker right before the closing delimiter, or "". */
  private static String rightMarker(String body) {
    String t = body.stripTrailing();
    return t.endsWith("-") || t.endsWith("+") ? t.substring(t.length() - 1) : "";
  }

  /** The index of the closing delimiter, skipping string literals; -1 when there is none. */
  private static int closing(String s, int from, String delimiter) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        i = skipString(s, i);
        if (i < 0) {
          return -1;
        }
      } else if (s.startsWith(delimiter, i)) {
        return i;
      }
    }
    return -1;
  }

  /** Index of the closing quote of the string literal opening at {@code i}, or -1. */
  private static int skipString(String s, int i) {
    char quote = s.charAt(i);
    for (int j = i + 1; j < s.length(); j++) {
      char c = s.charAt(j);
      if (c == '\\') {
        j++;
      } else if (c == quote) {
        return j;
      }
    }
    return -1;
  }

  private static boolean isTag(String body, String name) {
    String t = body.strip();
    if (t.startsWith("-") || t.startsWith("+")) {
      t = t.substring(1).stripLeading();
    }
    return t.startsWith(name) && (t.length() == name.length() || !Character.isJavaIdentifierPart(t.charAt(name.length())));
  }

  private static int findEndRaw(String s, int from) {
    int i = from;
    while (true) {
      int open = s.indexOf("{%", i);
      if (open < 0) {
        return s.length();
      }
      int end = closing(s, open + 2, "%}");
      if (end < 0) {
        return s.length();
      }
      if (isTag(s.substring(open + 2, end), "endraw")) {
        return end + 2;
      }
      i = end + 2;
    }
  }

  /** Rewrites every {@code x[a:b:c]} in an expression into {@code (x|pyslice(a, b, c))}. */
  static String rewriteSlices(String e) {
    String current = e;
    while (true) {
      String next = rewriteFirstSlice(current);
      if (next == null) {
        return current;
      }
      current = next;
    }
  }

  private static String rewriteFirstSlice(String e) {
    for (int i = 0; i < e.length(); i++) {
      char c = e.charAt(i);
      if (c == '\'' || c == '"') {
        int end = skipString(e, i);
        if (end < 0) {
          return null;
        }
        i = end;
      } else if (c == '[') {
        int close = matching(e, i);
        if (close < 0) {
          return null;
        }
        String inner = e.substring(i + 1, close);
        List<String> parts = splitTopLevel(inner, ':');
        if (parts.size() == 3) {
          int start = operandStart(e, i);
          if (start == i) {
            continue; // a list literal cannot hold two colons; leave it to the parser to complain
          }
          String operand = e.substring(start, i);
          String args = String.join(", ", arg(parts.get(0)), arg(parts.get(1)), arg(parts.get(2)));
          return e.substring(0, start) + "(" + operand + "|pyslice(" + args + "))" + e.substring(close + 1);
        }
      }
    }
    return null;
  }

  private static String arg(String part) {
    return part.isBlank() ? "none" : part.strip();
  }

  /** Index of the bracket closing the one at {@code open}, or -1. */
  private static int matching(String e, int open) {
    int depth = 0;
    for (int i = open; i < e.length(); i++) {
      char c = e.charAt(i);
      if (c == '\'' || c == '"') {
        i = skipString(e, i);
        if (i < 0) {
          return -1;
        }
      } else if (c == '[' || c == '(' || c == '{') {
        depth++;
      } else if (c == ']' || c == ')' || c == '}') {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  private static List<String> splitTopLevel(String s, char separator) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int from = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        int end = skipString(s, i);
        i = end < 0 ? s.length() : end;
      } else if (c == '[' || c == '(' || c == '{') {
        depth++;
      } else if (c == ']' || c == ')' || c == '}') {
        depth--;
      } else if (c == separator && depth == 0) {
        parts.add(s.substring(from, i));
        from = i + 1;
      }
    }
    parts.add(s.substring(from));
    return parts;
  }

  /** Start of the postfix expression (names, attribute access, calls, subscripts, literals) ending at {@code end}. */
  private static int operandStart(String e, int end) {
    int i = end;
    while (i > 0) {
      char c = e.charAt(i - 1);
      if (c == ')' || c == ']') {
        int open = openingBackwards(e, i - 1);
        if (open < 0) {
          return i;
        }
        i = open;
      } else if (c == '\'' || c == '"') {
        int j = i - 2;
        while (j >= 0 && (e.charAt(j) != c || (j > 0 && e.charAt(j - 1) == '\\'))) {
          j--;
        }
        if (j < 0) {
          return i;
        }
        i = j;
      } else if (Character.isJavaIdentifierPart(c)) {
        while (i > 0 && Character.isJavaIdentifierPart(e.charAt(i - 1))) {
          i--;
        }
      } else {
        return i;
      }
      if (i > 0 && e.charAt(i - 1) == '.') {
        i--;
        continue;
      }
      if (i > 0 && (e.charAt(i - 1) == ')' || e.charAt(i - 1) == ']')
          && (e.charAt(i) == '(' || e.charAt(i) == '[')) {
        continue; // a call or subscript applied to what precedes it
      }
      return i;
    }
    return i;
  }

  private static int openingBackwards(String e, int close) {
    int depth = 0;
    for (int i = close; i >= 0; i--) {
      char c = e.charAt(i);
      if (c == ')' || c == ']' || c == '}') {
        depth++;
      } else if (c == '(' || c == '[' || c == '{') {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  /**
   * A for tag, rewritten when Jinjava would get it wrong: a loop filter ({@code for x in items if cond})
   * becomes a collecting loop plus a loop over the kept items; a loop with an {@code else} branch records in a
   * namespace whether it ran, and its {@code else} becomes an {@code if} on that record.
   */
  private static String rewriteFor(Piece p, String ns) {
    String body = p.body;
    String left = leftMarker(body);
    String right = rightMarker(body);
    String core = body.strip();
    core = core.substring(left.length(), core.length() - right.length()).strip().substring("for".length());
    int inAt = keyword(core, "in", 0);
    int ifAt = inAt < 0 ? -1 : keyword(core, "if", inAt + 2);
    if (inAt < 0 || (ifAt < 0 && p.forElse == null)) {
      return p.open + p.body + p.close;
    }
    p.namespace = ns;
    String vars = core.substring(0, inAt).strip();
    String iterable = core.substring(inAt + 2, ifAt < 0 ? core.length() : ifAt).strip();
    String recursive = "";
    StringBuilder out = new StringBuilder();
    out.append(p.open).append(left).append(" set ").append(ns).append(" = namespace(items=[], entered=false) %}");
    if (ifAt >= 0) {
      String condition = core.substring(ifAt + 2).strip();
      if (condition.endsWith(" recursive")) {
        recursive = " recursive";
        condition = condition.substring(0, condition.length() - " recursive".length()).strip();
      }
      String item = vars.contains(",") ? "[" + vars + "]" : vars;
      out.append("{% for ").append(vars).append(" in ").append(iterable).append(" %}{% if ").append(condition)
          .append(" %}{% set ").append(ns).append(".items = ").append(ns).append(".items + [").append(item)
          .append("] %}{% endif %}{% endfor %}");
      iterable = ns + ".items";
    } else if (iterable.endsWith(" recursive")) {
      recursive = " recursive";
      iterable = iterable.substring(0, iterable.length() - " recursive".length()).strip();
    }
    out.append("{% for ").append(vars).append(" in ").append(iterable).append(recursive).append(" %}");
    if (p.forElse != null) {
      out.append("{% set ").append(ns).append(".entered = true %}");
    }
    // The last tag carries the original closing whitespace control.
    int last = out.lastIndexOf(" %}");
    out.replace(last, out.length(), " " + right + p.close);
    return out.toString();
  }

  /** Position of a keyword (as a whole word) outside strings and brackets, from {@code from}; -1 if absent. */
  private static int keyword(String s, String word, int from) {
    int depth = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        int end = skipString(s, i);
        if (end < 0) {
          return -1;
        }
        i = end;
      } else if (c == '[' || c == '(' || c == '{') {
        depth++;
      } else if (c == ']' || c == ')' || c == '}') {
        depth--;
      } else if (depth == 0 && s.startsWith(word, i)
          && (i == 0 || !Character.isJavaIdentifierPart(s.charAt(i - 1)))
          && (i + word.length() == s.length() || !Character.isJavaIdentifierPart(s.charAt(i + word.length())))) {
        return i;
      }
    }
    return -1;
  }
}
