package dev.persona4j.tokenizers;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Jinja's lexical layer, applied before Jinjava parses a template, plus rewrites of the Jinja syntax
 * Jinjava lacks. Line numbers are preserved exactly (removed newlines move into empty comments), so
 * Jinjava's error lines stay those of the template as written.
 *
 * <p>Whitespace, exactly as Jinja's lexer does it with transformers' settings:
 * <ul>
 *   <li>newlines normalised to {@code \n}, and a single trailing newline dropped (keep_trailing_newline off);
 *   <li>{@code -} markers strip all whitespace on their side; {@code +} markers disable the block rules;
 *   <li>trim_blocks: the first newline after a block tag, comment or raw block is removed;
 *   <li>lstrip_blocks: spaces and tabs from the start of a line to a block tag or comment are removed.
 * </ul>
 * Jinjava's own trim_blocks/lstrip_blocks stay off: they drop newlines from its line count, so its error
 * lines would be wrong.
 *
 * <p>Syntax Jinjava does not have, rewritten into equivalent Jinjava constructs:
 * <ul>
 *   <li>extended slices {@code x[a:b:c]} (e.g. {@code messages[::-1]}) become {@code (x|pyslice(a, b, c))};
 *   <li>loop filters {@code {% for x in items if cond %}} (which Jinjava silently ignores) become a loop
 *       collecting the kept items into a namespace and a loop over them, so {@code loop.index},
 *       {@code loop.last} and {@code else} count only the kept items, as in Jinja;
 *   <li>{@code {% for %}...{% else %}...{% endfor %}} (Jinjava renders the else branch on every iteration)
 *       records in a namespace whether the loop ran and turns the else branch into an {@code if}.
 * </ul>
 */
final class JinjaSyntax {
  private JinjaSyntax() {}

  private enum Kind { TEXT, BLOCK, VARIABLE, COMMENT, RAW }

  private static final Set<String> BLOCKS =
      Set.of("for", "if", "macro", "call", "filter", "set", "block", "autoescape", "unless", "with");

  /** A run of text, or one delimited piece with its whitespace-control signs taken off. */
  private static final class Piece {
    final Kind kind;
    String text; // TEXT: the text; RAW: the raw content
    String body; // BLOCK, VARIABLE, COMMENT: what lies between the delimiters and the signs
    char left; // '-', '+' or 0
    char right;
    char rawBeginRight;
    char rawEndLeft;
    String tagName;
    int newlinesBefore; // newlines removed by whitespace control, re-emitted in an empty comment
    int newlinesAfter;
    Piece forElse;
    Piece elseOf;
    Piece endOfElse;
    String namespace;

    Piece(Kind kind) {
      this.kind = kind;
    }

    boolean isBlockLike() {
      return kind == Kind.BLOCK || kind == Kind.COMMENT || kind == Kind.RAW;
    }
  }

  /**
   * The template as Jinjava should see it.
   *
   * @throws TemplateException for an unclosed tag, expression, comment or raw block
   */
  static String rewrite(String template) {
    String source = template.replace("\r\n", "\n").replace('\r', '\n');
    if (source.endsWith("\n")) {
      source = source.substring(0, source.length() - 1);
    }
    List<Piece> pieces = lex(source);
    applyWhitespaceControl(pieces);
    matchForElse(pieces);
    StringBuilder out = new StringBuilder(source.length() + 64);
    int counter = 0;
    for (Piece p : pieces) {
      emitNewlines(out, p.newlinesBefore);
      switch (p.kind) {
        case TEXT:
          out.append(p.text);
          break;
        case VARIABLE:
          out.append("{{").append(expression(p.body, false)).append("}}");
          break;
        case COMMENT:
          out.append("{#").append(p.body).append("#}");
          break;
        case RAW:
          out.append("{% raw %}").append(p.text).append("{% endraw %}");
          break;
        case BLOCK:
          if ("for".equals(p.tagName)) {
            out.append(rewriteFor(p, "__p4j_loop" + (++counter)));
          } else if (p.elseOf != null) {
            out.append("{% endfor %}{% if not ").append(p.elseOf.namespace).append(".entered %}");
          } else if (p.endOfElse != null) {
            out.append("{% endif %}");
          } else {
            // A macro signature's defaults are not call arguments: Jinjava parses them itself.
            out.append("{%").append("macro".equals(p.tagName)
                ? spaceBraces(rewriteSlices(p.body)) : expression(p.body, true)).append("%}");
          }
          break;
        default:
          throw new IllegalStateException(p.kind.toString());
      }
      emitNewlines(out, p.newlinesAfter);
    }
    return out.toString();
  }

  /** An expression or tag body as Jinjava should parse it. */
  private static String expression(String body, boolean tag) {
    return spaceBraces(parenthesizeNot(parenthesizeKeywordArguments(rewriteSlices(body)), tag));
  }

  /**
   * In Jinja a keyword argument's value is a whole expression; Jinjava's "=" binds tighter than arithmetic
   * ({@code namespace(last=messages|length - 1)} would subtract from the parameter). Each keyword argument
   * value of a call gets parentheses.
   */
  static String parenthesizeKeywordArguments(String e) {
    StringBuilder out = new StringBuilder(e.length() + 8);
    Deque<Boolean> calls = new ArrayDeque<>();
    int i = 0;
    while (i < e.length()) {
      char c = e.charAt(i);
      if (c == '\'' || c == '"') {
        int end = skipString(e, i);
        int stop = end < 0 ? e.length() : end + 1;
        out.append(e, i, stop);
        i = stop;
        continue;
      }
      if (c == '(' || c == '[' || c == '{') {
        calls.push(c == '(' && isCallParen(e, i));
      } else if ((c == ')' || c == ']' || c == '}') && !calls.isEmpty()) {
        calls.pop();
      } else if (Character.isJavaIdentifierStart(c) && !calls.isEmpty() && calls.peek()
          && argumentStart(e, i)) {
        int nameEnd = i;
        while (nameEnd < e.length() && Character.isJavaIdentifierPart(e.charAt(nameEnd))) {
          nameEnd++;
        }
        int eq = nameEnd;
        while (eq < e.length() && Character.isWhitespace(e.charAt(eq))) {
          eq++;
        }
        if (eq < e.length() && e.charAt(eq) == '=' && (eq + 1 >= e.length() || e.charAt(eq + 1) != '=')) {
          int valueEnd = argumentEnd(e, eq + 1);
          out.append(e, i, eq + 1).append('(')
              .append(parenthesizeKeywordArguments(e.substring(eq + 1, valueEnd).strip())).append(')');
          i = valueEnd;
          continue;
        }
        out.append(e, i, nameEnd);
        i = nameEnd;
        continue;
      }
      out.append(c);
      i++;
    }
    return out.toString();
  }

  /** A "(" right after a name, a call or a subscript opens an argument list. */
  private static boolean isCallParen(String e, int i) {
    int j = i - 1;
    while (j >= 0 && Character.isWhitespace(e.charAt(j))) {
      j--;
    }
    return j >= 0 && (Character.isJavaIdentifierPart(e.charAt(j)) || e.charAt(j) == ')' || e.charAt(j) == ']');
  }

  private static boolean argumentStart(String e, int i) {
    int j = i - 1;
    while (j >= 0 && Character.isWhitespace(e.charAt(j))) {
      j--;
    }
    return j >= 0 && (e.charAt(j) == '(' || e.charAt(j) == ',');
  }

  /** End of an argument starting at {@code from}: the next top-level comma or the closing parenthesis. */
  private static int argumentEnd(String e, int from) {
    int depth = 0;
    for (int i = from; i < e.length(); i++) {
      char c = e.charAt(i);
      if (c == '\'' || c == '"') {
        int end = skipString(e, i);
        if (end < 0) {
          return e.length();
        }
        i = end;
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        if (depth == 0) {
          return i;
        }
        depth--;
      } else if (c == ',' && depth == 0) {
        return i;
      }
    }
    return e.length();
  }

  private static final Set<String> BEFORE_PREFIX_NOT = Set.of("and", "or", "not", "if", "elif", "else");

  /**
   * Jinja's {@code not} binds looser than comparisons and tests ({@code not x is defined} is
   * {@code not (x is defined)}), Jinjava's binds tightest: each prefix {@code not} gets its operand — up to
   * the next {@code and}, {@code or}, {@code if}, {@code else}, comma, colon or closing bracket — in
   * parentheses. {@code is not} and {@code not in} are left alone.
   */
  static String parenthesizeNot(String e, boolean tag) {
    StringBuilder out = new StringBuilder(e.length() + 8);
    int i = 0;
    while (i < e.length()) {
      char c = e.charAt(i);
      if (c == '\'' || c == '"') {
        int end = skipString(e, i);
        int stop = end < 0 ? e.length() : end + 1;
        out.append(e, i, stop);
        i = stop;
      } else if (isWord(e, i, "not") && isPrefixPosition(e, i, tag)) {
        int end = operandEnd(e, i + 3);
        out.append("not (").append(parenthesizeNot(e.substring(i + 3, end).strip(), false)).append(")");
        if (end < e.length() && !Character.isWhitespace(e.charAt(end))) {
          out.append(' ');
        }
        i = end;
      } else if (Character.isJavaIdentifierPart(c)) {
        int j = i;
        while (j < e.length() && Character.isJavaIdentifierPart(e.charAt(j))) {
          j++;
        }
        out.append(e, i, j);
        i = j;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static boolean isWord(String e, int i, String word) {
    return e.startsWith(word, i) && (i == 0 || !Character.isJavaIdentifierPart(e.charAt(i - 1)))
        && (i + word.length() == e.length() || !Character.isJavaIdentifierPart(e.charAt(i + word.length())));
  }

  /** Whether a {@code not} at {@code i} starts an operand (rather than being part of "is not" / "not in"). */
  private static boolean isPrefixPosition(String e, int i, boolean tag) {
    int j = i - 1;
    while (j >= 0 && Character.isWhitespace(e.charAt(j))) {
      j--;
    }
    if (j < 0) {
      return true;
    }
    char c = e.charAt(j);
    if (Character.isJavaIdentifierPart(c)) {
      int start = j;
      while (start > 0 && Character.isJavaIdentifierPart(e.charAt(start - 1))) {
        start--;
      }
      String word = e.substring(start, j + 1);
      // The first word of a tag body is the tag name: "if not x", "elif not x".
      boolean tagName = tag && e.substring(0, start).isBlank();
      return BEFORE_PREFIX_NOT.contains(word) || (tagName && !word.equals("is"));
    }
    return c != ')' && c != ']' && c != '}' && c != '\'' && c != '"';
  }

  /** Where the operand of a prefix {@code not} starting at {@code from} ends. */
  private static int operandEnd(String e, int from) {
    int depth = 0;
    for (int i = from; i < e.length(); i++) {
      char c = e.charAt(i);
      if (c == '\'' || c == '"') {
        int end = skipString(e, i);
        if (end < 0) {
          return e.length();
        }
        i = end;
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        if (depth == 0) {
          return i;
        }
        depth--;
      } else if (depth == 0 && (c == ',' || c == ':')) {
        return i;
      } else if (depth == 0 && (isWord(e, i, "and") || isWord(e, i, "or") || isWord(e, i, "if")
          || isWord(e, i, "else"))) {
        return i;
      } else if (Character.isJavaIdentifierPart(c)) {
        while (i + 1 < e.length() && Character.isJavaIdentifierPart(e.charAt(i + 1))) {
          i++;
        }
      }
    }
    return e.length();
  }

  /** Nested dict literals close with "}}", which Jinjava's scanner would take for the end of the expression. */
  private static String spaceBraces(String body) {
    if (!body.contains("}}")) {
      return body;
    }
    StringBuilder out = new StringBuilder(body.length() + 4);
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\'' || c == '"') {
        int end = skipString(body, i);
        int stop = end < 0 ? body.length() : end + 1;
        out.append(body, i, stop);
        i = stop - 1;
      } else {
        out.append(c);
        if (c == '}' && i + 1 < body.length() && body.charAt(i + 1) == '}') {
          out.append(' ');
        }
      }
    }
    return out.toString();
  }

  private static void emitNewlines(StringBuilder out, int count) {
    if (count > 0) {
      out.append("{#").append("\n".repeat(count)).append("#}");
    }
  }

  // ---------------------------------------------------------------- lexing

  private static List<Piece> lex(String s) {
    List<Piece> pieces = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = 0;
    int n = s.length();
    while (i < n) {
      boolean comment = s.startsWith("{#", i);
      boolean block = s.startsWith("{%", i);
      boolean variable = s.startsWith("{{", i);
      if (!comment && !block && !variable) {
        text.append(s.charAt(i++));
        continue;
      }
      flushText(pieces, text);
      if (comment) {
        int end = s.indexOf("#}", i + 2);
        if (end < 0) {
          throw unclosed(s, i, "Missing end of comment tag");
        }
        Piece p = delimited(Kind.COMMENT, s.substring(i + 2, end));
        pieces.add(p);
        i = end + 2;
        continue;
      }
      int end = closing(s, i + 2, block ? "%}" : "}}");
      if (end < 0) {
        throw unclosed(s, i, block ? "Unclosed tag: missing %}" : "Unclosed expression: missing }}");
      }
      Piece p = delimited(block ? Kind.BLOCK : Kind.VARIABLE, s.substring(i + 2, end));
      i = end + 2;
      if (block && "raw".equals(p.tagName) && p.body.strip().equals("raw") && p.right != '+') {
        i = raw(s, i, p, pieces);
        continue;
      }
      pieces.add(p);
    }
    flushText(pieces, text);
    return pieces;
  }

  private static void flushText(List<Piece> pieces, StringBuilder text) {
    if (text.length() > 0) {
      Piece t = new Piece(Kind.TEXT);
      t.text = text.toString();
      pieces.add(t);
      text.setLength(0);
    }
  }

  private static Piece delimited(Kind kind, String inner) {
    Piece p = new Piece(kind);
    String body = inner;
    if (!body.isEmpty() && (body.charAt(0) == '-' || body.charAt(0) == '+')) {
      p.left = body.charAt(0);
      body = body.substring(1);
    }
    char last = body.isEmpty() ? 0 : body.charAt(body.length() - 1);
    if (last == '-' || (last == '+' && kind != Kind.VARIABLE)) { // Jinja has no "+}}"
      p.right = body.charAt(body.length() - 1);
      body = body.substring(0, body.length() - 1);
    }
    p.body = body;
    if (kind == Kind.BLOCK) {
      String t = body.strip();
      int end = 0;
      while (end < t.length() && Character.isJavaIdentifierPart(t.charAt(end))) {
        end++;
      }
      p.tagName = t.substring(0, end);
    }
    return p;
  }

  /** Reads a raw block whose opening tag is {@code begin} and ends at {@code from}; returns where it ends. */
  private static int raw(String s, int from, Piece begin, List<Piece> pieces) {
    int search = from;
    while (true) {
      int open = s.indexOf("{%", search);
      if (open < 0) {
        throw unclosed(s, from, "Missing end of raw directive");
      }
      int close = s.indexOf("%}", open + 2);
      if (close < 0) {
        throw unclosed(s, from, "Missing end of raw directive");
      }
      Piece end = delimited(Kind.BLOCK, s.substring(open + 2, close));
      if ("endraw".equals(end.tagName) && end.body.strip().equals("endraw")) {
        Piece raw = new Piece(Kind.RAW);
        raw.text = s.substring(from, open);
        raw.left = begin.left;
        raw.rawBeginRight = begin.right;
        raw.rawEndLeft = end.left;
        raw.right = end.right;
        pieces.add(raw);
        return close + 2;
      }
      search = open + 2;
    }
  }

  private static TemplateException unclosed(String s, int at, String message) {
    int line = 1;
    for (int i = 0; i < at; i++) {
      if (s.charAt(i) == '\n') {
        line++;
      }
    }
    return new TemplateException(message, false, line);
  }

  /** Index of the closing delimiter outside strings and brackets, as Jinja's lexer balances them; -1 if none. */
  private static int closing(String s, int from, String delimiter) {
    int depth = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        i = skipString(s, i);
        if (i < 0) {
          return -1;
        }
      } else if (depth == 0 && s.startsWith(delimiter, i)) {
        return i;
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
        depth--;
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

  // ---------------------------------------------------------------- whitespace control

  private static void applyWhitespaceControl(List<Piece> pieces) {
    for (int k = 0; k < pieces.size(); k++) {
      Piece p = pieces.get(k);
      if (p.kind == Kind.RAW) {
        trimRawContent(p);
      }
      if (p.kind != Kind.TEXT) {
        continue;
      }
      Piece prev = k > 0 ? pieces.get(k - 1) : null;
      Piece next = k + 1 < pieces.size() ? pieces.get(k + 1) : null;
      String text = p.text;
      boolean lineStarting = prev == null;
      if (prev != null && prev.right == '-') {
        int cut = leadingSpace(text);
        lineStarting = cut > 0 && text.charAt(cut - 1) == '\n';
        prev.newlinesAfter += count(text, 0, cut);
        text = text.substring(cut);
      } else if (prev != null && prev.isBlockLike() && prev.right != '+' && text.startsWith("\n")) {
        lineStarting = true;
        prev.newlinesAfter += 1;
        text = text.substring(1);
      }
      if (next != null && next.left == '-') {
        int keep = trailingSpaceStart(text);
        next.newlinesBefore += count(text, keep, text.length());
        text = text.substring(0, keep);
      } else if (next != null && next.isBlockLike() && next.left != '+') {
        text = lstripBlock(text, lineStarting);
      }
      p.text = text;
    }
  }

  /** lstrip_blocks: drops a whitespace-only tail of the last line (of the first, only at a line start). */
  private static String lstripBlock(String text, boolean lineStarting) {
    int lineStart = text.lastIndexOf('\n') + 1;
    if ((lineStart > 0 || lineStarting) && lineStart < text.length()
        && trailingSpaceStart(text) <= lineStart) {
      return text.substring(0, lineStart);
    }
    return text;
  }

  private static void trimRawContent(Piece raw) {
    String content = raw.text;
    boolean lineStarting = false;
    int removed = 0;
    if (raw.rawBeginRight == '-') {
      int cut = leadingSpace(content);
      lineStarting = cut > 0 && content.charAt(cut - 1) == '\n';
      removed += count(content, 0, cut);
      content = content.substring(cut);
    }
    if (raw.rawEndLeft == '-') {
      int keep = trailingSpaceStart(content);
      removed += count(content, keep, content.length());
      content = content.substring(0, keep);
    } else if (raw.rawEndLeft != '+') {
      content = lstripBlock(content, lineStarting);
    }
    raw.text = content;
    raw.newlinesBefore += removed;
  }

  private static int leadingSpace(String s) {
    int i = 0;
    while (i < s.length() && Py.isSpace(s.codePointAt(i))) {
      i += Character.charCount(s.codePointAt(i));
    }
    return i;
  }

  private static int trailingSpaceStart(String s) {
    int i = s.length();
    while (i > 0 && Py.isSpace(s.codePointBefore(i))) {
      i -= Character.charCount(s.codePointBefore(i));
    }
    return i;
  }

  private static int count(String s, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == '\n') {
        n++;
      }
    }
    return n;
  }

  // ---------------------------------------------------------------- for loops

  /** Pairs each for loop with its own {@code else} and {@code endfor}, past nested blocks. */
  private static void matchForElse(List<Piece> pieces) {
    Deque<Piece> open = new ArrayDeque<>();
    for (Piece p : pieces) {
      if (p.kind != Kind.BLOCK) {
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
  }

  /**
   * A for tag, rewritten when Jinjava would get it wrong: a loop filter becomes a collecting loop plus a
   * loop over the kept items; a loop with an {@code else} records in a namespace whether it ran.
   */
  private static String rewriteFor(Piece p, String ns) {
    String core = expression(p.body, true).strip().substring("for".length());
    int inAt = keyword(core, "in", 0);
    int ifAt = inAt < 0 ? -1 : keyword(core, "if", inAt + 2);
    if (inAt < 0 || (ifAt < 0 && p.forElse == null)) {
      return "{%" + expression(p.body, true) + "%}";
    }
    p.namespace = ns;
    String vars = core.substring(0, inAt).strip();
    String iterable = core.substring(inAt + 2, ifAt < 0 ? core.length() : ifAt).strip();
    String recursive = "";
    StringBuilder out = new StringBuilder();
    out.append("{% set ").append(ns).append(" = namespace(items=[], entered=false) %}");
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
    }
    out.append("{% for ").append(vars).append(" in ").append(iterable).append(recursive).append(" %}");
    if (p.forElse != null) {
      out.append("{% set ").append(ns).append(".entered = true %}");
    }
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

  // ---------------------------------------------------------------- extended slices

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
        List<String> parts = splitTopLevel(e.substring(i + 1, close), ':');
        if (parts.size() == 3) {
          int start = operandStart(e, i);
          if (start == i) {
            continue; // a list literal cannot hold two colons: the parser will report it
          }
          String args = String.join(", ", arg(parts.get(0)), arg(parts.get(1)), arg(parts.get(2)));
          return e.substring(0, start) + "(" + e.substring(start, i) + "|pyslice(" + args + "))"
              + e.substring(close + 1);
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

  /** Start of the postfix expression (names, attributes, calls, subscripts, literals) ending at {@code end}. */
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
      if (i > 0 && (e.charAt(i - 1) == ')' || e.charAt(i - 1) == ']')) {
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
}
