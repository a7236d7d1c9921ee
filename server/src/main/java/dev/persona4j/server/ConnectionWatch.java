package dev.persona4j.server;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Notices a client closing its connection while its reply is generated. Jetty reads a connection only
 * when a handler asks for input, so after the request body it would learn of the close only at the
 * first write, i.e. never for a non-streamed reply. The watch asks the connection to report input;
 * an HTTP/1.1 client waiting for its response sends none, so input there is the close (end of
 * stream); stray bytes (a pipelined request) make the response close the connection instead.
 */
final class ConnectionWatch {
  private static final IOException DONE = new IOException("reply complete") {
    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  };

  private final AbstractEndPoint endPoint;
  private final AtomicBoolean watching = new AtomicBoolean();
  private volatile boolean closed;
  private volatile boolean strayInput;
  private volatile boolean stopped;

  private ConnectionWatch(AbstractEndPoint endPoint) {
    this.endPoint = endPoint;
  }

  /** Starts watching {@code endPoint} once the request body was read; a no-op watch for other kinds. */
  static ConnectionWatch start(EndPoint endPoint) {
    ConnectionWatch watch = new ConnectionWatch(endPoint instanceof AbstractEndPoint a ? a : null);
    watch.register();
    return watch;
  }

  private void register() {
    if (endPoint == null || closed || strayInput || stopped) {
      return;
    }
    if (watching.compareAndSet(false, true) && !endPoint.tryFillInterested(Callback.from(this::onInput, e -> {}))) {
      watching.set(false);
    }
    if (stopped) {
      stop(); // stop() ran meanwhile: take back what was just registered
    }
  }

  private void onInput() {
    watching.set(false);
    try {
      int n = endPoint.fill(BufferUtil.allocate(1));
      if (n < 0) {
        closed = true;
      } else if (n > 0) {
        strayInput = true;
      } else {
        register(); // a spurious wake-up
      }
    } catch (IOException e) {
      closed = true;
    }
  }

  /** Marks the client gone (e.g. a write failed). */
  void markClosed() {
    closed = true;
  }

  /** True once the client has closed the connection (or it failed). */
  boolean clientClosed() {
    return closed || (endPoint != null && !endPoint.isOpen());
  }

  /** True when the close was seen (end of input, or a failed write), not merely the connection's state now. */
  boolean closeSeen() {
    return closed;
  }

  /** True when the connection must close after the response (the client sent bytes mid-reply). */
  boolean mustClose() {
    return strayInput;
  }

  /** Stops watching, before the response completes, so that the connection can read the next request. */
  void stop() {
    stopped = true;
    if (endPoint != null && watching.compareAndSet(true, false)) {
      endPoint.getFillInterest().onFail(DONE);
    }
  }
}
