package dev.persona4j.server;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The server's counters and its record of recent completions; thread-safe. */
final class Counters {
  static final int KEPT = 1000;

  final AtomicLong requests = new AtomicLong();
  final AtomicLong completions = new AtomicLong();
  final AtomicLong rejected = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong cancelled = new AtomicLong();
  final AtomicLong tokensDecoded = new AtomicLong();
  private final ArrayDeque<PersonaServer.Served> served = new ArrayDeque<>();

  void record(PersonaServer.Served s) {
    completions.incrementAndGet();
    tokensDecoded.addAndGet(s.tokensDecoded());
    if ("CANCELLED".equals(s.finishReason())) {
      cancelled.incrementAndGet();
    }
    synchronized (served) {
      if (served.size() == KEPT) {
        served.removeFirst();
      }
      served.addLast(s);
    }
  }

  List<PersonaServer.Served> served() {
    synchronized (served) {
      return List.copyOf(served);
    }
  }

  PersonaServer.Stats stats(int generating, int queued) {
    return new PersonaServer.Stats(requests.get(), completions.get(), rejected.get(), errors.get(), cancelled.get(),
        tokensDecoded.get(), generating, queued);
  }
}
