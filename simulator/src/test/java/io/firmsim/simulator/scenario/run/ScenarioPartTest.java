package io.firmsim.simulator.scenario.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.backend.Backend;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.simulator.population.Population;
import io.firmsim.simulator.scenario.AlignmentTarget;
import io.firmsim.simulator.scenario.MacroPlan;
import io.firmsim.simulator.scenario.Magnitude;
import io.firmsim.simulator.scenario.PopulationPlan;
import io.firmsim.simulator.scenario.RecoverySettings;
import io.firmsim.simulator.scenario.ScenarioPlan;
import io.firmsim.simulator.scenario.Selection;
import io.firmsim.simulator.scenario.Shock;
import io.firmsim.simulator.scenario.ShockKind;
import io.firmsim.simulator.scenario.Variant;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A scenario run range by range, as cluster executors run it: each range by its own runner, built
 * from a plan, population, weights and macro paths that went through Java serialization, its part
 * serialized back; {@link ScenarioRunner#combine} of the parts gives the single-machine {@link
 * ScenarioRunner#run}'s totals, ratios and per-firm differences bit for bit, for three parts, for
 * two (the second of several tiles, so that the tiles must be added one by one) and for one; also
 * with alignment targets. Parts that leave a gap, overlap, start off a tile boundary or have
 * another plan's shape are refused.
 */
class ScenarioPartTest {
  private static final int START = ScenarioRunnerTest.START;
  private static final int N = 1300; // 3 tiles, the last one partial

  private static ScenarioPlan plan;
  private static Population population;
  private static double[] weights;
  private static List<List<MacroPath>> macros;
  private static ScenarioResult reference;
  private static Received referenceDifferences;
  private static ScenarioPart first; // [0, 512)
  private static ScenarioPart second; // [512, 1024)
  private static ScenarioPart third; // [1024, N)
  private static ScenarioPart whole; // [0, N)
  private static ScenarioPart rest; // [512, N): two tiles, so adding part sums would show

  private static ScenarioPlan plan(int years, int replicates) {
    return plan(years, replicates, List.of(), ScenarioPlan.FirmDifferences.ALL);
  }

  private static ScenarioPlan plan(
      int years,
      int replicates,
      List<AlignmentTarget> alignment,
      ScenarioPlan.FirmDifferences differences) {
    List<Variant> scenarios =
        List.of(
            new Variant(
                "demand-impairment",
                new MacroPlan.Zero(),
                List.of(
                    ScenarioRunnerTest.shock(ShockKind.DEMAND, null, START + 1, 2, 0.4),
                    new Shock(
                        ShockKind.IMPAIRMENT,
                        ShockKind.Asset.MA,
                        START + 1,
                        1,
                        new Selection(0.6, Map.of(), List.of(1, 2, 9, 10)),
                        new Magnitude.Normal(0.5, 0.3),
                        0))),
            new Variant(
                "rates",
                new MacroPlan.Constant(1e9, 0.02),
                List.of(
                    new Shock(
                        ShockKind.COST_OF_DEBT,
                        ShockKind.DebtCostTarget.REALR,
                        START,
                        2,
                        Selection.all(),
                        new Magnitude.Fixed(0.03),
                        0),
                    new Shock(
                        ShockKind.COST_OF_DEBT,
                        ShockKind.DebtCostTarget.FE,
                        START + 1,
                        2,
                        new Selection(0.5, Map.of(), List.of()),
                        new Magnitude.Uniform(0.5, 2),
                        0))));
    return new ScenarioPlan(
        null,
        null,
        new PopulationPlan.Generated(N, 0),
        START,
        years,
        replicates,
        43,
        new Variant("baseline", new MacroPlan.Zero(), List.of()),
        scenarios,
        alignment,
        RecoverySettings.defaults(),
        // No chunk size of its own: a range is cut into as many chunks as there are workers, so
        // the parts are cut where the single run is not.
        new ScenarioPlan.RunSettings(Backend.DJL, Precision.FLOAT64, ForwardMode.SAMPLE, null, 2),
        differences);
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T object) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(object);
      }
      try (ObjectInputStream in =
          new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        return (T) in.readObject();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One executor: its own runner from serialized inputs, its part serialized back. */
  private static ScenarioPart executor(int from, int to) {
    ScenarioRunner runner =
        new ScenarioRunner(
            roundTrip(plan),
            ScenarioRunnerTest.MODEL,
            roundTrip(population),
            roundTrip(weights),
            roundTrip(macros));
    AtomicLong progress = new AtomicLong();
    ScenarioPart part = runner.runPart(from, to, progress::addAndGet);
    assertEquals(part.firmYears(), progress.get(), "progress of [" + from + ", " + to + ")");
    return roundTrip(part);
  }

  @BeforeAll
  static void runs() {
    plan = plan(4, 3);
    population = ScenarioRunnerTest.startups(N, 41);
    weights = new double[N];
    for (int i = 0; i < N; i++) {
      weights[i] = 0.5 + (i % 7) * 1.25;
    }
    int years = plan.years();
    // The rates scenario has two macro paths: replicates 0 and 2 run the first, 1 the second.
    MacroPath up =
        new MacroPath(
            START, new double[] {2e9, -1.5e9, 3e9, 5e8}, new double[] {0.02, 0.035, 0, 0});
    MacroPath down =
        new MacroPath(
            START, new double[] {-1e9, 5e8, 1e9, 2e9}, new double[] {0.04, -0.01, 0.015, 0.03});
    assertEquals(4, years);
    macros = List.of(List.of(MacroPath.zeros()), List.of(MacroPath.zeros()), List.of(up, down));
    referenceDifferences = new Received();
    reference =
        new ScenarioRunner(plan, ScenarioRunnerTest.MODEL, population, weights, macros)
            .run(referenceDifferences, null);
    first = executor(0, 512);
    second = executor(512, 1024);
    third = executor(1024, N);
    whole = executor(0, N);
    rest = executor(512, N);
  }

  /** Every call's arguments, kept per scenario in call order. */
  private static final class Received implements FirmDifferencesSink {
    record Call(long[] ids, double[] weights, boolean[] hit, int[] years, double[][] d) {}

    final List<String> calls = new ArrayList<>(); // "variant:firms", all scenarios in call order
    final Map<Integer, List<Call>> byVariant = new TreeMap<>();

    @Override
    public void chunk(
        int variant,
        long[] firmIds,
        double[] w,
        boolean[] hit,
        int[] years,
        double[][] differences) {
      calls.add(variant + ":" + firmIds.length);
      double[][] d = new double[differences.length][];
      for (int k = 0; k < d.length; k++) {
        d[k] = differences[k].clone();
      }
      byVariant
          .computeIfAbsent(variant, v -> new ArrayList<>())
          .add(new Call(firmIds.clone(), w.clone(), hit.clone(), years.clone(), d));
    }

    /** The scenario's firm ids over all calls, in call order. */
    long[] ids(int variant) {
      return byVariant.get(variant).stream().flatMapToLong(c -> Arrays.stream(c.ids)).toArray();
    }

    /**
     * The scenario's weights, then hits (1 or 0), then each year's differences, each over all calls
     * in call order, so that the same firms cut into other calls give the same array. Every call
     * must carry every year of the plan.
     */
    double[] values(int variant) {
      List<Call> list = byVariant.get(variant);
      int[] allYears = {START, START + 1, START + 2, START + 3};
      List<double[]> ordered = new ArrayList<>();
      for (Call c : list) {
        assertArrayEquals(allYears, c.years, "years of a call");
        ordered.add(c.weights);
      }
      for (Call c : list) {
        double[] h = new double[c.hit.length];
        for (int i = 0; i < h.length; i++) {
          h[i] = c.hit[i] ? 1 : 0;
        }
        ordered.add(h);
      }
      for (int k = 0; k < allYears.length; k++) {
        for (Call c : list) {
          ordered.add(c.d[k]);
        }
      }
      return ordered.stream().flatMapToDouble(Arrays::stream).toArray();
    }
  }

  private static Received assertCombinesToTheReference(List<ScenarioPart> parts) {
    Received received = new Received();
    ScenarioResult combined =
        ScenarioRunner.combine(plan, N, weights, parts, received, "cluster", 1.5);
    String label = parts.size() + " parts";
    assertEquals(N, combined.firms());
    assertEquals(reference.firmYears(), combined.firmYears(), label);
    assertEquals("cluster", combined.backend());
    assertArrayEquals(weights, combined.weights());
    for (int r = 0; r < plan.replicates(); r++) {
      for (int v = 0; v < plan.variants().size(); v++) {
        assertArrayEquals(
            reference.totals()[r][v],
            combined.totals()[r][v],
            label + ": totals of replicate " + r + ", variant " + v);
      }
    }
    for (int v = 0; v < plan.variants().size(); v++) {
      for (int q = 0; q < ScenarioAnalysis.RATIOS.size(); q++) {
        assertArrayEquals(
            reference.ratios()[v][q], combined.ratios()[v][q], label + ": ratio " + q + " of " + v);
      }
    }
    for (int v = 1; v < plan.variants().size(); v++) {
      assertArrayEquals(referenceDifferences.ids(v), received.ids(v), label + ": firms of " + v);
      assertArrayEquals(
          referenceDifferences.values(v), received.values(v), label + ": differences of " + v);
    }
    return received;
  }

  @Test
  void threePartsFromSeparateRunnersCombineToTheSingleRunBitForBit() {
    assertEquals(
        List.of(0, 512, 512, 1024, 1024, N),
        List.of(
            first.fromFirm(),
            first.toFirm(),
            second.fromFirm(),
            second.toFirm(),
            third.fromFirm(),
            third.toFirm()));
    Received received = assertCombinesToTheReference(List.of(first, second, third));
    // Not void: the parts were cut where the single run was not (its chunks: [0, 1024), [1024, N)).
    assertEquals(List.of("1:1024", "2:1024", "1:276", "2:276"), referenceDifferences.calls);
    assertEquals(6, received.calls.size(), received.calls.toString());
    // Not void: every scenario moved the firms (differences not all zero, in the last year too).
    for (int v = 1; v < plan.variants().size(); v++) {
      double[] d = referenceDifferences.values(v);
      assertTrue(
          Arrays.stream(d)
              .skip(d.length - (long) N * Measure.values().length)
              .anyMatch(x -> x != 0),
          "scenario " + v + " moved nothing");
    }
    assertEquals(N, referenceDifferences.ids(1).length, "every firm once per scenario");
  }

  @Test
  void aPartOfSeveralTilesCombinesTileByTile() {
    // Adding [512, N)'s tiles to [0, 512)'s total one by one is not adding their sum to it.
    assertCombinesToTheReference(List.of(first, rest));
  }

  @Test
  void onePartCombinesToTheSingleRunAndMakesItsSinkCalls() {
    assertCombinesToTheReference(List.of(whole));
    Received received = new Received();
    ScenarioRunner.combine(plan, N, weights, List.of(whole), received, "cluster", 1);
    assertEquals(referenceDifferences.calls, received.calls);
  }

  @Test
  void alignedPartsCombineToTheAlignedSingleRun() {
    ScenarioPlan aligned =
        plan(
            2,
            2,
            List.of(
                new AlignmentTarget(8, "prob", new TreeMap<>(Map.of(START, 0.2))),
                new AlignmentTarget(
                    6, "prob_pos", new TreeMap<>(Map.of(START, 0.4, START + 1, 0.5)))),
            ScenarioPlan.FirmDifferences.FINAL);
    ScenarioResult single =
        new ScenarioRunner(aligned, ScenarioRunnerTest.MODEL, population, weights, macros)
            .run(FirmDifferencesSink.none(), null);
    List<ScenarioPart> parts = new ArrayList<>();
    for (int[] range : new int[][] {{0, 512}, {512, N}}) {
      parts.add(
          new ScenarioRunner(aligned, ScenarioRunnerTest.MODEL, population, weights, macros)
              .runPart(range[0], range[1], null));
    }
    ScenarioResult combined =
        ScenarioRunner.combine(
            aligned, N, weights, parts, FirmDifferencesSink.none(), "cluster", 1);
    for (int r = 0; r < 2; r++) {
      for (int v = 0; v < 3; v++) {
        assertArrayEquals(
            single.totals()[r][v], combined.totals()[r][v], "replicate " + r + ", variant " + v);
      }
    }
    // Not void: alignment moved the totals.
    ScenarioResult unaligned =
        new ScenarioRunner(
                plan(2, 2, List.of(), ScenarioPlan.FirmDifferences.FINAL),
                ScenarioRunnerTest.MODEL,
                population,
                weights,
                macros)
            .run(FirmDifferencesSink.none(), null);
    assertEquals(unaligned.totals()[0][0].length, single.totals()[0][0].length);
    assertFalse(
        Arrays.equals(unaligned.totals()[0][0], single.totals()[0][0]), "alignment did nothing");
  }

  @Test
  void refusesGapsOverlapsMisalignedStartsAndOtherPlans() {
    FirmDifferencesSink none = FirmDifferencesSink.none();
    IllegalArgumentException gap =
        assertThrows(
            IllegalArgumentException.class,
            () -> ScenarioRunner.combine(plan, N, weights, List.of(first, third), none, "x", 1));
    assertTrue(gap.getMessage().contains("gap: firms [512, 1024)"), gap.getMessage());
    IllegalArgumentException overlap =
        assertThrows(
            IllegalArgumentException.class,
            () -> ScenarioRunner.combine(plan, N, weights, List.of(whole, third), none, "x", 1));
    assertTrue(overlap.getMessage().contains("overlap: firms [1024, 1300)"), overlap.getMessage());
    IllegalArgumentException order =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ScenarioRunner.combine(
                    plan, N, weights, List.of(second, first, third), none, "x", 1));
    assertTrue(order.getMessage().contains("gap: firms [0, 512)"), order.getMessage());
    IllegalArgumentException shortfall =
        assertThrows(
            IllegalArgumentException.class,
            () -> ScenarioRunner.combine(plan, N, weights, List.of(first, second), none, "x", 1));
    assertTrue(shortfall.getMessage().contains("end at firm 1024"), shortfall.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> ScenarioRunner.combine(plan, N, weights, List.of(), none, "x", 1));
    ScenarioRunner runner =
        new ScenarioRunner(plan, ScenarioRunnerTest.MODEL, population, weights, macros);
    for (int[] range : new int[][] {{100, N}, {511, 1024}, {-512, 512}, {512, 512}, {0, N + 1}}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> runner.runPart(range[0], range[1], null),
              Arrays.toString(range));
      assertTrue(e.getMessage().contains("multiple of 512"), e.getMessage());
    }
    // A part of a plan with another replicate count does not fit this plan.
    ScenarioPart oneReplicate =
        new ScenarioRunner(plan(1, 1), ScenarioRunnerTest.MODEL, population, weights, macros)
            .runPart(0, N, null);
    IllegalArgumentException shape =
        assertThrows(
            IllegalArgumentException.class,
            () -> ScenarioRunner.combine(plan, N, weights, List.of(oneReplicate), none, "x", 1));
    assertTrue(shape.getMessage().contains("1 replicates, not 3"), shape.getMessage());
  }
}
