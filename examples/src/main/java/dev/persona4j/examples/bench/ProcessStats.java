package dev.persona4j.examples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the kernel reports about this process. */
final class ProcessStats {
  private ProcessStats() {}

  /** Peak resident set size (VmHWM of /proc/self/status) in bytes, or -1 where it is not available. */
  static long peakRssBytes() {
    long kb = statusKb("VmHWM:");
    return kb < 0 ? -1 : kb * 1024L;
  }

  /** Current resident set size (VmRSS) in bytes, or -1 where it is not available. */
  static long rssBytes() {
    long kb = statusKb("VmRSS:");
    return kb < 0 ? -1 : kb * 1024L;
  }

  /** The 1-minute load average, or -1 where /proc/loadavg does not exist. */
  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long statusKb(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
