package io.firmsim.trainer.embed.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.firmsim.models.embed.TrajectoryAutoencoder;
import io.firmsim.models.embed.TrajectoryGraphExporter;
import io.firmsim.models.onnx.OrtEnvironments;
import io.firmsim.trainer.embed.features.FirmWindows;
import io.firmsim.trainer.embed.train.EmbeddingSettings;
import io.firmsim.trainer.embed.train.EmbeddingTrainer;
import io.firmsim.trainer.embed.train.EmbeddingTrainingResult;
import io.firmsim.trainer.embed.train.SmallPanel;
import io.firmsim.zoo.artifact.ArtifactException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An embedding artifact written from a briefly trained autoencoder opens verified and gives back
 * exactly what was saved: the same parameter bytes, the same embeddings, the same feature scaling
 * and provenance; its ONNX graph computes the DJL encoder's embeddings within 1e-5; a changed
 * parameter or ONNX file, an edited metadata file, a file it does not list and an unknown format
 * version are refused, naming the file.
 */
class EmbeddingArtifactTest {
  @TempDir static Path tmp;

  private static Path dir;
  private static byte[] savedParameters;
  private static float[][] savedEmbeddings;
  private static EmbeddingSettings settings;
  private static Map<String, float[]> savedValues;

  @BeforeAll
  static void trainAndWrite() throws Exception {
    settings = SmallPanel.settings().optSteps(10).build();
    EmbeddingTrainer trainer = new EmbeddingTrainer(settings);
    try (Model model = trainer.newModel()) {
      EmbeddingTrainingResult r = trainer.train(model, SmallPanel.WINDOWS);
      TrajectoryAutoencoder ae = (TrajectoryAutoencoder) model.getBlock();
      savedParameters = parameters(ae);
      savedValues = values(ae);
      savedEmbeddings = EmbeddingTrainer.embed(ae.encoder(), SmallPanel.WINDOWS);
      dir = tmp.resolve("embedding");
      EmbeddingArtifactWriter.write(
          dir,
          false,
          new EmbeddingArtifactWriter.Contents(
              "firms",
              "v1",
              ae,
              SmallPanel.SCALING,
              EmbeddingArtifactWriter.provenance(
                  "small panel",
                  EmbeddingArtifactWriter.sha256(SmallPanel.PANEL),
                  SmallPanel.PANEL.rows(),
                  SmallPanel.WINDOWS.size(),
                  settings,
                  r,
                  "test")));
    }
  }

  private static byte[] parameters(TrajectoryAutoencoder ae) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ae.saveParameters(new DataOutputStream(bytes));
    return bytes.toByteArray();
  }

  /** Every parameter's values by name. */
  private static Map<String, float[]> values(TrajectoryAutoencoder ae) {
    Map<String, float[]> out = new java.util.TreeMap<>();
    ae.getParameters().forEach(p -> out.put(p.getKey(), p.getValue().getArray().toFloatArray()));
    return out;
  }

  @Test
  void saveAndLoadRoundTripExactly() throws Exception {
    EmbeddingArtifact a = EmbeddingArtifact.open(dir);
    assertEquals(SmallPanel.SCALING, a.featureScaling());
    EmbeddingMetadata m = a.metadata();
    assertEquals(new EmbeddingMetadata.Encoder(3, 19, 4, 16, 5), m.encoder());
    assertEquals(
        EmbeddingArtifactWriter.sha256(SmallPanel.PANEL),
        m.provenance().path("data").path("sha256").asText());
    assertEquals(5, m.provenance().path("seed").asLong());
    assertEquals(10, m.provenance().path("settings").path("steps").asInt());
    try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      assertArrayEquals(
          savedParameters, Files.readAllBytes(dir.resolve(EmbeddingMetadata.PARAMETERS)));
      TrajectoryAutoencoder ae = a.loadAutoencoder(manager);
      assertEquals(savedValues.keySet(), values(ae).keySet());
      values(ae).forEach((k, v) -> assertArrayEquals(savedValues.get(k), v, k));
      float[][] e = EmbeddingTrainer.embed(ae.encoder(), SmallPanel.WINDOWS);
      for (int i = 0; i < e.length; i++) {
        assertArrayEquals(savedEmbeddings[i], e[i]);
      }
    }
  }

  @Test
  void onnxGraphGivesTheDjlEmbeddings() throws Exception {
    FirmWindows w = SmallPanel.WINDOWS;
    int n = w.size();
    OrtEnvironment env = OrtEnvironments.shared();
    try (OrtSession s =
            env.createSession(
                EmbeddingArtifact.open(dir).onnxGraph(), new OrtSession.SessionOptions());
        OnnxTensor x =
            OnnxTensor.createTensor(
                env, FloatBuffer.wrap(w.flat()), new long[] {n, w.length(), w.features()});
        OrtSession.Result r = s.run(Map.of(TrajectoryGraphExporter.INPUT, x))) {
      float[][] onnx = (float[][]) r.get(0).getValue();
      double worst = 0;
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < onnx[i].length; j++) {
          worst = Math.max(worst, Math.abs(onnx[i][j] - savedEmbeddings[i][j]));
        }
      }
      assertTrue(worst < 1e-5, "largest difference " + worst);
    }
  }

  @Test
  void changedFilesAreRefusedByName() throws Exception {
    for (String name : new String[] {EmbeddingMetadata.PARAMETERS, EmbeddingMetadata.ONNX}) {
      Path copy = copy(name);
      Path file = copy.resolve(name);
      byte[] bytes = Files.readAllBytes(file);
      bytes[bytes.length / 2] ^= 1;
      Files.write(file, bytes);
      ArtifactException e =
          assertThrows(ArtifactException.class, () -> EmbeddingArtifact.open(copy));
      assertEquals(file, e.file());
      assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    }
    Path edited = copy("edited");
    Path meta = edited.resolve(EmbeddingMetadata.FILE);
    Files.writeString(meta, Files.readString(meta).replace("\"window\" : 3", "\"window\" : 4"));
    ArtifactException e =
        assertThrows(ArtifactException.class, () -> EmbeddingArtifact.open(edited));
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());

    Path version = copy("version");
    Path vmeta = version.resolve(EmbeddingMetadata.FILE);
    Files.writeString(
        vmeta, Files.readString(vmeta).replace("\"formatVersion\" : 1", "\"formatVersion\" : 2"));
    e = assertThrows(ArtifactException.class, () -> EmbeddingArtifact.open(version));
    assertTrue(
        e.getMessage().contains("unsupported embedding artifact format version 2"), e.getMessage());

    Path extra = copy("extra");
    Files.writeString(extra.resolve("notes.txt"), "hello", StandardCharsets.UTF_8);
    e = assertThrows(ArtifactException.class, () -> EmbeddingArtifact.open(extra));
    assertEquals(extra.resolve("notes.txt").toAbsolutePath().normalize(), e.file());
  }

  private static Path copy(String name) throws Exception {
    Path target = tmp.resolve("copy-" + name.replace('.', '-'));
    Files.createDirectories(target);
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.copy(p, target.resolve(p.getFileName()));
      }
    }
    return target;
  }
}
