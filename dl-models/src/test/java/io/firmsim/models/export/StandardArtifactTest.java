package io.firmsim.models.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.models.onnx.OnnxModelCheck;
import io.firmsim.zoo.artifact.Artifact;
import io.firmsim.zoo.artifact.ArtifactMetadata;
import io.firmsim.zoo.artifact.ArtifactReader;
import io.firmsim.zoo.modelspec.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An artifact exported with firmsim's own graphs: each ONNX file passes the structural check, and
 * what {@code metadata.json} says about it (opset, IR version, input and output names, shapes and
 * dtypes) is what the file itself declares; every file carries the provenance and the registries in
 * its {@code metadata_props}.
 */
class StandardArtifactTest {
  @TempDir Path tmp;

  @Test
  void metadataDescribesEveryOnnxFileAsItIs() throws IOException {
    ModelSpec spec = ArtifactExporterTest.trainedLikeSpec();
    Path dir = Files.createDirectory(tmp.resolve("art"));
    ArtifactExporter.standard().export(spec, "small", "2", EnumSet.allOf(OnnxDType.class), dir);
    Artifact a = ArtifactReader.open(dir);
    ArtifactMetadata m = a.metadata();
    assertEquals(2 * 2 * 25, m.onnx().graphs().size());
    Map<String, String> common = ArtifactExporter.metadataProps(spec, "small", "2");
    for (ArtifactMetadata.Graph g : m.onnx().graphs()) {
      OnnxMl.ModelProto model;
      try (InputStream in = Files.newInputStream(a.file(g.file()))) {
        model = OnnxMl.ModelProto.parseFrom(in);
      }
      assertEquals(List.of(), OnnxModelCheck.problems(model), g.file());
      assertEquals(m.onnx().irVersion(), model.getIrVersion(), g.file());
      assertEquals(
          m.onnx().opset(),
          model.getOpsetImportList().stream()
              .filter(o -> o.getDomain().isEmpty())
              .findFirst()
              .orElseThrow()
              .getVersion(),
          g.file());
      assertEquals(g.inputs(), describe(model.getGraph().getInputList()), g.file());
      assertEquals(g.outputs(), describe(model.getGraph().getOutputList()), g.file());

      Map<String, String> props = new HashMap<>();
      model.getMetadataPropsList().forEach(p -> props.put(p.getKey(), p.getValue()));
      for (Map.Entry<String, String> e : common.entrySet()) {
        assertEquals(e.getValue(), props.get(e.getKey()), g.file() + " " + e.getKey());
      }
      assertEquals("3", props.get("firmsim.provenance.seed"), g.file());
      if (g.kind().equals("year") && g.mode().equals("sample")) {
        assertEquals(String.join(",", m.registries().uniforms()), props.get("firmsim.uniforms"));
      }
    }
  }

  /** The inputs or outputs as the metadata writes them: name, dims ("N" or a size), dtype. */
  private static List<ArtifactMetadata.TensorInfo> describe(List<OnnxMl.ValueInfoProto> values) {
    List<ArtifactMetadata.TensorInfo> out = new ArrayList<>();
    for (OnnxMl.ValueInfoProto v : values) {
      OnnxMl.TypeProto.Tensor t = v.getType().getTensorType();
      List<Object> shape = new ArrayList<>();
      for (OnnxMl.TensorShapeProto.Dimension d : t.getShape().getDimList()) {
        assertTrue(d.hasDimParam() || d.hasDimValue(), v.getName());
        shape.add(d.hasDimParam() ? d.getDimParam() : Math.toIntExact(d.getDimValue()));
      }
      String dtype =
          t.getElemType() == OnnxDType.FLOAT32.elemType()
              ? "float32"
              : t.getElemType() == OnnxDType.FLOAT64.elemType() ? "float64" : "other";
      out.add(new ArtifactMetadata.TensorInfo(v.getName(), shape, dtype));
    }
    return out;
  }
}
