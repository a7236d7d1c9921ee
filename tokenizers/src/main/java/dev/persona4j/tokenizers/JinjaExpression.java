package dev.persona4j.tokenizers;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * One Jinja expression (what lies inside {@code {{ }}} or a tag), split into tokens once by the same scan that
 * finds its closing delimiter, and rewritten in one walk over those tokens into what Jinjava parses the way
 * Jinja does:
 * <ul>
 *   <li>an extended slice {@code x[a:b:c]} (e.g. {@code messages[::-1]}) becomes {@code (x|pyslice(a, b, c))};
 *   <li>a keyword argument's value gets parentheses: Jinjava's {@code =} binds tighter than arithmetic
 *       ({@code namespace(last=messages|length - 1)} would subtract from the parameter);
 *   <li>a prefix {@code not} gets its operand (up to the next {@code and}, {@code or}, {@code if},
 *       {@code else}, comma, colon or closing bracket) in parentheses: Jinja's {@code not} binds looser than
 *       comparisons and tests ({@code not x is defined} is {@code not (x is defined)}), Jinjava's tightest;
 *       {@code is not} and {@code not in} are left alone;
 *   <li>the {@code }}} that closes nested dict literals gets a space, or Jinjava would take it for the end of
 *       the expression.
 * </ul>
 * A macro signature's defaults are not call arguments (Jinjava parses them itself): there only slices and
 * braces are rewritten.
 */
final class JinjaExpression {
  private enum Kind { STRING, NAME, SPACE, OPEN, CLOSE, SYMBOL }

  /** A token: a string literal, a name or number, a run of whitespace, a bracket, or one other character. */
  private static final class Token {
    final Kind kind;
    final int start;
    final int end;
    /** The bracket closing this one, or opening it; -1 when unbalanced. */
    int partner = -1;

    Token(Kind kind, int start, int end) {
      this.kind = kind;
      this.start = start;
      this.end = end;
    }
  }

  /** Words after which {@code not} is a prefix operator rather than part of {@code is not}. */
  private static final Set<String> BEFORE_PREFIX_NOT = Set.of("and", "or", "not", "if", "elif", "else");
  /** Words that end the operand of a prefix {@code not}. */
  private static final Set<String> NOT_OPERAND_ENDS = Set.of("and", "or", "if", "else");

  /** Words that are no callee: {@code not(x)[::-1]} slices {@code (x)}. */
  private static final Set<String> OPERATOR_WORDS = Set.of("and", "or", "not", "in", "is", "if", "else");

  private final String source;
  private final List<Token> tokens;
  private final int from;
  private final int to;
  /** Where the closing delimiter starts in the source. */
  final int closing;

  private JinjaExpression(String source, List<Token> tokens, int from, int to, int closing) {
    this.source = source;
    this.tokens = tokens;
    this.from = from;
    this.to = to;
    this.closing = closing;
  }

  /**
   * Scans from {@code start} to the first {@code delimiter} outside strings and brackets, as Jinja's lexer
   * balances them.
   *
   * @return the expression's tokens, or null when the delimiter never comes (or a string never closes)
   */
  static JinjaExpression scan(String source, int start, String delimiter) {
    List<Token> tokens = new ArrayList<>();
    Deque<Integer> open = new ArrayDeque<>();
    int i = start;
    while (i < source.length()) {
      if (open.isEmpty() && source.startsWith(delimiter, i)) {
        return new JinjaExpression(source, tokens, 0, tokens.size(), i);
      }
      char c = source.charAt(i);
      int next = i + 1;
      Kind kind;
      if (c == '\'' || c == '"') {
        next = stringEnd(source, i);
        if (next < 0) {
          return null;
        }
        kind = Kind.STRING;
      } else if (Character.isJavaIdentifierPart(c)) {
        while (next < source.length() && Character.isJavaIdentifierPart(source.charAt(next))) {
          next++;
        }
        kind = Kind.NAME;
      } else if (Character.isWhitespace(c)) {
        while (next < source.length() && Character.isWhitespace(source.charAt(next))) {
          next++;
        }
        kind = Kind.SPACE;
      } else {
        kind = c == '(' || c == '[' || c == '{' ? Kind.OPEN : c == ')' || c == ']' || c == '}' ? Kind.CLOSE
            : Kind.SYMBOL;
      }
      Token token = new Token(kind, i, next);
      if (kind == Kind.OPEN) {
        open.push(tokens.size());
      } else if (kind == Kind.CLOSE && !open.isEmpty()) {
        token.partner = open.pop();
        tokens.get(token.partner).partner = tokens.size();
      }
      tokens.add(token);
      i = next;
    }
    return null;
  }

  /** Index just past the closing quote of the string literal opening at {@code i}, or -1. */
  private static int stringEnd(String s, int i) {
    char quote = s.charAt(i);
    for (int j = i + 1; j < s.length(); j++) {
      char c = s.charAt(j);
      if (c == '\\') {
        j++;
      } else if (c == quote) {
        return j + 1;
      }
    }
    return -1;
  }

  /** The same expression without its first and/or last token (the whitespace-control signs). */
  JinjaExpression withoutSigns(boolean left, boolean right) {
    return new JinjaExpression(source, tokens, from + (left ? 1 : 0), to - (right ? 1 : 0), closing);
  }

  /** The expression as Jinjava should parse it; {@code tag} when it is a tag's body, whose first word is the tag. */
  String rewrite(boolean tag) {
    StringBuilder out = new StringBuilder();
    new Walk(out, false).expression(from, to, tag, false, false);
    return out.toString();
  }

  /** A macro signature: its defaults are Jinjava's to parse, only slices and braces are rewritten. */
  String rewriteSignature() {
    StringBuilder out = new StringBuilder();
    new Walk(out, true).expression(from, to, false, false, false);
    return out.toString();
  }

  /** A for tag's parts, each rewritten: {@code for TARGETS in ITERABLE [if CONDITION [recursive]]}. */
  record ForLoop(String targets, String iterable, String condition, boolean recursive) {}

  /** This for tag's parts, or null when it has no top-level {@code in}. */
  ForLoop forLoop() {
    int forAt = skipSpace(from, to);
    int inAt = topLevelWord("in", forAt + 1);
    if (inAt < 0) {
      return null;
    }
    int ifAt = topLevelWord("if", inAt + 1);
    if (ifAt < 0) {
      return new ForLoop(part(forAt + 1, inAt), part(inAt + 1, to), null, false);
    }
    int last = lastNonSpace(ifAt + 1, to);
    boolean recursive = last > ifAt + 1 && isWord(last, "recursive") && tokens.get(last - 1).kind == Kind.SPACE;
    return new ForLoop(part(forAt + 1, inAt), part(inAt + 1, ifAt), part(ifAt + 1, recursive ? last : to),
        recursive);
  }

  private String part(int start, int end) {
    return new JinjaExpression(source, tokens, start, end, closing).rewrite(false).strip();
  }

  private int topLevelWord(String word, int start) {
    for (int t = start; t < to; t++) {
      Token token = tokens.get(t);
      if (token.kind == Kind.OPEN) {
        if (token.partner < 0) {
          return -1;
        }
        t = token.partner;
      } else if (isWord(t, word)) {
        return t;
      }
    }
    return -1;
  }

  private boolean isWord(int t, String word) {
    Token token = tokens.get(t);
    return token.kind == Kind.NAME && source.startsWith(word, token.start)
        && token.end - token.start == word.length();
  }

  private boolean isSymbol(int t, char c) {
    Token token = tokens.get(t);
    return token.kind == Kind.SYMBOL && source.charAt(token.start) == c;
  }

  private char first(int t) {
    return source.charAt(tokens.get(t).start);
  }

  private int skipSpace(int t, int end) {
    while (t < end && tokens.get(t).kind == Kind.SPACE) {
      t++;
    }
    return t;
  }

  /** The last token before {@code end} that is not whitespace, or {@code start - 1}. */
  private int lastNonSpace(int start, int end) {
    int t = end - 1;
    while (t >= start && tokens.get(t).kind == Kind.SPACE) {
      t--;
    }
    return t;
  }

  /** Where the bracketed group opening at {@code t} ends (past its closing bracket); {@code end} if unclosed. */
  private int groupEnd(int t, int end) {
    int partner = tokens.get(t).partner;
    return partner < 0 || partner >= end ? end : partner + 1;
  }

  /** One rewrite of an expression into a buffer; {@code signature} rewrites only slices and braces. */
  private final class Walk {
    private final StringBuilder out;
    private final boolean signature;
    /** Where each token's text starts in {@code out}, for the slice rewrite's opening parenthesis. */
    private final int[] at = new int[tokens.size()];

    Walk(StringBuilder out, boolean signature) {
      this.out = out;
      this.signature = signature;
    }

    /**
     * Rewrites tokens {@code [start, end)}. {@code arguments}: they are a call's argument list;
     * {@code followed}: something other than whitespace follows them in the output.
     */
    void expression(int start, int end, boolean tag, boolean arguments, boolean followed) {
      int t = start;
      while (t < end) {
        at[t] = out.length();
        Token token = tokens.get(t);
        if (!signature && arguments && isKeywordArgument(t, start, end)) {
          t = keywordArgument(t, end);
        } else if (!signature && isWord(t, "not") && isPrefixNot(t, start, tag)) {
          t = prefixNot(t, end, followed);
        } else if (token.kind == Kind.OPEN) {
          t = group(t, start, end, followed);
        } else {
          if (token.kind == Kind.CLOSE && first(t) == '}' && out.length() > 0 && out.charAt(out.length() - 1) == '}') {
            out.append(' ');
          }
          out.append(source, token.start, token.end);
          t++;
        }
      }
    }

    /** Tokens {@code [start, end)} without the whitespace at either edge. */
    private void stripped(int start, int end, boolean followed) {
      int last = lastNonSpace(start, end);
      expression(skipSpace(start, end), last + 1, false, false, followed);
    }

    /** {@code name=value} at the start of a call argument: the value gets parentheses. */
    private boolean isKeywordArgument(int t, int start, int end) {
      if (tokens.get(t).kind != Kind.NAME || !Character.isJavaIdentifierStart(first(t))) {
        return false;
      }
      int before = lastNonSpace(start, t);
      if (before >= start && !isSymbol(before, ',')) {
        return false;
      }
      int eq = skipSpace(t + 1, end);
      return eq < end && isSymbol(eq, '=') && !(eq + 1 < end && isSymbol(eq + 1, '='));
    }

    private int keywordArgument(int t, int end) {
      int eq = skipSpace(t + 1, end);
      int valueEnd = eq + 1;
      while (valueEnd < end && !isSymbol(valueEnd, ',')) {
        valueEnd = tokens.get(valueEnd).kind == Kind.OPEN ? groupEnd(valueEnd, end) : valueEnd + 1;
      }
      out.append(source, tokens.get(t).start, tokens.get(eq).end).append('(');
      stripped(eq + 1, valueEnd, true);
      out.append(')');
      return valueEnd;
    }

    /** Whether the {@code not} at {@code t} starts an operand (rather than being part of "is not" / "not in"). */
    private boolean isPrefixNot(int t, int start, boolean tag) {
      int before = lastNonSpace(start, t);
      if (before < start) {
        return true;
      }
      if (tokens.get(before).kind == Kind.NAME) {
        String word = source.substring(tokens.get(before).start, tokens.get(before).end);
        // The first word of a tag body is the tag name: "if not x", "elif not x".
        return BEFORE_PREFIX_NOT.contains(word) || (tag && skipSpace(start, before) == before && !word.equals("is"));
      }
      char c = first(before);
      return c != ')' && c != ']' && c != '}' && c != '\'' && c != '"';
    }

    private int prefixNot(int t, int end, boolean followed) {
      int operandEnd = t + 1;
      while (operandEnd < end) {
        Token token = tokens.get(operandEnd);
        if (token.kind == Kind.CLOSE || isSymbol(operandEnd, ',') || isSymbol(operandEnd, ':')
            || (token.kind == Kind.NAME && NOT_OPERAND_ENDS.contains(source.substring(token.start, token.end)))) {
          break;
        }
        operandEnd = token.kind == Kind.OPEN ? groupEnd(operandEnd, end) : operandEnd + 1;
      }
      out.append("not (");
      stripped(t + 1, operandEnd, false);
      out.append(')');
      if (operandEnd < end ? tokens.get(operandEnd).kind != Kind.SPACE : followed) {
        out.append(' ');
      }
      return operandEnd;
    }

    /** A bracketed group: a call's arguments, an extended slice, or any other brackets. */
    private int group(int t, int start, int end, boolean followed) {
      int partner = tokens.get(t).partner;
      boolean closed = partner >= 0 && partner < end;
      int inner = closed ? partner : end;
      int close = closed ? partner + 1 : end;
      if (closed && first(t) == '[') {
        List<Integer> colons = topLevelColons(t + 1, inner);
        int operand = operandStart(t, start);
        if (colons.size() == 2 && operand < t) {
          out.insert(at[operand], '(').append("|pyslice(");
          sliceBound(t + 1, colons.get(0));
          out.append(", ");
          sliceBound(colons.get(0) + 1, colons.get(1));
          out.append(", ");
          sliceBound(colons.get(1) + 1, inner);
          out.append("))");
          return close;
        }
      }
      out.append(first(t));
      expression(t + 1, inner, false, first(t) == '(' && isCallParenthesis(t, start), closed || followed);
      if (closed) {
        if (first(inner) == '}' && out.charAt(out.length() - 1) == '}') {
          out.append(' ');
        }
        out.append(first(inner));
      }
      return close;
    }

    private void sliceBound(int start, int end) {
      if (lastNonSpace(start, end) < start) {
        out.append("none");
      } else {
        stripped(start, end, true);
      }
    }

    private List<Integer> topLevelColons(int start, int end) {
      List<Integer> colons = new ArrayList<>(2);
      for (int t = start; t < end; t = tokens.get(t).kind == Kind.OPEN ? groupEnd(t, end) : t + 1) {
        if (isSymbol(t, ':')) {
          colons.add(t);
        }
      }
      return colons;
    }

    /** A "(" right after a name, a call or a subscript opens an argument list. */
    private boolean isCallParenthesis(int t, int start) {
      int before = lastNonSpace(start, t);
      return before >= start && (tokens.get(before).kind == Kind.NAME || first(before) == ')' || first(before) == ']');
    }

    /**
     * Start of the postfix expression (a name, literal or parenthesised group, then attributes, calls and
     * subscripts) that the subscript at {@code t} applies to; {@code t} when there is none (a list literal).
     */
    private int operandStart(int t, int start) {
      int s = t;
      while (s > start) {
        Token before = tokens.get(s - 1);
        if (before.kind == Kind.CLOSE && first(s - 1) != '}' && before.partner >= start) {
          s = before.partner; // a call, a subscript or a parenthesised group
        } else if (before.kind == Kind.STRING || (before.kind == Kind.NAME
            && !(tokens.get(s).kind == Kind.OPEN && OPERATOR_WORDS.contains(source.substring(before.start, before.end))))) {
          s--;
          if (s > start && isSymbol(s - 1, '.')) {
            s--;
            continue;
          }
          return s;
        } else {
          return s;
        }
      }
      return s;
    }
  }
}
