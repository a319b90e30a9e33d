package io.firmsim.serving.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.export.ArtifactExporter;
import io.firmsim.models.onnx.OnnxDType;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.artifact.Artifact;
import io.firmsim.zoo.artifact.ArtifactMetadata;
import io.firmsim.zoo.artifact.ArtifactReader;
import io.firmsim.zoo.modelspec.EquationSpec;
import io.firmsim.zoo.modelspec.ModelSpec;
import io.firmsim.zoo.profile.FeatureProfile;
import io.firmsim.zoo.profile.GraphProfile;
import io.firmsim.zoo.profile.ReferenceProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model carrying a reference profile keeps it through {@code export} and a verified artifact
 * load, and the monitors made from the loaded artifact watch exactly the columns its metadata lists
 * for each graph's input.
 */
class DriftArtifactTest {
  @Test
  void profileSurvivesExportAndMatchesTheGraphInputs(@TempDir Path tmp) throws Exception {
    ModelSpec paper = PaperModel.load();
    Random rnd = new Random(5);
    List<GraphProfile> graphs = new ArrayList<>();
    List<FeatureProfile> year = new ArrayList<>();
    for (String s :
        io.firmsim.zoo.vocabulary.StateVariable.all().stream().map(Enum::name).toList()) {
      year.add(FeatureProfile.fromValues(s, draws(rnd, 300), 10));
    }
    graphs.add(new GraphProfile("year", "state", year));
    for (EquationSpec e : paper.equations()) {
      List<FeatureProfile> fs = new ArrayList<>();
      for (String f : ReferenceProfile.equationFeatures(e)) {
        fs.add(FeatureProfile.fromValues(f, draws(rnd, 300), 10));
      }
      graphs.add(new GraphProfile(ReferenceProfile.equationGraph(e.table()), "features", fs));
    }
    ReferenceProfile profile = ReferenceProfile.of(10, graphs);
    ModelSpec spec = paper.withReferenceProfile(profile);

    Path dir = Files.createDirectories(tmp.resolve("m/1"));
    ArtifactExporter.standard().export(spec, "m", "1", EnumSet.of(OnnxDType.FLOAT32), dir);
    Artifact artifact = ArtifactReader.open(dir);
    assertEquals(profile, artifact.spec().referenceProfile().orElseThrow());

    ArtifactMetadata meta = artifact.metadata();
    DriftMonitor yearMonitor = DriftMonitor.forGraph(artifact.spec(), "year", 1000).orElseThrow();
    assertEquals("state", yearMonitor.inputName());
    assertEquals(meta.registries().state(), yearMonitor.features());
    assertEquals(24, meta.equations().size());
    for (ArtifactMetadata.EquationEntry e : meta.equations()) {
      String graph = String.format("T%02d", e.table());
      DriftMonitor m = DriftMonitor.forGraph(artifact.spec(), graph, 1000).orElseThrow();
      assertEquals("features", m.inputName());
      assertEquals(e.features(), m.features(), graph);
      // the ONNX graph's features input has as many columns
      ArtifactMetadata.Graph g =
          meta.onnx().graphs().stream()
              .filter(x -> Integer.valueOf(e.table()).equals(x.table()))
              .findFirst()
              .orElseThrow();
      ArtifactMetadata.TensorInfo in =
          g.inputs().stream().filter(t -> t.name().equals("features")).findFirst().orElseThrow();
      assertEquals(e.features().size(), ((Number) in.shape().get(1)).intValue(), graph);
    }
    assertArrayEquals(
        profile.graph("T05").orElseThrow().features().get(0).edges(),
        artifact.spec().referenceProfile().get().graph("T05").get().features().get(0).edges());
    assertTrue(DriftMonitor.forGraph(paper, "T05", 1000).isEmpty());
  }

  private static double[] draws(Random rnd, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rnd.nextGaussian();
    }
    return v;
  }
}
