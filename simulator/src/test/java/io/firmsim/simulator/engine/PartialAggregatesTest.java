package io.firmsim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.output.AggregatesCsvWriter;
import io.firmsim.simulator.population.PopulationSource;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.PaperModel;
import io.firmsim.zoo.modelspec.ModelSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A population run in parts ({@link Simulator#runPart}, as scale-out tasks run it) and combined in
 * firm order ({@link SimulationResult#combine}) gives the single-machine aggregates byte for byte,
 * and each part's panel rows are the single-machine rows of its firms.
 */
class PartialAggregatesTest {
  private static final int FIRMS = 2100; // four whole tiles and a partial one
  private static final int YEARS = 3;
  private static final ModelSpec SPEC = PaperModel.load();

  @TempDir Path dir;

  private static SimulationConfig config(int chunk) {
    return SimulationConfig.builder()
        .setModel(SPEC)
        .setYears(YEARS)
        .optBurnIn(2)
        .optMode(ForwardMode.SAMPLE)
        .optDevice(DeviceChoice.CPU)
        .optSeed(5)
        .optChunkSize(chunk)
        .build();
  }

  private byte[] csv(SimulationResult r, String name) throws IOException {
    Path file = dir.resolve(name);
    AggregatesCsvWriter.write(file, r);
    return Files.readAllBytes(file);
  }

  @Test
  void partsCombinedInFirmOrderEqualTheWholeRun() throws Exception {
    StartupPopulation whole = new StartupPopulation(5, FIRMS, SPEC.constants());
    PanelCollector expectedPanel = new PanelCollector();
    SimulationResult expected = new Simulator(config(1024)).run(whole, expectedPanel, null);

    // Parts as tasks make them: a population of known mean, ranges of whole tiles, another chunk
    // size, and the part's result through Java serialization (a task's result crosses JVMs).
    StartupPopulation known =
        StartupPopulation.withMeanTotalAssets(
            5,
            FIRMS,
            SPEC.constants(),
            StartupPopulation.DEFAULT_MARKET_FIRMS,
            whole.meanTotalAssets());
    int[] bounds = {0, 512, 1536, FIRMS};
    List<PartialAggregates> parts = new ArrayList<>();
    PanelCollector panel = new PanelCollector();
    for (int p = 0; p + 1 < bounds.length; p++) {
      PopulationSource range = known.range(bounds[p], bounds[p + 1]);
      parts.add(roundTrip(new Simulator(config(512)).runPart(range, panel, null)));
    }
    SimulationResult combined = SimulationResult.combine(parts, 1.0);

    assertEquals(expected.firms(), combined.firms());
    assertEquals(expected.firmYearsStepped(), combined.firmYearsStepped());
    assertArrayEquals(csv(expected, "whole.csv"), csv(combined, "parts.csv"));
    assertEquals(expectedPanel.size(), panel.size());
    for (int r = 0; r < panel.size(); r++) {
      assertEquals(expectedPanel.firms.get(r), panel.firms.get(r));
      assertEquals(expectedPanel.years.get(r), panel.years.get(r));
      assertArrayEquals(expectedPanel.states.get(r), panel.states.get(r));
      assertArrayEquals(expectedPanel.flows.get(r), panel.flows.get(r));
    }
    // The parts hand over every tile of the population: four whole ones and the partial last.
    assertEquals(4 + 1, parts.stream().mapToInt(p -> p.tiles(0)).sum());
  }

  @Test
  void partsOfOtherYearsAreRefused() {
    StartupPopulation pop = new StartupPopulation(5, 600, SPEC.constants());
    PartialAggregates a = new Simulator(config(512)).runPart(pop.range(0, 512), null, null);
    SimulationConfig longer =
        SimulationConfig.builder().setModel(SPEC).setYears(YEARS + 1).optSeed(5).build();
    PartialAggregates b = new Simulator(longer).runPart(pop.range(512, 600), null, null);
    assertThrows(IllegalArgumentException.class, () -> SimulationResult.combine(List.of(a, b), 1));
    assertThrows(IllegalArgumentException.class, () -> SimulationResult.combine(List.of(), 1));
  }

  private static PartialAggregates roundTrip(PartialAggregates p) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(p);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (PartialAggregates) in.readObject();
    }
  }
}
