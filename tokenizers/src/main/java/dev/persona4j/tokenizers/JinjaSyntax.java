package dev.persona4j.tokenizers;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Jinja's lexical layer, applied in one pass before Jinjava parses a template, plus rewrites of the Jinja
 * syntax Jinjava lacks. Each tag and expression is split into tokens once, by the scan that finds where it
 * closes, and rewritten once from those tokens ({@link JinjaExpression}). Line numbers are preserved exactly (removed newlines move into empty comments), so
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
 *   <li>in expressions, extended slices, keyword arguments, prefix {@code not} and nested dict literals
 *       ({@link JinjaExpression});
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
    JinjaExpression expression; // BLOCK, VARIABLE: the body's tokens
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
          out.append("{{").append(p.expression.rewrite(false)).append("}}");
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
            out.append("{%").append("macro".equals(p.tagName)
                ? p.expression.rewriteSignature() : p.expression.rewrite(true)).append("%}");
          }
          break;
        default:
          throw new IllegalStateException(p.kind.toString());
      }
      emitNewlines(out, p.newlinesAfter);
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
      JinjaExpression expression = JinjaExpression.scan(s, i + 2, block ? "%}" : "}}");
      if (expression == null) {
        throw unclosed(s, i, block ? "Unclosed tag: missing %}" : "Unclosed expression: missing }}");
      }
      Piece p = delimited(block ? Kind.BLOCK : Kind.VARIABLE, s.substring(i + 2, expression.closing));
      p.expression = expression.withoutSigns(p.left != 0, p.right != 0);
      i = expression.closing + 2;
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
    JinjaExpression.ForLoop loop = p.expression.forLoop();
    if (loop == null || (loop.condition() == null && p.forElse == null)) {
      return "{%" + p.expression.rewrite(true) + "%}";
    }
    p.namespace = ns;
    String vars = loop.targets();
    String iterable = loop.iterable();
    String recursive = loop.recursive() ? " recursive" : "";
    StringBuilder out = new StringBuilder();
    out.append("{% set ").append(ns).append(" = namespace(items=[], entered=false) %}");
    if (loop.condition() != null) {
      String condition = loop.condition();
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
}
