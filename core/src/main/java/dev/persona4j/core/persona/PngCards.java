package dev.persona4j.core.persona;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The PNG side of character cards: card JSON travels base64-encoded in {@code tEXt} chunks keyed
 * {@code chara} (V1/V2) and {@code ccv3} (V3). Reads tEXt and uncompressed or deflated iTXt; writes tEXt.
 */
final class PngCards {
  static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  static final String CHARA = "chara";
  static final String CCV3 = "ccv3";
  private static final int MAX_TEXT_BYTES = 64 << 20;

  private PngCards() {}

  record Chunk(String type, byte[] data) {}

  static boolean isPng(byte[] bytes) {
    return bytes.length >= SIGNATURE.length && Arrays.equals(Arrays.copyOf(bytes, SIGNATURE.length), SIGNATURE);
  }

  /** All chunks up to and including IEND, each checked for length and CRC. */
  static List<Chunk> chunks(byte[] png, String source) {
    if (!isPng(png)) {
      throw error(source, "", "not a PNG file (bad signature)");
    }
    List<Chunk> out = new ArrayList<>();
    ByteBuffer buf = ByteBuffer.wrap(png);
    buf.position(SIGNATURE.length);
    while (true) {
      if (buf.remaining() < 12) {
        throw error(source, "", "truncated PNG: no IEND chunk after " + out.size() + " chunks");
      }
      long length = Integer.toUnsignedLong(buf.getInt());
      byte[] typeBytes = new byte[4];
      buf.get(typeBytes);
      String type = new String(typeBytes, StandardCharsets.ISO_8859_1);
      if (length > buf.remaining() - 4) {
        throw error(source, "chunk " + out.size() + " (" + type + ")", "truncated PNG: chunk length " + length
            + " exceeds the " + Math.max(0, buf.remaining() - 4) + " bytes left");
      }
      byte[] data = new byte[(int) length];
      buf.get(data);
      long crc = Integer.toUnsignedLong(buf.getInt());
      if (crc != crc(typeBytes, data)) {
        throw error(source, "chunk " + out.size() + " (" + type + ")", "corrupt PNG: CRC mismatch");
      }
      out.add(new Chunk(type, data));
      if (type.equals("IEND")) {
        return out;
      }
    }
  }

  /** Text chunks keyed {@code chara} or {@code ccv3} (lower-cased key to text). */
  static Map<String, String> cardTexts(List<Chunk> chunks, String source) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Chunk c : chunks) {
      if (!c.type().equals("tEXt") && !c.type().equals("iTXt")) {
        continue;
      }
      int nul = indexOf(c.data(), 0);
      if (nul < 0) {
        continue;
      }
      String key = new String(c.data(), 0, nul, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
      if (!key.equals(CHARA) && !key.equals(CCV3)) {
        continue;
      }
      String text = c.type().equals("tEXt")
          ? new String(c.data(), nul + 1, c.data().length - nul - 1, StandardCharsets.ISO_8859_1)
          : itxtText(c.data(), nul, source, key);
      out.putIfAbsent(key, text);
    }
    return out;
  }

  private static String itxtText(byte[] d, int nul, String source, String key) {
    String where = "iTXt[" + key + "]";
    if (d.length < nul + 3) {
      throw error(source, where, "truncated iTXt chunk");
    }
    boolean compressed = d[nul + 1] != 0;
    int lang = indexOf(d, nul + 3);
    int translated = lang < 0 ? -1 : indexOf(d, lang + 1);
    if (translated < 0) {
      throw error(source, where, "malformed iTXt chunk");
    }
    byte[] text = Arrays.copyOfRange(d, translated + 1, d.length);
    if (compressed) {
      Inflater inf = new Inflater();
      try {
        inf.setInput(text);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        byte[] tmp = new byte[8192];
        while (!inf.finished()) {
          int n = inf.inflate(tmp);
          if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
            throw error(source, where, "truncated compressed text");
          }
          bos.write(tmp, 0, n);
          if (bos.size() > MAX_TEXT_BYTES) {
            throw error(source, where, "compressed text larger than " + MAX_TEXT_BYTES + " bytes");
          }
        }
        text = bos.toByteArray();
      } catch (DataFormatException e) {
        throw error(source, where, "corrupt compressed text: " + e.getMessage());
      } finally {
        inf.end();
      }
    }
    return utf8(text, source, where);
  }

  /** Decodes a chunk's text: base64 of UTF-8 JSON. */
  static String decodeCardText(String text, String source, String where) {
    String clean = text.replaceAll("\\s+", "");
    if (clean.isEmpty()) {
      throw error(source, where, "empty card text");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(clean);
    } catch (IllegalArgumentException e) {
      throw error(source, where, "invalid base64: " + e.getMessage());
    }
    return utf8(bytes, source, where);
  }

  private static String utf8(byte[] bytes, String source, String where) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw error(source, where, "the decoded card is not valid UTF-8");
    }
  }

  /**
   * The image with every existing card chunk removed and the given text chunks inserted before IEND.
   */
  static byte[] withCardTexts(byte[] png, String source, Map<String, String> texts) {
    List<Chunk> chunks = chunks(png, source);
    if (chunks.isEmpty() || !chunks.get(0).type().equals("IHDR")) {
      throw error(source, "", "not a PNG image: the first chunk is not IHDR");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + 1024);
    out.writeBytes(SIGNATURE);
    for (Chunk c : chunks) {
      if ((c.type().equals("tEXt") || c.type().equals("iTXt") || c.type().equals("zTXt")) && isCardChunk(c)) {
        continue;
      }
      if (c.type().equals("IEND")) {
        for (Map.Entry<String, String> t : texts.entrySet()) {
          byte[] key = t.getKey().getBytes(StandardCharsets.ISO_8859_1);
          byte[] value = t.getValue().getBytes(StandardCharsets.ISO_8859_1);
          byte[] data = new byte[key.length + 1 + value.length];
          System.arraycopy(key, 0, data, 0, key.length);
          System.arraycopy(value, 0, data, key.length + 1, value.length);
          writeChunk(out, "tEXt", data);
        }
      }
      writeChunk(out, c.type(), c.data());
    }
    return out.toByteArray();
  }

  private static boolean isCardChunk(Chunk c) {
    int nul = indexOf(c.data(), 0);
    if (nul < 0) {
      return false;
    }
    String key = new String(c.data(), 0, nul, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    return key.equals(CHARA) || key.equals(CCV3);
  }

  private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer header = ByteBuffer.allocate(8).putInt(data.length).put(typeBytes);
    out.writeBytes(header.array());
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc(typeBytes, data)).array());
  }

  static long crc(byte[] type, byte[] data) {
    CRC32 crc = new CRC32();
    crc.update(type);
    crc.update(data);
    return crc.getValue();
  }

  private static int indexOf(byte[] d, int from) {
    for (int i = from; i < d.length; i++) {
      if (d[i] == 0) {
        return i;
      }
    }
    return -1;
  }

  private static PersonaFormatException error(String source, String path, String problem) {
    return new PersonaFormatException(source, path, -1, -1, problem);
  }
}
