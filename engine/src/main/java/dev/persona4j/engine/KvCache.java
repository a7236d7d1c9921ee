package dev.persona4j.engine;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The keys and values of a decoding state's sequences, in pages of {@link #PAGE} positions (every
 * layer's keys and values of those positions). A sequence is a list of pages; a fork copies the
 * list, not the pages, which are reference-counted and copied only when a sequence writes into a
 * page it shares (copy-on-write: after a fork, each copy's first step copies the one partly filled
 * page, never the prompt's full ones). Released pages are kept for reuse until the state closes,
 * then given to the model's {@link Pool} for its later states. Confined to its state's thread.
 */
final class KvCache {
  /** Positions per page. */
  static final int PAGE = 16;

  static {
    if (PAGE % PanelMatrix.P != 0) {
      throw new IllegalStateException("pages of " + PAGE + " positions need vectors of at most " + PAGE + " floats, got " + PanelMatrix.P);
    }
  }
  private final int layers;
  private final int kvDim;
  private final ArrayDeque<Page> free = new ArrayDeque<>();
  private final Pool pool;
  private long pagesAllocated;

  /**
   * One page: per layer, keys [kvDim][PAGE] (transposed: a key component at the page's positions
   * side by side, which attention reads as one vector) and values [PAGE][kvDim], flattened.
   */
  static final class Page {
    final float[][] keys;
    final float[][] values;
    int references;

    private Page(int layers, int kvDim) {
      keys = new float[layers][PAGE * kvDim];
      values = new float[layers][PAGE * kvDim];
    }
  }

  /** One sequence's pages and length. */
  static final class Sequence {
    Page[] pages = new Page[0];
    int length;
  }

  /**
   * Pages that closed states gave back, for the model's later states (shared by them all). Without
   * it each reply's pages lived through a few young collections, were promoted, and stayed in the old
   * generation as garbage until a full collection: the resident set grew by about 130 MiB over the
   * benchmark's dozen replies on the 135M model (serial collector, measured). Holds at most
   * {@code maxPages}; beyond that, given-back pages are left to the collector.
   */
  static final class Pool {
    private final int layers;
    private final int kvDim;
    private final int maxPages;
    private final ArrayDeque<Page> pages = new ArrayDeque<>();

    Pool(int layers, int kvDim, int maxPages) {
      if (layers < 1 || kvDim < 1 || maxPages < 0) {
        throw new IllegalArgumentException("layers " + layers + ", kvDim " + kvDim + ", maxPages " + maxPages);
      }
      this.layers = layers;
      this.kvDim = kvDim;
      this.maxPages = maxPages;
    }

    /** A pool holding at most {@code maxBytes} of pages. */
    static Pool ofBytes(int layers, int kvDim, long maxBytes) {
      long pageBytes = 2L * Float.BYTES * layers * PAGE * kvDim;
      return new Pool(layers, kvDim, (int) Math.min(Integer.MAX_VALUE, maxBytes / pageBytes));
    }

    synchronized Page take() {
      return pages.poll();
    }

    synchronized void give(ArrayDeque<Page> given) {
      while (pages.size() < maxPages && !given.isEmpty()) {
        pages.push(given.pop());
      }
      given.clear();
    }
  }

  KvCache(Pool pool) {
    this.layers = pool.layers;
    this.kvDim = pool.kvDim;
    this.pool = pool;
  }

  int kvDim() {
    return kvDim;
  }

  /** Pages this cache created (not taken from the pool), for tests and memory accounting. */
  long pagesAllocated() {
    return pagesAllocated;
  }

  private Page newPage() {
    Page p = free.poll();
    if (p == null) {
      p = pool.take(); // stale keys and values: a sequence reads only positions it has written
    }
    if (p == null) {
      p = new Page(layers, kvDim);
      pagesAllocated++;
    }
    p.references = 1;
    return p;
  }

  /**
   * Makes positions [from, to) of {@code s} writable: pages allocated, and any page shared with
   * another sequence copied first.
   */
  void prepareWrite(Sequence s, int from, int to) {
    int last = (to - 1) / PAGE;
    if (s.pages.length <= last) {
      int had = s.pages.length;
      s.pages = Arrays.copyOf(s.pages, last + 1);
      for (int i = had; i <= last; i++) {
        s.pages[i] = newPage();
      }
    }
    for (int i = from / PAGE; i <= last; i++) {
      Page p = s.pages[i];
      if (p.references > 1) {
        Page copy = newPage();
        for (int l = 0; l < layers; l++) {
          System.arraycopy(p.keys[l], 0, copy.keys[l], 0, p.keys[l].length);
          System.arraycopy(p.values[l], 0, copy.values[l], 0, p.values[l].length);
        }
        p.references--;
        s.pages[i] = copy;
      }
    }
  }

  /** A new sequence sharing every page of {@code s}. */
  Sequence fork(Sequence s) {
    Sequence copy = new Sequence();
    int used = (s.length + PAGE - 1) / PAGE;
    copy.pages = Arrays.copyOf(s.pages, used);
    for (Page p : copy.pages) {
      p.references++;
    }
    copy.length = s.length;
    return copy;
  }

  /** Lets go of the sequence's pages. */
  void release(Sequence s) {
    for (Page p : s.pages) {
      if (--p.references == 0) {
        free.push(p);
      }
    }
    s.pages = new Page[0];
  }

  /** Gives the free pages to the pool: call once every sequence is released, when the state closes. */
  void close() {
    pool.give(free);
  }
}
