package io.firmsim.simulator.scenario.run;

import io.firmsim.models.step.FirmYearBlock;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;

/**
 * A scenario run of one range of firms, {@code [fromFirm, toFirm)} ({@link
 * ScenarioRunner#runPart}), in the form in which another process combines the ranges into the
 * single-machine result ({@link ScenarioRunner#combine}): its weighted tile sums folded as far as
 * the run's one order of addition allows ({@link TileFold}: the sums of the whole blocks of 64
 * tiles it holds, the tiles of a block begun before it, the partial sum of a block it leaves open),
 * so that the combined totals equal a single-machine run's bit for bit; the range's last-year
 * ratios and its per-firm paired differences. Serializable, so that a cluster executor can return
 * it to the driver.
 *
 * <p>Size: about {@code replicates x variants x (blocks + 64) x slots} doubles of sums (a block is
 * 32,768 firms) plus, with {@code firmDifferences: all}, {@code scenarios x years x firms x 3}
 * doubles of differences.
 *
 * <p>Class is immutable: built by the runner only, arrays copied out.
 */
public final class ScenarioPart implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int fromFirm;
  private final int toFirm;
  private final TileFold.Part[][] folds; // [replicate][variant]
  private final double[][][] ratios; // [variant][ratio][firm - fromFirm]
  private final ChunkDifferences[] differences; // the range's chunks in firm order
  private final long firmYears;
  private final double loopSeconds;
  private final String backend;

  /** Takes the runner's arrays as they are (nothing else holds them). */
  ScenarioPart(
      int fromFirm,
      int toFirm,
      TileFold.Part[][] folds,
      double[][][] ratios,
      ChunkDifferences[] differences,
      long firmYears,
      double loopSeconds,
      String backend) {
    if (fromFirm < 0 || fromFirm % FirmYearBlock.TILE != 0 || toFirm <= fromFirm) {
      throw new IllegalArgumentException(
          "a part is a non-empty range starting at a multiple of "
              + FirmYearBlock.TILE
              + ", found ["
              + fromFirm
              + ", "
              + toFirm
              + ")");
    }
    this.fromFirm = fromFirm;
    this.toFirm = toFirm;
    this.folds = folds;
    this.ratios = ratios;
    this.differences = differences;
    this.firmYears = firmYears;
    this.loopSeconds = loopSeconds;
    this.backend = backend;
  }

  /**
   * A part read from a stream has a valid range and all its arrays ({@link ScenarioRunner#combine}
   * checks their shapes).
   */
  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    if (fromFirm < 0
        || fromFirm % FirmYearBlock.TILE != 0
        || toFirm <= fromFirm
        || folds == null
        || ratios == null
        || differences == null) {
      throw new InvalidObjectException(
          "not a scenario part: firms [" + fromFirm + ", " + toFirm + ")");
    }
  }

  /** The first firm of the range (a row of the runner's population). */
  public int fromFirm() {
    return fromFirm;
  }

  /** One past the last firm of the range. */
  public int toFirm() {
    return toFirm;
  }

  /** The number of firms in the range. */
  public int firms() {
    return toFirm - fromFirm;
  }

  /** Firm-years simulated for the range, all variants and replicates. */
  public long firmYears() {
    return firmYears;
  }

  /** The wall time of the range's simulations, in seconds. */
  public double loopSeconds() {
    return loopSeconds;
  }

  /** The description of the backend that ran the range. */
  public String backend() {
    return backend;
  }

  /**
   * A copy of the range's last-year firm ratios of replicate 0: {@code [variant][ratio][firm -
   * fromFirm]} (as {@link ScenarioResult#ratios()}).
   */
  public double[][][] ratios() {
    double[][][] copy = new double[ratios.length][][];
    for (int v = 0; v < ratios.length; v++) {
      copy[v] = new double[ratios[v].length][];
      for (int q = 0; q < ratios[v].length; q++) {
        copy[v][q] = ratios[v][q].clone();
      }
    }
    return copy;
  }

  /**
   * Hands the range's per-firm paired differences to the sink in firm order, the calls a
   * single-machine run makes for these firms (one per chunk and scenario; copies, so the part stays
   * unchanged).
   */
  public void feedDifferences(FirmDifferencesSink sink) {
    for (ChunkDifferences d : differences) {
      d.feed(sink, true);
    }
  }

  /** The range's contributions to the totals, for the runner's fold (not copied: read only). */
  TileFold.Part[][] folds() {
    return folds;
  }

  /** The ratios themselves, for the runner's fold (not copied: read only). */
  double[][][] ratiosShared() {
    return ratios;
  }

  /** The chunks' differences, for checks (not copied: read only). */
  ChunkDifferences[] differences() {
    return differences;
  }

  @Override
  public String toString() {
    return "ScenarioPart[firms " + fromFirm + " to " + toFirm + ", " + firmYears + " firm-years]";
  }
}
