package io.firmsim.trainer.forecast.artifact;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.models.forecast.lstm.LstmForecaster;
import io.firmsim.models.forecast.nbeats.NBeatsBlock;
import io.firmsim.models.forecast.onnx.ForecastGraphExporter;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.simulator.output.OutputDirectory;
import io.firmsim.trainer.forecast.model.ForecasterSpec;
import io.firmsim.zoo.Hashing;
import io.firmsim.zoo.artifact.ArtifactMetadata;
import io.firmsim.zoo.artifact.ListedFiles;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Writes a forecaster artifact (layout in {@link ForecasterArtifact}): for every member its
 * parameter bytes as given ({@code member-NN.params}) and its float32 ONNX graph ({@code
 * member-NN.onnx}, from {@link ForecastGraphExporter} over the member's network rebuilt with those
 * parameters, with the member's spec, seed, loss and the artifact's provenance in {@code
 * metadata_props}), the extra files (reports), and {@value ForecasterMetadata#FILE} last, listing
 * the size and SHA-256 of every other file.
 *
 * <p>Everything is written into a staging folder beside the target that is moved into place with
 * one rename ({@link OutputDirectory}): a reader never sees half an artifact, a failed write leaves
 * the previous artifact as it was, and an existing target is replaced only with {@code overwrite}
 * and only when it is a previous firmsim output.
 *
 * <p>Stateless and thread-safe.
 */
public final class ForecasterArtifactWriter {
  private ForecasterArtifactWriter() {}

  /**
   * What an artifact holds.
   *
   * @param name the model's name
   * @param version its version label
   * @param frequency the series' frequency label (e.g. {@code yearly})
   * @param horizon the number of values forecast
   * @param seasonalPeriod the series' seasonal period
   * @param members the trained members, at least one, in order
   * @param provenance where the model came from (series, configuration, versions, settings)
   * @param extraFiles other files to hold, by plain name (reports); may be empty
   */
  public record Contents(
      String name,
      String version,
      String frequency,
      int horizon,
      int seasonalPeriod,
      List<TrainedMember> members,
      ObjectNode provenance,
      Map<String, byte[]> extraFiles) {
    public Contents {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(frequency, "frequency");
      members = List.copyOf(members);
      provenance = provenance.deepCopy();
      Map<String, byte[]> copy = new TreeMap<>();
      extraFiles.forEach((k, v) -> copy.put(k, v.clone()));
      extraFiles = java.util.Collections.unmodifiableMap(copy);
      if (members.isEmpty()) {
        throw new IllegalArgumentException("an ensemble needs at least one member");
      }
      for (String f : extraFiles.keySet()) {
        if (f.equals(ForecasterMetadata.FILE)
            || f.startsWith("member-")
            || !f.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
          throw new IllegalArgumentException("not a usable extra file name: '" + f + "'");
        }
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
   * @throws IllegalArgumentException when a member's parameters do not fit its network
   */
  public static ForecasterArtifact write(Path target, boolean overwrite, Contents c)
      throws IOException {
    try (OutputDirectory out = OutputDirectory.begin(target, overwrite, "train")) {
      Path dir = out.staging();
      List<ForecasterMetadata.Member> members = new ArrayList<>();
      List<String> files = new ArrayList<>();
      for (int i = 0; i < c.members().size(); i++) {
        TrainedMember t = c.members().get(i);
        int index = i + 1;
        String params = ForecasterMetadata.Member.parameterFile(index);
        String onnx = ForecasterMetadata.Member.onnxFile(index);
        byte[] bytes = t.parameters();
        Files.write(dir.resolve(params), bytes);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("firmsim.artifact.format", ForecasterMetadata.FORMAT);
        props.put("firmsim.artifact.name", c.name());
        props.put("firmsim.artifact.version", c.version());
        props.put("firmsim.member", Integer.toString(index));
        props.put("firmsim.member.spec", t.spec().toString());
        props.put("firmsim.member.loss", t.loss().name().toLowerCase(Locale.ROOT));
        props.put("firmsim.member.parametersSha256", Hashing.sha256(bytes));
        props.put("firmsim.provenance", c.provenance().toString());
        Files.write(dir.resolve(onnx), exportOnnx(t.spec(), c.horizon(), t.seed(), bytes, props));
        members.add(
            new ForecasterMetadata.Member(
                index,
                t.spec(),
                t.seed(),
                t.loss(),
                t.spec().lookback(c.horizon()),
                t.spec().scaling(),
                params,
                onnx,
                t.validationLoss()));
        files.add(params);
        files.add(onnx);
      }
      for (Map.Entry<String, byte[]> e : c.extraFiles().entrySet()) {
        Files.write(dir.resolve(e.getKey()), e.getValue());
        files.add(e.getKey());
      }
      List<ArtifactMetadata.FileEntry> entries = new ArrayList<>();
      for (String f : files) {
        entries.add(ListedFiles.entry(dir, f));
      }
      entries.sort(Comparator.comparing(ArtifactMetadata.FileEntry::path));
      ForecasterMetadata metadata =
          new ForecasterMetadata(
              c.name(),
              c.version(),
              c.frequency(),
              c.horizon(),
              c.seasonalPeriod(),
              members,
              c.provenance(),
              entries);
      Files.write(dir.resolve(ForecasterMetadata.FILE), metadata.toBytes());
      out.commit();
    }
    return ForecasterArtifact.open(target);
  }

  /** The float32 ONNX graph of the member's network with its saved parameters. */
  static byte[] exportOnnx(
      ForecasterSpec spec, int horizon, long seed, byte[] params, Map<String, String> props) {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      Block block = spec.build(horizon, seed);
      block.initialize(m, DataType.FLOAT32, new Shape(1, spec.lookback(horizon)));
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(params))) {
        block.loadParameters(m, in);
      } catch (IOException | MalformedModelException e) {
        throw new IllegalArgumentException(
            "the parameters do not fit the network " + spec + ": " + e.getMessage(), e);
      }
      if (block instanceof NBeatsBlock n) {
        return ForecastGraphExporter.export(n, OnnxDType.FLOAT32, props);
      }
      return ForecastGraphExporter.export((LstmForecaster) block, OnnxDType.FLOAT32, props);
    }
  }
}
