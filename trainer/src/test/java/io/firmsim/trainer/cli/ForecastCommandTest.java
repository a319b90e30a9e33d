package io.firmsim.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.firmsim.trainer.forecast.artifact.EnsembleForecaster;
import io.firmsim.trainer.forecast.artifact.ForecastBackend;
import io.firmsim.trainer.forecast.artifact.ForecasterArtifact;
import io.firmsim.trainer.forecast.artifact.ForecasterArtifactWriter;
import io.firmsim.trainer.forecast.artifact.TinyEnsemble;
import io.firmsim.trainer.forecast.series.NamedSeries;
import io.firmsim.trainer.forecast.series.SeriesFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code firmsim forecast} end to end: a repository model forecasts an M4-layout and a long-layout
 * file into an M4-layout file that {@link SeriesFiles} reads back, with exactly the loaded
 * ensemble's values (DJL) or within 1e-5 of them (ONNX); bad series files exit 2 naming the file,
 * row and column, and nothing is written.
 */
class ForecastCommandTest {
  private static TinyEnsemble ensemble;
  @TempDir static Path tmp;
  private static Path models;

  @BeforeAll
  static void setUp() throws Exception {
    ensemble = new TinyEnsemble();
    models = tmp.resolve("models");
    ForecasterArtifactWriter.write(
        models.resolve("sines/1"),
        false,
        new ForecasterArtifactWriter.Contents(
            "sines",
            "1",
            "quarterly",
            TinyEnsemble.H,
            TinyEnsemble.PERIOD,
            ensemble.members,
            new ObjectMapper().createObjectNode(),
            Map.of()));
  }

  @AfterAll
  static void tearDown() {
    ensemble.close();
  }

  private static Path wide(String name, List<NamedSeries> series) throws Exception {
    int n = series.stream().mapToInt(NamedSeries::length).max().orElseThrow();
    StringBuilder sb = new StringBuilder("id");
    for (int j = 1; j <= n; j++) {
      sb.append(",V").append(j);
    }
    sb.append('\n');
    for (NamedSeries s : series) {
      sb.append(s.id());
      for (double v : s.values()) {
        sb.append(',').append(v);
      }
      sb.append('\n');
    }
    Path f = tmp.resolve(name);
    Files.writeString(f, sb);
    return f;
  }

  @Test
  void forecastsEverySeriesIntoAnM4File() throws Exception {
    Path in = wide("in.csv", ensemble.series);
    Path out = tmp.resolve("out/forecasts.csv");
    ForecastEvalCommandTest.Outcome o =
        ForecastEvalCommandTest.run(
            List.of(
                "forecast",
                "--model",
                "sines",
                "--models-dir",
                models.toString(),
                "--series",
                in.toString(),
                "--out",
                out.toString()));
    assertEquals(0, o.code(), o.err());
    List<NamedSeries> read = SeriesFiles.read(out);
    assertEquals(ensemble.series.size(), read.size());
    double[][] expected;
    try (EnsembleForecaster f =
        ForecasterArtifact.open(models.resolve("sines/1")).load(ForecastBackend.DJL)) {
      expected = f.forecast(ensemble.histories());
    }
    for (int i = 0; i < read.size(); i++) {
      assertEquals(ensemble.series.get(i).id(), read.get(i).id());
      assertArrayEquals(expected[i], read.get(i).values(), 0.0);
    }
    // The long layout gives the same forecasts; ONNX agrees within 1e-5.
    StringBuilder sb = new StringBuilder("series,time,value\n");
    for (NamedSeries s : ensemble.series) {
      for (int t = 0; t < s.length(); t++) {
        sb.append(s.id()).append(',').append(t + 1).append(',').append(s.value(t)).append('\n');
      }
    }
    Path longIn = tmp.resolve("long.csv");
    Files.writeString(longIn, sb);
    Path onnxOut = tmp.resolve("onnx.csv");
    o =
        ForecastEvalCommandTest.run(
            List.of(
                "forecast",
                "--model",
                models.resolve("sines/1").toString(),
                "--series",
                longIn.toString(),
                "--backend",
                "onnx",
                "--out",
                onnxOut.toString()));
    assertEquals(0, o.code(), o.err());
    List<NamedSeries> onnx = SeriesFiles.read(onnxOut);
    for (int i = 0; i < onnx.size(); i++) {
      for (int j = 0; j < TinyEnsemble.H; j++) {
        assertEquals(expected[i][j], onnx.get(i).value(j), 1e-5 * Math.abs(expected[i][j]));
      }
    }
  }

  @Test
  void badSeriesFileExitsTwoNamingFileRowAndColumn() throws Exception {
    Path bad = tmp.resolve("bad.csv");
    Files.writeString(bad, "id,V1,V2,V3\nA,1,2,3\nB,4,x,6\n");
    Path out = tmp.resolve("never.csv");
    List<String> args =
        new ArrayList<>(
            List.of(
                "forecast",
                "--model",
                "sines",
                "--models-dir",
                models.toString(),
                "--series",
                bad.toString(),
                "--out",
                out.toString()));
    ForecastEvalCommandTest.Outcome o = ForecastEvalCommandTest.run(args);
    assertEquals(2, o.code());
    assertTrue(o.err().contains(bad.toString()), o.err());
    assertTrue(o.err().contains("row 3"), o.err());
    assertTrue(o.err().contains("column 'V2'"), o.err());
    assertFalse(Files.exists(out));
    args.set(2, "nosuch");
    args.set(6, wide("ok.csv", ensemble.series).toString());
    o = ForecastEvalCommandTest.run(args);
    assertEquals(2, o.code());
    assertTrue(o.err().contains("no model 'nosuch'"), o.err());
    assertFalse(Files.exists(out));
  }
}
