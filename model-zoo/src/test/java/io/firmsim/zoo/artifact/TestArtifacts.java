package io.firmsim.zoo.artifact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.modelspec.ModelSpecReader;
import io.firmsim.zoo.modelspec.ModelSpecWriter;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Small artifacts for the tests of this package: the paper model with a provenance block, and
 * stand-ins for the DJL and ONNX files (random bytes: the format does not look inside them).
 */
final class TestArtifacts {
  static final String PARAMS = "djl/year-0000.params";
  static final String YEAR_ONNX = "onnx/year-mean-float64.onnx";
  static final String EQUATION_ONNX = "onnx/T01-mean-float64.onnx";

  private TestArtifacts() {}

  /** The paper model with a provenance block (nested objects, arrays, numbers). */
  static ModelSpec specWithProvenance() {
    ObjectNode json = ModelSpecWriter.toJson(PaperModel.load());
    ObjectNode p = json.putObject("provenance");
    p.put("trainer", "test");
    p.put("seed", 42);
    p.putObject("data").put("sha256", "ab".repeat(32)).put("rows", 1234);
    p.putArray("libraries").add("djl 0.35.1").add("pytorch 2.7.1");
    return ModelSpecReader.parse(json, "test spec");
  }

  /** Writes an artifact of {@code spec} into the empty or missing folder {@code dir}. */
  static ArtifactMetadata write(Path dir, ModelSpec spec, String name, String version)
      throws IOException {
    Files.createDirectories(dir.resolve("djl"));
    Files.createDirectories(dir.resolve("onnx"));
    ModelSpecWriter.write(spec, dir.resolve(ArtifactMetadata.MODEL_FILE));
    Random random = new Random(name.hashCode() * 31L + version.hashCode());
    Files.write(dir.resolve(PARAMS), bytes(random, 4096));
    Files.write(dir.resolve(YEAR_ONNX), bytes(random, 2048));
    Files.write(dir.resolve(EQUATION_ONNX), bytes(random, 512));
    return ArtifactWriter.write(
        dir,
        metadata(spec, name, version),
        List.of(ArtifactMetadata.MODEL_FILE, PARAMS, YEAR_ONNX, EQUATION_ONNX));
  }

  static ArtifactMetadata metadata(ModelSpec spec, String name, String version) {
    List<ArtifactMetadata.EquationEntry> equations = new ArrayList<>();
    for (EquationSpec e : spec.equations()) {
      equations.add(
          new ArtifactMetadata.EquationEntry(
              e.table(), e.target(), e.method().name(), List.of("x"), 1));
    }
    ArtifactMetadata.TensorInfo state =
        new ArtifactMetadata.TensorInfo("state", List.of("N", StateVariable.count()), "float64");
    return ArtifactMetadata.of(
        name,
        version,
        "test",
        spec.provenance().orElse(null),
        new ArtifactMetadata.Registries(
            StateVariable.all().stream().map(Enum::name).toList(),
            FlowVariable.all().stream().map(Enum::name).toList(),
            List.of("T01")),
        equations,
        new ArtifactMetadata.Onnx(
            17,
            8,
            List.of(
                new ArtifactMetadata.Graph(
                    YEAR_ONNX, "year", null, "mean", "float64", List.of(state), List.of(state)),
                new ArtifactMetadata.Graph(
                    EQUATION_ONNX, "equation", 1, "mean", "float64", List.of(), List.of()))),
        new ArtifactMetadata.Djl(PARAMS, "test.Block", "float64"));
  }

  /** A builder writing {@link #write} artifacts, counting its calls. */
  static final class CountingBuilder implements ArtifactBuilder {
    final java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    final long delayMillis;

    CountingBuilder(long delayMillis) {
      this.delayMillis = delayMillis;
    }

    @Override
    public void build(ModelSpec spec, String name, String version, Path dir) throws IOException {
      calls.incrementAndGet();
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted");
      }
      write(dir, spec, name, version);
    }
  }

  static ObjectMapper mapper() {
    return new ObjectMapper();
  }

  private static byte[] bytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
