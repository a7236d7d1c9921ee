package dev.persona4j.core.backend.djl;

import ai.djl.util.cuda.CudaUtils;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DJL's process-wide settings as a library that embeds it needs them, applied once before the engine starts.
 *
 * <ul>
 *   <li>Offline ({@code ai.djl.offline=true}) and no usage tracking ({@code OPT_OUT_TRACKING=true}): DJL otherwise
 *       queries the cloud metadata endpoint at engine start. Set as system properties only when the application set
 *       neither the property nor DJL's environment variable ({@code DJL_OFFLINE}, {@code OPT_OUT_TRACKING}).
 *   <li>No CUDA probing noise: DJL's platform detection asks {@code libcudart} for the GPU count several times per
 *       start and logs each failure at WARN (four lines on a machine with the CUDA runtime but no GPU). DJL has no
 *       setting for it, only the switch its own forked probe uses ({@code CudaUtils.logging}); turning it off keeps
 *       those lines out of the application's log whatever SLF4J backend it uses. The device actually chosen is
 *       logged by {@link DjlBackend}, and requesting a GPU that is not there still fails.
 * </ul>
 *
 * <p>This is the one place in the library that sets system properties: DJL reads these settings from nowhere else.
 */
final class DjlEnvironment {
  private static final Logger LOG = LoggerFactory.getLogger(DjlEnvironment.class);

  private static boolean applied;

  private DjlEnvironment() {}

  /** Applies the settings above unless already applied; cheap after the first call. */
  static synchronized void apply() {
    if (applied) {
      return;
    }
    applied = true;
    setUnlessChosen("ai.djl.offline", "DJL_OFFLINE", "true");
    setUnlessChosen("OPT_OUT_TRACKING", "OPT_OUT_TRACKING", "true");
    silenceCudaProbe();
  }

  private static void setUnlessChosen(String property, String environmentVariable, String value) {
    if (System.getProperty(property) == null && System.getenv(environmentVariable) == null) {
      System.setProperty(property, value);
    }
  }

  private static void silenceCudaProbe() {
    try {
      // Reading the static field first runs CudaUtils' initialiser, which turns its logging on at its end.
      Field logging = CudaUtils.class.getDeclaredField("logging");
      logging.setAccessible(true);
      logging.setBoolean(null, false);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("cannot turn off DJL's CUDA probe logging (DJL changed?); its GPU-count warnings may appear", e);
    }
  }
}
