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

  /**
   * Firms {@code [from, to)} of this source as a source of their own (a scale-out task's range):
   * its slice {@code [a, b)} is this source's slice {@code [from + a, from + b)}, with the same
   * firm ids.
   *
   * @throws IndexOutOfBoundsException if the range is not within {@code [0, size())}
   */
  default PopulationSource range(int from, int to) {
    if (from < 0 || to > size() || from > to) {
      throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + size());
    }
    PopulationSource whole = this;
    return new PopulationSource() {
      @Override
      public int size() {
        return to - from;
      }

      @Override
      public Population slice(int a, int b) {
        if (a < 0 || b > to - from || a > b) {
          throw new IndexOutOfBoundsException("slice [" + a + ", " + b + ") of " + (to - from));
        }
        return whole.slice(from + a, from + b);
      }
    };
  }

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
