package io.firmsim.simulator.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * An output that could not be written although its location was accepted up front: the disk filled
 * up, a quota was reached, the device failed. The message names the file or folder that was being
 * written and the system's reason; the staged files have been removed, so nothing half-written is
 * left. Not a bug in firmsim and not bad input: the command line reports it without a stack trace
 * and exits with 1.
 */
public class OutputWriteException extends UncheckedIOException {
  private static final long serialVersionUID = 1L;

  private final Path path;

  /**
   * @param path the output being written (as the user will know it: the final path, not the staged
   *     one)
   * @param cause the I/O error
   */
  public OutputWriteException(Path path, IOException cause) {
    super("cannot write " + path + ": " + reason(cause) + "; nothing was written", cause);
    this.path = path;
  }

  /** The output that could not be written. */
  public Path path() {
    return path;
  }

  private static String reason(IOException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
