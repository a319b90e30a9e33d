package io.firmsim.simulator.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.population.StartupPopulation;
import io.firmsim.zoo.PaperModel;
import org.junit.jupiter.api.Test;

/**
 * Sizes a run cannot represent are refused up front, naming the limit, and the per-year aggregates
 * grow with the years simulated rather than being allocated for every year asked for.
 */
class SimulationSizeTest {

  private static SimulationConfig.Builder config() {
    return SimulationConfig.builder()
        .setModel(PaperModel.load())
        .optMode(ForwardMode.MEAN)
        .optDevice(DeviceChoice.CPU);
  }

  private static String refused(SimulationConfig.Builder builder) {
    return assertThrows(BadInputException.class, builder::build).getMessage();
  }

  @Test
  void yearsThatOverflowTheRunAreRefusedNamingTheLimit() {
    String m = refused(config().setYears(Integer.MAX_VALUE).optBurnIn(5));
    assertTrue(m.contains("2147483652") && m.contains("2147483647"), m);
    m = refused(config().setYears(10).optBurnIn(Integer.MAX_VALUE));
    assertTrue(m.contains("at most 2147483647"), m);
  }

  @Test
  void yearNumbersOutsideIntAreRefused() {
    String m = refused(config().setYears(Integer.MAX_VALUE).optStartYear(2));
    assertTrue(m.contains("largest year number 2147483647"), m);
    m = refused(config().setYears(1).optStartYear(Integer.MIN_VALUE).optBurnIn(1));
    assertTrue(m.contains("smallest year number -2147483648"), m);
    // The extremes themselves are fine.
    SimulationConfig c = config().setYears(Integer.MAX_VALUE).optStartYear(1).build();
    assertEquals(1, c.firstYear());
    assertEquals(Integer.MAX_VALUE, c.totalYears());
  }

  @Test
  void chunkSizesOutsideTheirRangeAreRefusedNamingTheLimit() {
    String m = refused(config().setYears(1).optChunkSize(SimulationConfig.MAX_CHUNK_SIZE + 1));
    assertTrue(m.contains("16777216"), m);
    m = refused(config().setYears(1).optChunkSize(0));
    assertTrue(m.contains("between 1 and 16777216"), m);
    assertEquals(
        SimulationConfig.MAX_CHUNK_SIZE,
        config().setYears(1).optChunkSize(SimulationConfig.MAX_CHUNK_SIZE).build().chunkSize());
  }

  /** Stops a run from the progress callback, as an interrupt would. */
  private static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void aHundredMillionYearsOfTenFirmsStartWithoutAllocatingEveryYear() {
    SimulationConfig c = config().setYears(100_000_000).build();
    long[] stepped = {0};
    assertThrows(
        Stop.class,
        () ->
            new Simulator(c)
                .run(
                    new StartupPopulation(1, 10, PaperModel.load().constants()),
                    null,
                    n -> {
                      stepped[0] += n;
                      if (stepped[0] >= 30) {
                        throw new Stop();
                      }
                    }));
    assertEquals(30, stepped[0]);
  }

  @Test
  void aggregateRowsGrowInBlocksAsYearsAreReached() {
    AggregateTable t = new AggregateTable(3);
    assertEquals(0, t.rows());
    t.ensureRows(AggregateTable.BLOCK_ROWS + 2);
    t.add(AggregateTable.BLOCK_ROWS + 1, new double[] {9, 1, 2, 3}, 1);
    t.add(AggregateTable.BLOCK_ROWS + 1, new double[] {1, 1, 1}, 0);
    t.maxGap(AggregateTable.BLOCK_ROWS + 1, 1e-12);
    t.maxGap(AggregateTable.BLOCK_ROWS + 1, 1e-13);
    assertEquals(AggregateTable.BLOCK_ROWS + 2, t.rows());
    assertEquals(2.0, t.sum(AggregateTable.BLOCK_ROWS + 1, 0));
    assertEquals(4.0, t.sum(AggregateTable.BLOCK_ROWS + 1, 2));
    assertEquals(1e-12, t.gap(AggregateTable.BLOCK_ROWS + 1));
    assertEquals(0.0, t.sum(0, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> t.sum(AggregateTable.BLOCK_ROWS + 2, 0));
  }
}
