package io.firmsim.trainer.forecast.scenario;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import io.firmsim.models.forecast.nbeats.NBeatsBlock;
import io.firmsim.models.forecast.nbeats.StackConfig;
import io.firmsim.models.forecast.nbeats.StackKind;
import io.firmsim.trainer.forecast.model.Forecaster;
import io.firmsim.trainer.forecast.series.NamedSeries;
import io.firmsim.trainer.forecast.train.BlockForecaster;
import io.firmsim.trainer.forecast.train.ForecastTrainer;
import io.firmsim.trainer.forecast.train.TrainingSettings;
import io.firmsim.trainer.forecast.train.WindowScaling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The bootstrap against hand computations: with a constant forecast a path is the history's N years
 * after its origin; with a naive (last value) forecast it is the last value plus the changes after
 * the origin; a forecaster without errors gives K identical paths; seeds; recursion; the dgnp
 * mapping; a real trained block; refusals.
 */
class MacroScenarioGeneratorTest {
  /** A forecaster from a function of one history to its H values; counts its calls. */
  static final class FunctionForecaster implements Forecaster {
    final int lookback;
    final int horizon;
    final Function<double[], double[]> f;
    int calls;

    FunctionForecaster(int lookback, int horizon, Function<double[], double[]> f) {
      this.lookback = lookback;
      this.horizon = horizon;
      this.f = f;
    }

    @Override
    public int lookback() {
      return lookback;
    }

    @Override
    public int horizon() {
      return horizon;
    }

    @Override
    public double[][] forecast(List<double[]> histories) {
      calls++;
      double[][] out = new double[histories.size()][];
      for (int i = 0; i < out.length; i++) {
        out[i] = f.apply(histories.get(i));
      }
      return out;
    }
  }

  static Forecaster constant(int lookback, int horizon, double growth, double rate) {
    // The two series are told apart by their values: growth > 100, rates < 100 in these tests.
    return new FunctionForecaster(
        lookback, horizon, h -> filled(horizon, h[h.length - 1] > 100 ? growth : rate));
  }

  static Forecaster naive(int lookback, int horizon) {
    return new FunctionForecaster(lookback, horizon, h -> filled(horizon, h[h.length - 1]));
  }

  static double[] filled(int n, double v) {
    double[] x = new double[n];
    Arrays.fill(x, v);
    return x;
  }

  /** Growth 101, 103, 102, 106, ... (all above 100), rates 1..T squared / 10 (below 100). */
  static AnnualMacroHistory history(int years) {
    double[] g = new double[years];
    double[] r = new double[years];
    for (int i = 0; i < years; i++) {
      g[i] = 101 + (i * 7 % 11);
      r[i] = (i + 1) * (i + 1) / 10.0;
    }
    return AnnualMacroHistory.of(1990, g, r);
  }

  static MacroScenarios generate(Forecaster f, AnnualMacroHistory h, int n, int k, long seed) {
    return generate(f, h, n, k, seed, MacroScenarioGenerator.DEFAULT_MIN_ORIGINS);
  }

  static MacroScenarios generate(
      Forecaster f, AnnualMacroHistory h, int n, int k, long seed, int minOrigins) {
    return MacroScenarioGenerator.builder()
        .optMinOrigins(minOrigins)
        .setForecaster(f)
        .setHistory(h)
        .setYears(n)
        .setPaths(k)
        .optSeed(seed)
        .build()
        .generate();
  }

  @Test
  void constantForecastPathsAreTheHistoryAfterTheDrawnOrigin() {
    AnnualMacroHistory h = history(12);
    double[] g = h.growthPct();
    double[] r = h.realrPct();
    // lookback 3, N = 4: origins t = 3..8 (history of t years), six of them
    MacroScenarios s = generate(constant(3, 4, 150.0, 7.0), h, 4, 40, 11);
    assertEquals(6, s.origins());
    assertArrayEquals(new int[] {1992, 1993, 1994, 1995, 1996, 1997}, s.originYears());
    assertArrayEquals(filled(4, 150.0), s.pointGrowthPct());
    assertArrayEquals(filled(4, 7.0), s.pointRealrPct());
    // origin 0 (t = 3): errors actual - 150 and actual - 7 at years 3..6
    assertArrayEquals(
        new double[] {g[3] - 150, g[4] - 150, g[5] - 150, g[6] - 150}, s.growthErrors(0));
    assertArrayEquals(new double[] {1.6 - 7, 2.5 - 7, 3.6 - 7, 4.9 - 7}, s.realrErrors(0), 1e-12);
    boolean[] seen = new boolean[6];
    for (int k = 0; k < 40; k++) {
      int t = 3 + s.pathOrigin(k);
      seen[s.pathOrigin(k)] = true;
      // point + errors = the actual values: both variables from the same origin
      assertArrayEquals(Arrays.copyOfRange(g, t, t + 4), s.growthPct(k), 1e-12);
      assertArrayEquals(Arrays.copyOfRange(r, t, t + 4), s.realrPct(k), 1e-12);
    }
    for (boolean b : seen) {
      assertTrue(b, "40 draws from 6 origins left one out");
    }
  }

  @Test
  void naiveForecastRecursiveBeyondTheHorizonByHand() {
    // history of 8 years, lookback 2, horizon 2, N = 3: the naive forecast repeats the last value
    double[] g = {110, 120, 105, 130, 125, 140, 135, 150};
    double[] r = {1, 2, 4, 3, 5, 2, 6, 4};
    AnnualMacroHistory h = AnnualMacroHistory.of(2000, g, r);
    FunctionForecaster f = (FunctionForecaster) naive(2, 2);
    MacroScenarios s = generate(f, h, 3, 5, 3, 4);
    // one batch for all series, two steps (2 + 1 values): two calls
    assertEquals(2, f.calls);
    // origins t = 2..5: last history years 2001..2004
    assertArrayEquals(new int[] {2001, 2002, 2003, 2004}, s.originYears());
    assertArrayEquals(new double[] {150, 150, 150}, s.pointGrowthPct());
    assertArrayEquals(new double[] {4, 4, 4}, s.pointRealrPct());
    // origin t = 3 (index 1): last known 105 and 4; actuals 130, 125, 140 and 3, 5, 2
    assertArrayEquals(new double[] {25, 20, 35}, s.growthErrors(1));
    assertArrayEquals(new double[] {-1, 1, -2}, s.realrErrors(1));
    for (int k = 0; k < 5; k++) {
      int o = s.pathOrigin(k);
      double[] eg = s.growthErrors(o);
      double[] er = s.realrErrors(o);
      for (int j = 0; j < 3; j++) {
        assertEquals(150 + eg[j], s.growthPct(k)[j]);
        assertEquals(4 + er[j], s.realrPct(k)[j]);
      }
    }
  }

  @Test
  void aForecasterWithoutErrorsGivesIdenticalPaths() {
    // linear history; the forecaster extrapolates the last step: every rolling error is zero
    double[] g = new double[15];
    double[] r = new double[15];
    for (int i = 0; i < 15; i++) {
      g[i] = 101 + 0.5 * i;
      r[i] = 2 - 0.25 * i;
    }
    AnnualMacroHistory h = AnnualMacroHistory.of(1980, g, r);
    Forecaster linear =
        new FunctionForecaster(
            2,
            3,
            x -> {
              double last = x[x.length - 1];
              double step = last - x[x.length - 2];
              return new double[] {last + step, last + 2 * step, last + 3 * step};
            });
    MacroScenarios s = generate(linear, h, 5, 25, 9);
    assertEquals(15 - 5 - 2 + 1, s.origins());
    // continuation of the lines: 101 + 0.5 * (15..19), 2 - 0.25 * (15..19)
    double[] wantG = {108.5, 109, 109.5, 110, 110.5};
    double[] wantR = {-1.75, -2, -2.25, -2.5, -2.75};
    for (int k = 0; k < 25; k++) {
      assertArrayEquals(wantG, s.growthPct(k), 1e-12);
      assertArrayEquals(wantR, s.realrPct(k), 1e-12);
    }
  }

  @Test
  void seedsReproduceAndDifferAndPathsDoNotDependOnTheirNumber() {
    AnnualMacroHistory h = history(30);
    MacroScenarios a = generate(naive(4, 3), h, 5, 30, 42);
    MacroScenarios b = generate(naive(4, 3), h, 5, 30, 42);
    MacroScenarios c = generate(naive(4, 3), h, 5, 30, 43);
    MacroScenarios fewer = generate(naive(4, 3), h, 5, 7, 42);
    boolean differs = false;
    for (int k = 0; k < 30; k++) {
      assertArrayEquals(a.growthPct(k), b.growthPct(k), 0.0);
      assertArrayEquals(a.realrPct(k), b.realrPct(k), 0.0);
      differs |= a.pathOrigin(k) != c.pathOrigin(k);
      if (k < 7) {
        assertEquals(a.pathOrigin(k), fewer.pathOrigin(k));
      }
    }
    assertTrue(differs, "seeds 42 and 43 drew the same 30 origins from " + a.origins());
  }

  @Test
  void originsAreDrawnUniformly() {
    // 10 origins, 20000 paths: each count is Binomial(20000, 0.1), sd 42; allow 5 sd
    AnnualMacroHistory h = history(14);
    MacroScenarios s = generate(naive(1, 4), h, 4, 20000, 5);
    assertEquals(10, s.origins());
    int[] count = new int[10];
    for (int k = 0; k < s.paths(); k++) {
      count[s.pathOrigin(k)]++;
    }
    for (int c : count) {
      assertTrue(Math.abs(c - 2000) < 5 * 42.4, Arrays.toString(count));
    }
  }

  @Test
  void dgnpGrowsTheLevelFromTheBase() {
    // L = 1000 -> 1100 (+100) -> 1045 (-55) -> 1045 (0) -> 1097.25 (+52.25)
    assertArrayEquals(
        new double[] {100, -55, 0, 52.25},
        MacroScenarios.dgnp(1000, new double[] {10, -5, 0, 5}),
        1e-12);
    // 2% a year on 2e12 SEK: 4e10 then 4.08e10
    assertArrayEquals(
        new double[] {4e10, 4.08e10}, MacroScenarios.dgnp(2e12, new double[] {2, 2}), 1e-3);
    assertThrows(IllegalArgumentException.class, () -> MacroScenarios.dgnp(0, new double[] {1}));
    assertThrows(
        IllegalArgumentException.class, () -> MacroScenarios.dgnp(Double.NaN, new double[] {1}));
  }

  @Test
  void aTrainedBlockForecasterGivesPointPlusItsOwnRollingErrors() {
    int horizon = 3;
    int lookback = 6;
    AnnualMacroHistory h = history(24);
    NBeatsBlock block =
        NBeatsBlock.builder()
            .setLookback(lookback)
            .setHorizon(horizon)
            .optStacks(StackConfig.builder(StackKind.GENERIC).optWidth(16).optBlocks(1).build())
            .optSeed(3)
            .build();
    try (Model model = Model.newInstance("f", Device.cpu(), "PyTorch")) {
      model.setBlock(block);
      TrainingSettings settings =
          TrainingSettings.builder()
              .setHorizon(horizon)
              .optLookbackMultiple(2)
              .optBatchSize(8)
              .optSteps(20)
              .optLearningRate(1e-2)
              .optValidationEvery(10)
              .optScaling(WindowScaling.MAX)
              .optSeed(1)
              .build();
      new ForecastTrainer(settings)
          .train(
              model,
              List.of(new NamedSeries("g", h.growthPct()), new NamedSeries("r", h.realrPct())));
      BlockForecaster f = new BlockForecaster(block, lookback, horizon, WindowScaling.MAX);
      MacroScenarios s = generate(f, h, horizon, 12, 2);
      assertEquals(24 - horizon - lookback + 1, s.origins());
      double[] g = h.growthPct();
      double[] r = h.realrPct();
      // independent: forecast one origin's prefix alone and compare with the recorded errors
      int o = 4;
      int t = lookback + o;
      double[] fg = f.forecast(Arrays.copyOf(g, t));
      double[] fr = f.forecast(Arrays.copyOf(r, t));
      for (int j = 0; j < horizon; j++) {
        // float32 batched matmuls differ from single ones in the last bits
        assertEquals(g[t + j] - fg[j], s.growthErrors(o)[j], 1e-3);
        assertEquals(r[t + j] - fr[j], s.realrErrors(o)[j], 1e-3);
      }
      assertArrayEquals(f.forecast(g), s.pointGrowthPct(), 1e-3);
      for (int k = 0; k < s.paths(); k++) {
        double[] eg = s.growthErrors(s.pathOrigin(k));
        double[] pg = s.pointGrowthPct();
        for (int j = 0; j < horizon; j++) {
          assertEquals(pg[j] + eg[j], s.growthPct(k)[j], 0.0);
          assertTrue(Double.isFinite(s.realrPct(k)[j]));
        }
      }
    }
  }

  @Test
  void tooFewOriginsAreRefusedWithTheYearsNeeded() {
    AnnualMacroHistory h = history(10);
    // lookback 3, N = 4: 10 - 4 - 3 + 1 = 4 origins, 5 needed -> 11 years
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> generate(naive(3, 2), h, 4, 3, 1));
    assertTrue(e.getMessage().contains("offers 4 rolling origin(s)"), e.getMessage());
    assertTrue(e.getMessage().contains("needs 11 years"), e.getMessage());
    assertEquals(5, generate(naive(3, 2), history(11), 4, 3, 1).origins());
    assertEquals(0, MacroScenarioGenerator.originCount(5, 6, 1));
  }

  @Test
  void badForecastsAndSettingsAreRefused() {
    AnnualMacroHistory h = history(20);
    Forecaster nan = new FunctionForecaster(2, 2, x -> new double[] {1, Double.NaN});
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> generate(nan, h, 2, 1, 1));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    Forecaster shortRow = new FunctionForecaster(2, 3, x -> new double[] {1, 2});
    assertThrows(IllegalStateException.class, () -> generate(shortRow, h, 2, 1, 1));
    Forecaster fewRows =
        new Forecaster() {
          @Override
          public int lookback() {
            return 1;
          }

          @Override
          public int horizon() {
            return 1;
          }

          @Override
          public double[][] forecast(List<double[]> histories) {
            return new double[1][1];
          }
        };
    assertThrows(IllegalStateException.class, () -> generate(fewRows, h, 2, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> generate(naive(2, 2), h, 0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> generate(naive(2, 2), h, 2, 0, 1));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            MacroScenarioGenerator.builder()
                .setForecaster(naive(2, 2))
                .setHistory(h)
                .setYears(2)
                .setPaths(1)
                .optMinOrigins(0)
                .build());
    assertThrows(
        NullPointerException.class,
        () -> MacroScenarioGenerator.builder().setHistory(h).setYears(1).setPaths(1).build());
    List<double[]> none = new ArrayList<>();
    assertEquals(0, MacroScenarioGenerator.forecastRecursively(naive(1, 1), none, 3).length);
    assertFalse(h.toString().isEmpty());
  }
}
