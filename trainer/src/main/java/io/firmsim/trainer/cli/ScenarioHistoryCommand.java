package io.firmsim.trainer.cli;

import io.firmsim.simulator.output.OutputFile;
import io.firmsim.trainer.forecast.scenario.AnnualMacroHistory;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code firmsim scenario history}: aggregates a quarterly macro file (the layout of {@code
 * us_gdp_growth_realint_quarterly.csv}) to the annual history that {@code scenario macro} reads
 * ({@link AnnualMacroHistory#fromQuarterly}: complete years only, growth of the yearly mean of real
 * GDP, yearly mean of the real interest rate). The file appears whole or not at all ({@link
 * OutputFile}).
 *
 * <p>Exit codes: 0 written; 2 bad input (the quarterly file, with its row and column; an {@code
 * --out} that exists without {@code --overwrite}).
 */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Aggregates a quarterly macro file (quarter,real_gdp_bn_2005usd,real_interest_rate_pct)"
            + " to the annual history year,gdp_growth_pct,realr_pct.")
public final class ScenarioHistoryCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--quarterly",
      required = true,
      paramLabel = "FILE.csv",
      description =
          "Quarterly file: quarter (YYYYQn), real_gdp_bn_2005usd, real_interest_rate_pct.")
  Path quarterly;

  @Option(names = "--out", required = true, paramLabel = "FILE.csv", description = "Annual file.")
  Path out;

  @Option(
      names = "--series-out",
      paramLabel = "FILE.csv",
      description =
          "Also write the two annual series in the long series layout (series,time,value; series"
              + " gdp_growth_pct and realr_pct, time the year), the training file of a macro"
              + " forecaster (forecast: series in a train YAML).")
  Path seriesOut;

  @Option(names = "--overwrite", description = "Replace existing output files.")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    OutputFile.check(out, overwrite);
    if (seriesOut != null) {
      OutputFile.check(seriesOut, overwrite);
    }
    AnnualMacroHistory h = AnnualMacroHistory.fromQuarterly(quarterly);
    if (seriesOut != null) {
      try (OutputFile file = OutputFile.begin(seriesOut, overwrite)) {
        try (BufferedWriter w = Files.newBufferedWriter(file.staging(), StandardCharsets.UTF_8)) {
          w.write("series,time,value\n");
          String[] names = {"gdp_growth_pct", "realr_pct"};
          double[][] values = {h.growthPct(), h.realrPct()};
          for (int k = 0; k < 2; k++) {
            for (int i = 0; i < h.size(); i++) {
              w.write(names[k] + "," + (h.firstYear() + i) + "," + values[k][i] + "\n");
            }
          }
        }
        file.commit();
      }
    }
    try (OutputFile file = OutputFile.begin(out, overwrite)) {
      try (BufferedWriter w = Files.newBufferedWriter(file.staging(), StandardCharsets.UTF_8)) {
        h.write(w);
      }
      file.commit();
    }
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "firmsim: %d years (%d..%d) written to %s%n",
            h.size(),
            h.firstYear(),
            h.lastYear(),
            out);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
