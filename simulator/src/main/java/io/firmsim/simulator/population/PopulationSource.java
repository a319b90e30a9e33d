package io.firmsim.simulator.population;

/**
 * Where the simulator takes its firms from, one chunk at a time: a generated start-up population or
 * a population read from a file.
 */
public interface PopulationSource {
  /** Number of firms. */
  int size();

  /** Firms {@code [from, to)} in id order of the source. */
  Population slice(int from, int to);

  /** A source over a population already in memory. */
  static PopulationSource of(Population population) {
    return new PopulationSource() {
      @Override
      public int size() {
        return population.size();
      }

      @Override
      public Population slice(int from, int to) {
        return population.slice(from, to);
      }
    };
  }
}
