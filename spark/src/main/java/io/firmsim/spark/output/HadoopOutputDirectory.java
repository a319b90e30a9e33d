package io.firmsim.spark.output;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.OutputDirectory;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An output folder on any Hadoop file system (local, HDFS, an object store) that appears whole or
 * not at all, as {@link OutputDirectory} does for local folders: the job writes into a staging
 * folder beside the target ({@code .NAME.tmp-UUID}), {@link #commit()} renames it into place, and
 * {@link #close()} without a commit deletes it (and a shutdown hook does, on SIGINT or SIGTERM). A
 * committed folder holds the marker {@value OutputDirectory#MARKER}, so that {@code --overwrite}
 * replaces only firmsim outputs.
 *
 * <p>A rename is atomic on HDFS and local file systems; on object stores (S3A) it is a copy, so a
 * reader may see a partly moved folder there: write to HDFS or a local disk when that matters.
 */
public final class HadoopOutputDirectory implements AutoCloseable {
  private final FileSystem fs;
  private final Path target;
  private final Path staging;
  private final String command;
  private final boolean overwrite;
  private final Thread hook;
  private boolean committed;

  private HadoopOutputDirectory(FileSystem fs, Path target, String command, boolean overwrite)
      throws IOException {
    this.fs = fs;
    this.target = target;
    this.command = command;
    this.overwrite = overwrite;
    this.staging =
        new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    if (!fs.mkdirs(staging)) {
      throw new IOException("cannot make " + staging);
    }
    this.hook = new Thread(this::deleteStaging, "firmsim-staging-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Refuses, naming it, a target that is a file, has no parent, or is a non-empty folder (without
   * {@code overwrite}) or a non-empty folder that is not a firmsim output (with it).
   *
   * @return the target, qualified with its file system
   */
  public static Path check(Configuration conf, String out, boolean overwrite) throws IOException {
    Path target = new Path(out);
    FileSystem fs = target.getFileSystem(conf);
    target = fs.makeQualified(target);
    if (target.getParent() == null) {
      throw new BadInputException("--out " + out + ": the root cannot be an output folder");
    }
    if (fs.exists(target)) {
      FileStatus status = fs.getFileStatus(target);
      if (!status.isDirectory()) {
        throw new BadInputException("--out " + out + " is a file, not a folder");
      }
      boolean empty = fs.listStatus(target).length == 0;
      if (!empty && !overwrite) {
        throw new BadInputException(
            "--out "
                + out
                + " is not empty; give --overwrite to replace a previous firmsim output");
      }
      if (!empty && !fs.exists(new Path(target, OutputDirectory.MARKER))) {
        throw new BadInputException(
            "--out "
                + out
                + " is not a firmsim output (no "
                + OutputDirectory.MARKER
                + "); firmsim replaces only its own outputs");
      }
    }
    return target;
  }

  /** Checks the target ({@link #check}) and makes the staging folder. */
  public static HadoopOutputDirectory begin(
      Configuration conf, String out, boolean overwrite, String command) throws IOException {
    Path target = check(conf, out, overwrite);
    return new HadoopOutputDirectory(target.getFileSystem(conf), target, command, overwrite);
  }

  public FileSystem fileSystem() {
    return fs;
  }

  /** The staging folder, where the job writes. */
  public Path staging() {
    return staging;
  }

  public Path target() {
    return target;
  }

  /** Writes the marker and moves the staging folder to the target, replacing a previous output. */
  public void commit() throws IOException {
    try (OutputStream o = fs.create(new Path(staging, OutputDirectory.MARKER), true)) {
      o.write(
          ("format_version="
                  + OutputDirectory.MARKER_FORMAT_VERSION
                  + "\ncommand="
                  + command
                  + "\n")
              .getBytes(StandardCharsets.UTF_8));
    }
    Path old = null;
    if (fs.exists(target)) {
      if (!overwrite && fs.listStatus(target).length > 0) {
        throw new IOException(target + " appeared while the job ran");
      }
      old = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
      if (!fs.rename(target, old)) {
        throw new IOException("cannot move the previous output " + target + " aside");
      }
    }
    if (!fs.rename(staging, target)) {
      if (old != null) {
        fs.rename(old, target);
      }
      throw new IOException("cannot move " + staging + " to " + target);
    }
    committed = true;
    if (old != null) {
      fs.delete(old, true);
    }
  }

  private void deleteStaging() {
    try {
      fs.delete(staging, true);
    } catch (IOException | RuntimeException e) {
      // the next run beside it cannot tell it from a live one: it is named in the message below
      System.err.println("firmsim: could not remove the staging folder " + staging + ": " + e);
    }
  }

  /** Deletes the staging folder unless the output was committed. */
  @Override
  public void close() {
    if (!committed) {
      deleteStaging();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs
    }
  }
}
