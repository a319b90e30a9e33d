package io.firmsim.trainer.orchestrator.train;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.trainer.orchestrator.config.TrainingConfig;
import io.firmsim.zoo.Hashing;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The content hashes of the files a run reads (panel, macro path, model files), each computed once,
 * streamed, and only when first asked for (a dry run asks for none, so it reads no data). Task keys
 * and the model's provenance use the same hashes. Thread-safe.
 */
final class InputFiles {
  private final Map<Path, String> hashes = new ConcurrentHashMap<>();

  /** The SHA-256 of the file's content; a file that cannot be read is bad input. */
  String sha256(Path file) {
    Path key = file.toAbsolutePath().normalize();
    return hashes.computeIfAbsent(
        key,
        f -> {
          try {
            return Hashing.sha256(f);
          } catch (NoSuchFileException e) {
            throw new BadInputException(file + ": no such file", e);
          } catch (IOException e) {
            throw new BadInputException(file + ": cannot read: " + e, e);
          }
        });
  }

  /**
   * What identifies a model reference's content: {@code builtin:NAME} plus the code version for an
   * embedded model, {@code sha256:HASH} for a file.
   */
  String identity(TrainingConfig.ModelRef ref, String codeVersion) {
    return ref.file() == null
        ? "builtin:" + ref.builtin() + "@" + codeVersion
        : "sha256:" + sha256(ref.file());
  }
}
