package io.firmsim.trainer.forecast.artifact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.simulator.macro.MacroPathSet;
import io.firmsim.trainer.cli.Main;
import io.firmsim.trainer.forecast.model.Forecaster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's forecaster loader on a real artifact: it forecasts as the artifact's float64 DJL
 * ensemble, names the artifact in its provenance (the SHA-256 recomputed here), and drives {@code
 * scenario macro} end to end into paths the simulator reads.
 */
class ArtifactForecasterLoaderTest {
  @TempDir Path tmp;

  @Test
  void loadsVerifiedArtifactsAndFeedsScenarioMacro() throws Exception {
    Path dir = tmp.resolve("models/sines/1");
    try (TinyEnsemble ensemble = new TinyEnsemble()) {
      ObjectNode provenance = ForecasterMetadata.MAPPER.createObjectNode();
      provenance.put("series", "sines.csv");
      ForecasterArtifactWriter.write(
          dir,
          false,
          new ForecasterArtifactWriter.Contents(
              "sines", "1", "yearly", TinyEnsemble.H, 1, ensemble.members, provenance, Map.of()));
    }
    ArtifactForecasterLoader loader = ArtifactForecasterLoader.INSTANCE;
    List<double[]> histories = List.of(new double[] {1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2, 1});
    try (Forecaster byName = loader.load("sines", Optional.of(tmp.resolve("models")));
        EnsembleForecaster direct =
            ForecasterArtifact.open(dir).load(ForecastBackend.DJL, DataType.FLOAT64)) {
      assertArrayEquals(direct.forecast(histories)[0], byName.forecast(histories)[0], 0.0);
    }
    Map<String, String> p = loader.provenance(dir.toString(), Optional.empty());
    byte[] metadata = Files.readAllBytes(dir.resolve(ForecasterMetadata.FILE));
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(metadata));
    assertEquals(sha, p.get("forecaster_metadata_sha256"));
    assertEquals("sines", p.get("forecaster_name"));

    // scenario macro with the real loader: 30 years of history, 6 paths of 5 years
    StringBuilder h = new StringBuilder("year,gdp_growth_pct,realr_pct\n");
    for (int i = 0; i < 30; i++) {
      h.append(1971 + i)
          .append(',')
          .append(2 + Math.sin(i))
          .append(',')
          .append(1 + Math.cos(i / 2.0))
          .append('\n');
    }
    Path history = Files.writeString(tmp.resolve("history.csv"), h.toString());
    Path out = tmp.resolve("paths");
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err),
            "scenario",
            "macro",
            "--model",
            "sines",
            "--models-dir",
            tmp.resolve("models").toString(),
            "--history",
            history.toString(),
            "--years",
            "5",
            "--paths",
            "6",
            "--start-year",
            "2001",
            "--out",
            out.toString());
    assertEquals(0, code, err.toString());
    MacroPathSet set = MacroPathSet.read(out, 2001, 5);
    assertEquals(6, set.entries().size());
    JsonNode manifest =
        ForecasterMetadata.MAPPER.readTree(
            Files.readString(out.resolve("scenarios.json"), StandardCharsets.UTF_8));
    assertTrue(manifest.toString().contains(sha), manifest.toString());
  }
}
