package io.firmsim.simulator.scenario;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.firmsim.models.equations.ForwardMode;
import io.firmsim.simulator.backend.Backend;
import io.firmsim.simulator.engine.Precision;
import io.firmsim.simulator.macro.MacroPath;
import io.firmsim.simulator.population.Population;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What a cluster executor rebuilds a scenario run from survives Java serialization: a plan with a
 * source file, file and folder macro plans, a file population plan, every shock kind, magnitude and
 * selection filter, alignment targets and run settings comes back equal (its paths as equal paths);
 * so do plans with generated and calibrated populations and no source; a population comes back with
 * its ids, values, weights (or none) and re-balanced count, a macro path with its values.
 */
class ScenarioSerializationTest {
  private static final int START = 2001;

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T object) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(object);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  private static ScenarioPlan plan(Path source, PopulationPlan population) {
    Selection some =
        new Selection(0.4, Map.of("Public", 1.0, "largcity", 0.0), List.of(1, 2, 3, 10));
    List<Variant> scenarios =
        List.of(
            new Variant(
                "forecast",
                new MacroPlan.Paths(Path.of("/data/forecasts/paths")),
                List.of(
                    new Shock(ShockKind.DEMAND, null, START, 2, some, new Magnitude.Fixed(0.3), 0),
                    new Shock(
                        ShockKind.COST_OF_DEBT,
                        ShockKind.DebtCostTarget.REALR,
                        START + 1,
                        1,
                        Selection.all(),
                        new Magnitude.Normal(0.02, 0.01),
                        0))),
            new Variant(
                "firm-level",
                new MacroPlan.Constant(1.5e9, 0.03),
                List.of(
                    new Shock(
                        ShockKind.IMPAIRMENT,
                        ShockKind.Asset.BU,
                        START + 2,
                        1,
                        some,
                        new Magnitude.Uniform(0.1, 0.6),
                        0),
                    new Shock(
                        ShockKind.CREDIT_CRUNCH,
                        null,
                        START,
                        3,
                        Selection.all(),
                        new Magnitude.Fixed(0.5),
                        0.25),
                    new Shock(
                        ShockKind.TAX_CHANGE,
                        ShockKind.TaxTarget.ALLOCATION_RATE,
                        START,
                        4,
                        Selection.all(),
                        new Magnitude.Fixed(0.02),
                        0))),
            new Variant(
                "file-macro", new MacroPlan.File(Path.of("macro", "stress.csv")), List.of()));
    return new ScenarioPlan(
        source,
        "models/paper-refit",
        population,
        START,
        6,
        25,
        -7L,
        new Variant("baseline", new MacroPlan.File(Path.of("macro/base.csv")), List.of()),
        scenarios,
        List.of(
            new AlignmentTarget(8, "prob", new TreeMap<>(Map.of(START, 0.2, START + 1, 0.25))),
            new AlignmentTarget(6, "prob_pos", new TreeMap<>(Map.of(START + 3, 0.4)))),
        new RecoverySettings(0.05, List.of(0, 2, 4)),
        new ScenarioPlan.RunSettings(Backend.ONNX, Precision.FLOAT32, ForwardMode.MEAN, 2048, 3),
        ScenarioPlan.FirmDifferences.ALL);
  }

  @Test
  void aPlanWithSourceMacroFilesAndAPopulationFileComesBackEqual() throws Exception {
    ScenarioPlan plan =
        plan(
            Path.of("/work/scenarios/stress.yaml"),
            new PopulationPlan.File(Path.of("data", "firms-1999.csv")));
    ScenarioPlan copy = roundTrip(plan);
    assertNotSame(plan, copy);
    assertEquals(plan, copy);
    assertEquals(Path.of("/work/scenarios/stress.yaml"), copy.source());
    assertEquals(Path.of("data/firms-1999.csv"), ((PopulationPlan.File) copy.population()).path());
    assertEquals(Path.of("macro/base.csv"), ((MacroPlan.File) copy.baseline().macro()).path());
    assertEquals(
        Path.of("/data/forecasts/paths"),
        ((MacroPlan.Paths) copy.scenarios().get(0).macro()).folder());
    assertEquals(0.25, copy.alignment().get(0).rates().get(START + 1));
    // A plan is also read back whole as part of a larger object (an executor's task).
    List<ScenarioPlan> twice = roundTrip(List.of(plan, plan));
    assertEquals(List.of(plan, plan), twice);
  }

  @Test
  void plansWithoutSourceAndWithGeneratedOrCalibratedFirmsComeBackEqual() throws Exception {
    for (PopulationPlan p :
        List.of(new PopulationPlan.Generated(3000, 5), new PopulationPlan.Calibrated(1200))) {
      ScenarioPlan plan = plan(null, p);
      ScenarioPlan copy = roundTrip(plan);
      assertEquals(plan, copy);
      assertNull(copy.source());
    }
  }

  @Test
  void populationsAndMacroPathsComeBackWithTheirValues() throws Exception {
    int v = StateVariable.count();
    long[] ids = {11, 12, 13};
    double[] values = new double[3 * v];
    for (int i = 0; i < values.length; i++) {
      values[i] = i * 1.5 - 7;
    }
    Population weighted = new Population(ids, values, new double[] {0.5, 2, 3.25}, 2);
    Population copy = roundTrip(weighted);
    assertArrayEquals(ids, copy.firmIds());
    assertArrayEquals(values, copy.values());
    assertTrue(copy.hasWeights());
    assertArrayEquals(new double[] {0.5, 2, 3.25}, copy.weights());
    assertEquals(2, copy.rebalanced());
    Population plain = roundTrip(new Population(ids, values));
    assertFalse(plain.hasWeights());
    assertArrayEquals(values, plain.values());

    MacroPath path = new MacroPath(START, new double[] {1e9, -2e9}, new double[] {0.02, -0.01});
    MacroPath back = roundTrip(path);
    for (int year = START - 1; year <= START + 2; year++) {
      assertEquals(path.dgnp(year), back.dgnp(year), "dgnp " + year);
      assertEquals(path.realr(year), back.realr(year), "realr " + year);
      assertEquals(path.covers(year), back.covers(year), "covers " + year);
    }
    assertEquals(path.toString(), back.toString());
  }
}
