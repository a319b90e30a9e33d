package io.firmsim.trainer.embed.artifact;

import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.models.embed.TrajectoryAutoencoder;
import io.firmsim.models.embed.TrajectoryEncoder;
import io.firmsim.models.embed.TrajectoryGraphExporter;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.simulator.output.OutputDirectory;
import io.firmsim.trainer.embed.features.FeatureScaling;
import io.firmsim.trainer.embed.index.EmbeddingIndex;
import io.firmsim.trainer.embed.train.EmbeddingSettings;
import io.firmsim.trainer.embed.train.EmbeddingTrainingResult;
import io.firmsim.trainer.orchestrator.train.Provenance;
import io.firmsim.trainer.panel.Panel;
import io.firmsim.zoo.Hashing;
import io.firmsim.zoo.artifact.ArtifactMetadata;
import io.firmsim.zoo.artifact.ListedFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Writes an embedding artifact (layout in {@link EmbeddingArtifact}): the trained autoencoder's
 * parameters ({@value EmbeddingMetadata#PARAMETERS}, DJL's {@code Block.saveParameters}), the
 * encoder's float32 ONNX graph ({@value EmbeddingMetadata#ONNX}, from {@link
 * TrajectoryGraphExporter}, with the artifact's name, version, parameter SHA-256 and provenance in
 * {@code metadata_props}), and {@value EmbeddingMetadata#FILE} last, listing the size and SHA-256
 * of every other file.
 *
 * <p>Everything is written into a staging folder beside the target that is moved into place with
 * one rename ({@link OutputDirectory}): a reader never sees half an artifact, and an existing
 * target is replaced only with {@code overwrite} and only when it is a previous firmsim output.
 *
 * <p>Stateless and thread-safe.
 */
public final class EmbeddingArtifactWriter {
  private EmbeddingArtifactWriter() {}

  /**
   * What an artifact holds.
   *
   * @param name the model's name
   * @param version its version label
   * @param autoencoder the trained autoencoder (initialized, float32)
   * @param scaling the feature standardisation fitted on the training panel
   * @param provenance where the model came from (see {@link #provenance})
   */
  public record Contents(
      String name,
      String version,
      TrajectoryAutoencoder autoencoder,
      FeatureScaling scaling,
      ObjectNode provenance) {
    /** Validates and copies the provenance. */
    public Contents {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(autoencoder, "autoencoder");
      Objects.requireNonNull(scaling, "scaling");
      provenance = provenance.deepCopy();
      if (!autoencoder.isInitialized()) {
        throw new IllegalArgumentException("the autoencoder is not initialized (train it first)");
      }
    }
  }

  /**
   * Writes the artifact into {@code target}.
   *
   * @param overwrite whether a previous firmsim output at {@code target} may be replaced
   * @return the written artifact, opened and verified
   * @throws io.firmsim.simulator.input.BadInputException when the target cannot be used
   * @throws IOException when a file cannot be written
   */
  public static EmbeddingArtifact write(Path target, boolean overwrite, Contents c)
      throws IOException {
    return write(target, overwrite, c, null);
  }

  /**
   * Writes the artifact into {@code target} with the similar-firm index in its {@value
   * EmbeddingMetadata#INDEX} folder ({@link EmbeddingIndex#save}), every index file listed with its
   * size and SHA-256 in the metadata like the others.
   *
   * @param index the index of the firms' embeddings, or null for none
   * @return the written artifact, opened and verified
   * @throws io.firmsim.simulator.input.BadInputException when the target cannot be used
   * @throws IOException when a file cannot be written
   */
  public static EmbeddingArtifact write(
      Path target, boolean overwrite, Contents c, EmbeddingIndex index) throws IOException {
    TrajectoryEncoder enc = c.autoencoder().encoder();
    EmbeddingMetadata.Encoder shape =
        new EmbeddingMetadata.Encoder(
            enc.window(), enc.features(), enc.embedding(), enc.hidden(), enc.seed());
    try (OutputDirectory out = OutputDirectory.begin(target, overwrite, "embed")) {
      Path dir = out.staging();
      byte[] params = parameters(c.autoencoder());
      Files.write(dir.resolve(EmbeddingMetadata.PARAMETERS), params);
      Map<String, String> props = new LinkedHashMap<>();
      props.put("firmsim.artifact.format", EmbeddingMetadata.FORMAT);
      props.put("firmsim.artifact.name", c.name());
      props.put("firmsim.artifact.version", c.version());
      props.put("firmsim.parametersSha256", Hashing.sha256(params));
      props.put("firmsim.provenance", c.provenance().toString());
      Files.write(
          dir.resolve(EmbeddingMetadata.ONNX),
          TrajectoryGraphExporter.export(enc, OnnxDType.FLOAT32, props));
      List<ArtifactMetadata.FileEntry> entries = new ArrayList<>();
      for (String f : List.of(EmbeddingMetadata.PARAMETERS, EmbeddingMetadata.ONNX)) {
        entries.add(ListedFiles.entry(dir, f));
      }
      if (index != null) {
        Path indexDir = dir.resolve(EmbeddingMetadata.INDEX);
        index.save(indexDir);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(indexDir)) {
          files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path p : files) {
          String name = dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
          entries.add(ListedFiles.entry(dir, name));
        }
      }
      entries.sort(Comparator.comparing(ArtifactMetadata.FileEntry::path));
      EmbeddingMetadata metadata =
          new EmbeddingMetadata(c.name(), c.version(), shape, c.scaling(), c.provenance(), entries);
      Files.write(dir.resolve(EmbeddingMetadata.FILE), metadata.toBytes());
      out.commit();
    }
    return EmbeddingArtifact.open(target);
  }

  /**
   * A provenance: the training data (its name, SHA-256, rows and windows), the seed, the settings,
   * the training's losses, steps and time, firmsim's build and code version, and the libraries.
   */
  public static ObjectNode provenance(
      String dataSource,
      String dataSha256,
      long rows,
      int windows,
      EmbeddingSettings settings,
      EmbeddingTrainingResult result,
      String codeVersion) {
    ObjectNode o = EmbeddingMetadata.MAPPER.createObjectNode();
    ObjectNode data = o.putObject("data");
    data.put("source", dataSource);
    data.put("sha256", dataSha256);
    data.put("rows", rows);
    data.put("windows", windows);
    o.put("seed", settings.seed());
    o.set("settings", settings.toJson());
    ObjectNode training = o.putObject("training");
    training.put("steps", result.curve().size());
    training.put("initialLoss", result.initialLoss());
    training.put("finalLoss", result.finalLoss());
    training.put("seconds", result.seconds());
    o.set("firmsim", EmbeddingMetadata.MAPPER.valueToTree(Provenance.firmsim(codeVersion)));
    o.set("libraries", EmbeddingMetadata.MAPPER.valueToTree(Provenance.libraries()));
    return o;
  }

  /**
   * The SHA-256 of an in-memory panel (its firm ids, years, state and flows as little-endian bytes,
   * in row order), for the provenance of a panel that has no file.
   */
  public static String sha256(Panel panel) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      ByteBuffer b = ByteBuffer.allocate(8 * 1024).order(ByteOrder.LITTLE_ENDIAN);
      for (int r = 0; r < panel.rows(); r++) {
        b.putLong(panel.firmId(r)).putInt(panel.year(r));
        md.update(b.array(), 0, b.position());
        b.clear();
      }
      for (double[] values : List.of(panel.state(), panel.flows())) {
        for (double v : values) {
          if (b.remaining() < 8) {
            md.update(b.array(), 0, b.position());
            b.clear();
          }
          b.putDouble(v);
        }
      }
      md.update(b.array(), 0, b.position());
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] parameters(Block block) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      block.saveParameters(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
