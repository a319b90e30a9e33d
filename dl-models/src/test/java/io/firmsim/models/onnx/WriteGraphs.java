package io.firmsim.models.onnx;

import ai.onnx.proto.OnnxMl;
import io.firmsim.models.equations.ForwardMode;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes every graph of the paper model and of the noisy test model into a directory, named as in
 * an artifact ({@code year-MODE-DTYPE.onnx}, {@code TNN-MODE-DTYPE.onnx}), and prints each year
 * graph's node count per operator: input for {@code tools/check-onnx.py}. Usage: {@code WriteGraphs
 * DIR}.
 */
public final class WriteGraphs {
  private WriteGraphs() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    write(dir.resolve("paper"), PaperModel.load());
    write(dir.resolve("noisy"), TestModels.noisyPaperModel());
  }

  private static void write(Path dir, ModelSpec spec) throws IOException {
    Files.createDirectories(dir);
    for (ForwardMode mode : ForwardMode.values()) {
      for (OnnxDType dtype : OnnxDType.values()) {
        String suffix = "-" + mode.name().toLowerCase() + "-" + dtype.label() + ".onnx";
        Map<String, String> meta = Map.of("firmsim.model", spec.name());
        byte[] year = YearGraphExporter.export(spec, mode, dtype, meta);
        Files.write(dir.resolve("year" + suffix), year);
        OnnxMl.GraphProto g = OnnxMl.ModelProto.parseFrom(year).getGraph();
        Map<String, Integer> ops = new TreeMap<>();
        for (OnnxMl.NodeProto n : g.getNodeList()) {
          ops.merge(n.getOpType(), 1, Integer::sum);
        }
        System.out.printf(
            "%s year%s: %d nodes, %d initializers, %d bytes; %s%n",
            dir.getFileName(), suffix, g.getNodeCount(), g.getInitializerCount(), year.length, ops);
        for (EquationSpec e : spec.equations()) {
          byte[] eq = EquationGraphExporter.export(e, mode, dtype, meta);
          Files.write(dir.resolve(String.format("T%02d%s", e.table(), suffix)), eq);
        }
      }
    }
  }
}
