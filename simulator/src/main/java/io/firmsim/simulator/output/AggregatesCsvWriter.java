package io.firmsim.simulator.output;

import io.firmsim.simulator.engine.SimulationResult;
import io.firmsim.zoo.vocabulary.FlowVariable;
import io.firmsim.zoo.vocabulary.StateVariable;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@code aggregates.csv}: one row per reported year with {@code year}, {@code firms}, every
 * state column (characteristics excluded) and every flow summed over firms, and {@code
 * max_balance_gap}, the largest relative balance-identity gap of the year.
 *
 * <p>The sums come from {@link SimulationResult}, formed in a fixed order that depends only on the
 * population, and are written with {@link Double#toString(double)} (the shortest decimal that reads
 * back as the same double), so the file is byte-identical whatever the chunk size or thread count.
 */
public final class AggregatesCsvWriter {
  private AggregatesCsvWriter() {}

  public static void write(Path file, SimulationResult result) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("year,firms");
      for (String c : SimulationResult.aggregateColumns()) {
        w.write(',');
        w.write(c);
      }
      w.write(",max_balance_gap\n");
      for (int y = 0; y < result.years(); y++) {
        w.write(Integer.toString(result.startYear() + y));
        w.write(',');
        w.write(Long.toString(result.firms()));
        for (StateVariable v : StateVariable.all()) {
          if (v.kind() != StateVariable.Kind.CHARACTERISTIC) {
            w.write(',');
            w.write(Double.toString(result.stateSum(y, v)));
          }
        }
        for (FlowVariable f : FlowVariable.all()) {
          w.write(',');
          w.write(Double.toString(result.flowSum(y, f)));
        }
        w.write(',');
        w.write(Double.toString(result.maxBalanceGap(y)));
        w.write('\n');
      }
    }
  }
}
