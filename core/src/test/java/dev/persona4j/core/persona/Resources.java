package dev.persona4j.core.persona;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Test resources as real files. */
public final class Resources {
  private Resources() {}

  public static Path path(String resource) {
    URL url = Resources.class.getResource(resource);
    if (url == null) {
      throw new IllegalArgumentException("no test resource " + resource);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
