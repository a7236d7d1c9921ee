package dev.persona4j.core.prompt;

import dev.persona4j.tokenizers.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes assembled prompt text and attributes every token to the piece it came from. The ids are the
 * encoding of the whole text (what the model would see from the text alone); a piece boundary falls at the
 * first token where encoding the text up to the boundary and encoding the whole text disagree, so a token
 * that straddles a boundary belongs to the later piece.
 */
final class Tokenization {
  private static final Logger LOG = LoggerFactory.getLogger(Tokenization.class);

  record Result(String text, int[] ids, List<Section> sections) {}

  private final Tokenizer tokenizer;
  private final boolean addSpecialTokens;

  Tokenization(Tokenizer tokenizer, boolean addSpecialTokens) {
    this.tokenizer = tokenizer;
    this.addSpecialTokens = addSpecialTokens;
  }

  static String text(List<Piece> pieces) {
    StringBuilder sb = new StringBuilder();
    pieces.forEach(p -> sb.append(p.text()));
    return sb.toString();
  }

  /** Tokens the text takes. */
  int count(String text) {
    return encodeWhole(text).ids.length;
  }

  private record Encoded(int[] ids, int specialPrefix, int[] plain) {}

  /**
   * The ids of the whole text: with special tokens the tokenizer's post-processor adds in front (a BOS), but
   * none it would append (an EOS at the end of a prompt would tell the model the text is over).
   */
  private Encoded encodeWhole(String text) {
    int[] plain = tokenizer.encode(text, false);
    if (!addSpecialTokens) {
      return new Encoded(plain, 0, plain);
    }
    int[] with = tokenizer.encode(text, true);
    for (int p = 0; p + plain.length <= with.length; p++) {
      if (Arrays.equals(with, p, p + plain.length, plain, 0, plain.length)) {
        return new Encoded(Arrays.copyOf(with, p + plain.length), p, plain);
      }
    }
    LOG.warn("Encoding with special tokens changed the text's own tokens; using the encoding without them");
    return new Encoded(plain, 0, plain);
  }

  Result tokenize(List<Piece> rawPieces) {
    List<Piece> pieces = merge(rawPieces);
    String text = text(pieces);
    Encoded whole = encodeWhole(text);
    List<Section> sections = new ArrayList<>();
    int charAt = 0;
    int tokenStart = 0;
    for (int i = 0; i < pieces.size(); i++) {
      Piece piece = pieces.get(i);
      charAt += piece.text().length();
      int tokenEnd;
      if (i == pieces.size() - 1) {
        tokenEnd = whole.ids.length;
      } else {
        int[] prefix = tokenizer.encode(text.substring(0, charAt), false);
        tokenEnd = Math.max(tokenStart, whole.specialPrefix + commonPrefix(prefix, whole.plain));
      }
      if (tokenEnd > tokenStart) {
        Section last = sections.isEmpty() ? null : sections.get(sections.size() - 1);
        if (last != null && last.kind() == piece.kind()) {
          sections.set(sections.size() - 1, new Section(piece.kind(), last.start(), tokenEnd));
        } else {
          sections.add(new Section(piece.kind(), tokenStart, tokenEnd));
        }
      }
      tokenStart = tokenEnd;
    }
    return new Result(text, whole.ids, sections);
  }

  private static List<Piece> merge(List<Piece> pieces) {
    List<Piece> out = new ArrayList<>();
    for (Piece p : pieces) {
      if (p.text().isEmpty()) {
        continue;
      }
      Piece last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last.kind() == p.kind()) {
        out.set(out.size() - 1, new Piece(p.kind(), last.text() + p.text()));
      } else {
        out.add(p);
      }
    }
    return out;
  }

  private static int commonPrefix(int[] a, int[] b) {
    int n = Math.min(a.length, b.length);
    int i = Arrays.mismatch(a, 0, n, b, 0, n);
    return i < 0 ? n : i;
  }
}
