package dev.persona4j.engine.gguf;

import dev.persona4j.core.checkpoint.ModelConfig;
import dev.persona4j.tokenizers.Tokenizer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF file (llama.cpp's format, versions 2 and 3), validated completely when opened: bounded counts and
 * string lengths checked before anything is allocated, known value and tensor types, every tensor's type ×
 * dimensions inside the file at an aligned offset and not overlapping another, a supported architecture
 * with the metadata keys its model config needs, and a vocabulary whose size agrees with the token
 * embedding. Reading a tensor later cannot fail on a lie in the header.
 *
 * <p>Only the header is read when opening; tensor data is read (copied, not mapped) when asked for. Tensor
 * names are llama.cpp's ({@link GgufTensor#name()}); {@link #hfName} gives the Hugging Face name, and the data
 * methods give rows in Hugging Face's order (llama.cpp's Q/K row permutation of the llama architecture undone).
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class GgufFile {
  /** GGUF's magic, "GGUF" in little-endian order. */
  private static final int MAGIC = 0x46554747;
  /** Most tensors accepted in one file. */
  static final long MAX_TENSORS = 1 << 20;
  /** Most metadata keys accepted. */
  static final long MAX_KEYS = 1 << 16;
  /** ggml's GGML_MAX_DIMS. */
  static final int MAX_DIMS = 4;

  private final Path file;
  private final int version;
  private final int alignment;
  private final long dataOffset;
  private final Map<String, Object> metadata;
  private final Map<String, GgufTensor> tensors;
  private final String architecture;
  private final ModelConfig config;

  private GgufFile(Path file, int version, int alignment, long dataOffset, Map<String, Object> metadata,
      Map<String, GgufTensor> tensors, String architecture, ModelConfig config) {
    this.file = file;
    this.version = version;
    this.alignment = alignment;
    this.dataOffset = dataOffset;
    this.metadata = metadata;
    this.tensors = tensors;
    this.architecture = architecture;
    this.config = config;
  }

  /**
   * Opens and validates {@code file}.
   *
   * @throws GgufException naming the file and the metadata key or tensor at fault when the file is missing,
   *     not a regular file, truncated or inconsistent, or holds a type or architecture this project does not read
   */
  public static GgufFile open(Path file) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
      throw new GgufException(file, null, Files.exists(file) ? "not a regular file" : "file not found");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return read(file, ch);
    } catch (NoSuchFileException e) {
      throw new GgufException(file, null, "file not found", e);
    } catch (IOException e) {
      throw new GgufException(file, null, "cannot read: " + e, e);
    }
  }

  private static GgufFile read(Path file, FileChannel ch) throws IOException {
    long size = ch.size();
    HeaderInput in = new HeaderInput(file, ch, size);
    if (size < 24) {
      throw new GgufException(file, "header", "truncated: " + size + " bytes, shorter than a GGUF header");
    }
    int magic = in.i32("magic");
    if (magic != MAGIC) {
      throw new GgufException(file, "magic", String.format("not a GGUF file (magic 0x%08x)", magic));
    }
    long version = in.u32("version");
    if (version != 2 && version != 3) {
      throw new GgufException(file, "version", "GGUF version " + version + " is not supported (2 or 3)");
    }
    long tensorCount = in.count("tensor_count", 8 + 4 + 8 + 4 + 8, MAX_TENSORS);
    long keyCount = in.count("metadata_kv_count", 8 + 4 + 1, MAX_KEYS);
    Map<String, Object> metadata = new LinkedHashMap<>();
    for (long i = 0; i < keyCount; i++) {
      String key = in.string("metadata key #" + i);
      ValueType type = in.valueType(key);
      Object value = in.value(type, key, 0);
      if (metadata.put(key, value) != null) {
        throw new GgufException(file, key, "metadata key appears twice");
      }
    }
    Metadata md = new Metadata(file, Collections.unmodifiableMap(metadata));
    int alignment = 32;
    if (md.has("general.alignment")) {
      long a = md.optLong("general.alignment").getAsLong();
      if (a == 0 || a > (1 << 20) || Long.bitCount(a) != 1) {
        throw md.error("general.alignment", "must be a power of two up to 2^20, got " + a);
      }
      alignment = (int) a;
    }
    List<GgufTensor> infos = new ArrayList<>();
    Map<String, GgufTensor> byName = new LinkedHashMap<>();
    for (long i = 0; i < tensorCount; i++) {
      GgufTensor t = tensorInfo(file, in, i, alignment);
      if (byName.put(t.name(), t) != null) {
        throw new GgufException(file, t.name(), "tensor appears twice");
      }
      infos.add(t);
    }
    long dataOffset = (in.position() + alignment - 1) / alignment * alignment;
    long dataLength = size - dataOffset;
    for (GgufTensor t : infos) {
      if (t.offset() > dataLength || t.byteLength() > dataLength - t.offset()) {
        throw new GgufException(file, t.name(), "data [" + t.offset() + ", " + (t.offset() + t.byteLength())
            + ") lies outside the data section of " + Math.max(0, dataLength) + " bytes (file truncated or header corrupt)");
      }
    }
    checkNoOverlap(file, infos);
    String arch = md.string("general.architecture");
    if (!GgufConfig.MODEL_TYPES.containsKey(arch)) {
      throw md.error("general.architecture", "architecture " + arch + " is not supported (supported: "
          + GgufConfig.supported() + ")");
    }
    int vocab = vocabularySize(md, arch, byName);
    ModelConfig config = GgufConfig.read(md, arch, vocab, byName);
    return new GgufFile(file, (int) version, alignment, dataOffset, Collections.unmodifiableMap(metadata),
        Collections.unmodifiableMap(byName), arch, config);
  }

  private static GgufTensor tensorInfo(Path file, HeaderInput in, long i, int alignment) throws IOException {
    String name = in.string("tensor info #" + i);
    long nDims = in.u32(name);
    if (nDims < 1 || nDims > MAX_DIMS) {
      throw new GgufException(file, name, "has " + nDims + " dimensions (1 to " + MAX_DIMS + " allowed)");
    }
    long[] dims = new long[(int) nDims];
    long elements = 1;
    for (int d = 0; d < dims.length; d++) {
      dims[d] = in.i64(name);
      if (dims[d] <= 0) {
        throw new GgufException(file, name, "dimension " + d + " is " + Long.toUnsignedString(dims[d]) + ", not positive");
      }
      try {
        elements = Math.multiplyExact(elements, dims[d]);
      } catch (ArithmeticException e) {
        throw new GgufException(file, name, "element count overflows: " + java.util.Arrays.toString(dims));
      }
    }
    long typeId = in.u32(name);
    GgufType type = GgufType.ofId(typeId).orElseThrow(() -> new GgufException(file, name,
        "tensor type " + typeId + " is not supported (supported: F32 0, F16 1, Q4_0 2, Q5_0 6, Q8_0 8, Q4_K 12, Q6_K 14, BF16 30)"));
    if (dims[0] % type.blockSize() != 0) {
      throw new GgufException(file, name, "row length " + dims[0] + " is not a whole number of " + type + " blocks of "
          + type.blockSize());
    }
    long bytes;
    try {
      bytes = type.bytes(elements);
    } catch (ArithmeticException e) {
      throw new GgufException(file, name, "byte length overflows: " + java.util.Arrays.toString(dims));
    }
    if (bytes > Integer.MAX_VALUE - 8) {
      throw new GgufException(file, name, "tensor of " + bytes + " bytes exceeds the 2 GiB buffer limit");
    }
    long offset = in.i64(name);
    if (offset < 0 || offset % alignment != 0) {
      throw new GgufException(file, name, "data offset " + Long.toUnsignedString(offset) + " is not a multiple of the alignment "
          + alignment);
    }
    return new GgufTensor(name, type, dims, offset, bytes);
  }

  private static void checkNoOverlap(Path file, List<GgufTensor> infos) {
    List<GgufTensor> sorted = new ArrayList<>(infos);
    sorted.sort(Comparator.comparingLong(GgufTensor::offset));
    for (int i = 1; i < sorted.size(); i++) {
      GgufTensor prev = sorted.get(i - 1);
      GgufTensor t = sorted.get(i);
      if (t.offset() < prev.offset() + prev.byteLength()) {
        throw new GgufException(file, t.name(), "data at " + t.offset() + " overlaps tensor " + prev.name() + " ["
            + prev.offset() + ", " + (prev.offset() + prev.byteLength()) + ")");
      }
    }
  }

  /** The vocabulary size, agreed on by the tokens, {@code <arch>.vocab_size} and the token embedding's rows. */
  private static int vocabularySize(Metadata md, String arch, Map<String, GgufTensor> tensors) {
    GgufTensor embed = tensors.get("token_embd.weight");
    if (embed == null) {
      throw new GgufException(md.file(), "token_embd.weight", "tensor missing (required)");
    }
    if (embed.dims().length != 2) {
      throw new GgufException(md.file(), "token_embd.weight", "must have 2 dimensions, has " + embed.dims().length);
    }
    long rows = embed.dims()[1];
    int tokens = GgufTokenizer.check(md);
    String key = arch + ".vocab_size";
    if (md.has(key) && md.optLong(key).getAsLong() != rows) {
      throw md.error(key, "vocabulary size " + md.optLong(key).getAsLong() + " differs from token_embd.weight's " + rows + " rows");
    }
    if (tokens > rows) {
      throw md.error("tokenizer.ggml.tokens", tokens + " tokens do not fit token_embd.weight's " + rows + " rows");
    }
    return md.positiveInt("token_embd.weight", rows);
  }

  /** The file. */
  public Path file() {
    return file;
  }

  /** The GGUF version (2 or 3). */
  public int version() {
    return version;
  }

  /** The alignment of tensor data ({@code general.alignment}, 32 by default). */
  public int alignment() {
    return alignment;
  }

  /** Where the data section starts in the file. */
  public long dataOffset() {
    return dataOffset;
  }

  /**
   * Every metadata key and value, in file order: strings as {@code String}; uint8, int8, uint16, int16 and
   * int32 as {@code Integer}; uint32, int64 and uint64 as {@code Long}; float32 as {@code Float}; float64 as
   * {@code Double}; bool as {@code Boolean}; arrays as {@code List}.
   */
  public Map<String, Object> metadata() {
    return metadata;
  }

  /** {@code general.architecture}: {@code llama}, {@code qwen2}, {@code qwen3} or {@code phi3}. */
  public String architecture() {
    return architecture;
  }

  /** {@code general.file_type}, llama.cpp's id of the file's main type (e.g. 15 for Q4_K_M), when given. */
  public Optional<GgufFileType> fileType() {
    Object v = metadata.get("general.file_type");
    return v instanceof Number n ? GgufFileType.ofId(n.longValue()) : Optional.empty();
  }

  /** The model config the metadata describes, as a Hugging Face config.json would. */
  public ModelConfig config() {
    return config;
  }

  /**
   * A new tokenizer from the {@code tokenizer.ggml.*} metadata, giving the same ids as the Hugging Face
   * tokenizer the file was converted from; the caller closes it.
   *
   * @throws GgufException naming the key when the file has no tokenizer or one this project cannot rebuild
   */
  public Tokenizer tokenizer() {
    return GgufTokenizer.of(new Metadata(file, metadata)).tokenizer();
  }

  /** The tensors, in file order, by llama.cpp name. */
  public Map<String, GgufTensor> tensors() {
    return tensors;
  }

  /**
   * The named tensor.
   *
   * @throws GgufException naming the file and tensor if there is none
   */
  public GgufTensor tensor(String name) {
    GgufTensor t = tensors.get(name);
    if (t == null) {
      throw new GgufException(file, name, "tensor not found");
    }
    return t;
  }

  /** The Hugging Face name of a tensor ({@code model.layers.0.self_attn.q_proj.weight}), when it has one. */
  public Optional<String> hfName(GgufTensor tensor) {
    return TensorNames.toHf(tensor.name(), architecture.equals("phi3"));
  }

  /** Whether the tensor's rows are stored in llama.cpp's rope order, which {@link #rowData} undoes. */
  public boolean rowsPermuted(GgufTensor tensor) {
    return TensorNames.permuted(architecture, tensor.name());
  }

  /**
   * Bytes read from the file per call at most. The JDK reads into a heap buffer through a temporary
   * direct buffer as large as the call and keeps it for the thread: reading a 30 MB token embedding in
   * one call left 29 MB of native memory with the loading thread for its life (measured).
   */
  static final int READ_BYTES = 1 << 20;

  /**
   * The tensor's bytes as stored (rows in the file's order): a read-only little-endian copy on the heap, read
   * from the file when asked for and not mapped, so a model built from it holds no mapping and cannot change
   * under the caller.
   *
   * @throws GgufException if the file cannot be read or shrank since it was opened
   */
  public ByteBuffer rawData(GgufTensor tensor) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() < dataOffset + tensor.offset() + tensor.byteLength()) {
        throw new GgufException(file, tensor.name(), "file was truncated after it was opened");
      }
      ByteBuffer out = ByteBuffer.allocate((int) tensor.byteLength());
      read(ch, tensor, dataOffset + tensor.offset(), out, out.capacity());
      return out.flip().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new GgufException(file, tensor.name(), "cannot read tensor data: " + e, e);
    }
  }

  /** Reads {@code length} bytes from {@code at} into out from its position, {@link #READ_BYTES} a call at most. */
  private void read(FileChannel ch, GgufTensor tensor, long at, ByteBuffer out, int length) throws IOException {
    int end = out.position() + length;
    long from = at - out.position();
    while (out.position() < end) {
      out.limit(Math.min(end, out.position() + READ_BYTES));
      if (ch.read(out, from + out.position()) < 0) {
        throw new GgufException(file, tensor.name(), "file was truncated after it was opened");
      }
    }
  }

  /**
   * Rows [firstRow, firstRow + count) of a 2-D tensor in Hugging Face's order ({@link #rowData} for a
   * stretch of rows), read into {@code reuse} where it has room (else a new buffer): little-endian, from
   * index 0 to the limit. A loader reads a large tensor a stretch at a time this way, never holding all
   * of its bytes.
   *
   * @throws GgufException if the file cannot be read or shrank since it was opened
   * @throws IllegalArgumentException if the rows are not the tensor's
   */
  public ByteBuffer rowData(GgufTensor tensor, int firstRow, int count, ByteBuffer reuse) {
    long rows = tensor.rows();
    if (tensor.dims().length != 2 || firstRow < 0 || count < 0 || firstRow + (long) count > rows) {
      throw new IllegalArgumentException("rows " + firstRow + " + " + count + " of " + tensor.name() + " " + Arrays.toString(tensor.shape()));
    }
    int rowBytes = Math.toIntExact(tensor.byteLength() / rows);
    int length = Math.multiplyExact(count, rowBytes);
    ByteBuffer out = reuse != null && reuse.capacity() >= length ? reuse.clear() : ByteBuffer.allocate(length);
    boolean permuted = rowsPermuted(tensor);
    int heads = !permuted ? 0 : TensorNames.isKey(tensor.name()) ? config.kvHeads() : config.heads();
    if (permuted && (rows % heads != 0 || (rows / heads) % 2 != 0)) {
      throw new GgufException(file, tensor.name(), rows + " rows do not split into " + heads + " heads of even size");
    }
    long data = dataOffset + tensor.offset();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (ch.size() < data + tensor.byteLength()) {
        throw new GgufException(file, tensor.name(), "file was truncated after it was opened");
      }
      if (!permuted) {
        read(ch, tensor, data + (long) firstRow * rowBytes, out, length);
      } else {
        for (int r = firstRow; r < firstRow + count; r++) {
          read(ch, tensor, data + (long) TensorNames.ggufRow(r, (int) rows, heads) * rowBytes, out, rowBytes);
        }
      }
    } catch (IOException e) {
      throw new GgufException(file, tensor.name(), "cannot read tensor data: " + e, e);
    }
    return out.flip().order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * The tensor's bytes with rows in Hugging Face's order: {@link #rawData} itself, or for a permuted q/k
   * projection a copy with each row's blocks moved back to its Hugging Face row. Blocks never span rows, so
   * the stored type is kept.
   */
  public ByteBuffer rowData(GgufTensor tensor) {
    ByteBuffer raw = rawData(tensor);
    if (!rowsPermuted(tensor)) {
      return raw;
    }
    int rows = (int) (tensor.dims().length == 1 ? tensor.elementCount() : tensor.rows()); // a bias: each value is a row
    int rowBytes = (int) (tensor.byteLength() / rows);
    int heads = TensorNames.isKey(tensor.name()) ? config.kvHeads() : config.heads();
    if (rows % heads != 0 || (rows / heads) % 2 != 0) {
      throw new GgufException(file, tensor.name(), rows + " rows do not split into " + heads + " heads of even size");
    }
    ByteBuffer out = ByteBuffer.allocate((int) tensor.byteLength()).order(ByteOrder.LITTLE_ENDIAN);
    for (int r = 0; r < rows; r++) {
      int hf = TensorNames.hfRow(r, rows, heads);
      out.put(hf * rowBytes, raw, r * rowBytes, rowBytes);
    }
    return out.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The tensor's values dequantized to float32, row-major in Hugging Face's shape and row order. */
  public float[] floats(GgufTensor tensor) {
    if (tensor.elementCount() > Integer.MAX_VALUE - 8) {
      throw new GgufException(file, tensor.name(), tensor.elementCount() + " values exceed a Java array");
    }
    float[] out = new float[(int) tensor.elementCount()];
    tensor.type().dequantize(rowData(tensor), 0, out, 0, out.length);
    return out;
  }

  @Override
  public String toString() {
    return "GgufFile[" + file + ", " + architecture + ", " + tensors.size() + " tensors]";
  }
}
