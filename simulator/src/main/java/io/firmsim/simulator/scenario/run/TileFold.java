package io.firmsim.simulator.scenario.run;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one order in which a scenario run's per-tile weighted sums become its totals: tiles of 512
 * firms are added into blocks of {@link #BLOCK_TILES} tiles (by their position in the whole
 * population, from 0.0, tile after tile), and the blocks into the total (from 0.0, block after
 * block); the last block may be partial.
 *
 * <p>Why two levels: the totals must not depend on how the population is cut (chunk sizes, cluster
 * ranges), so every process adds in this one order; and a range of a cluster run that holds whole
 * blocks can hand the driver one sum per block instead of one per tile, 64 times less data (a
 * 10-million-firm run has 19,532 tiles but 306 blocks, times replicates x variants x slots).
 *
 * <p>{@link #add} streams a fold of the whole population (tiles in order from tile 0). {@link Part}
 * is what a range hands over: its leading tiles that belong to a block begun before it, its whole
 * blocks' sums, and the partial sum of a block it leaves open; {@link #add(Part)} continues a fold
 * with it exactly as if its tiles had been added one by one. Not thread-safe.
 */
final class TileFold {
  /** Tiles per block: 64 tiles, 32,768 firms (the DJL backend's default chunk on a CPU). */
  static final int BLOCK_TILES = 64;

  private final double[] total;
  private final double[] block;
  private long nextTile;

  /** A fold into {@code total} (added to, from its current values) from tile 0. */
  TileFold(double[] total) {
    this.total = total;
    this.block = new double[total.length];
  }

  /** Adds the next tile's sums. */
  void add(double[] tile) {
    addInto(block, tile);
    nextTile++;
    if (nextTile % BLOCK_TILES == 0) {
      closeBlock();
    }
  }

  /**
   * Adds a range's contribution, as its tiles one by one ({@code part} starts at the next tile).
   */
  void add(Part part) {
    if (part.firstTile != nextTile) {
      throw new IllegalArgumentException(
          "a part from tile " + part.firstTile + " where tile " + nextTile + " is due");
    }
    for (double[] t : part.leading) {
      add(t);
    }
    for (double[] b : part.blocks) {
      if (nextTile % BLOCK_TILES != 0) {
        throw new IllegalStateException("a block sum off a block boundary at tile " + nextTile);
      }
      addInto(total, b);
      nextTile += BLOCK_TILES;
    }
    if (part.open != null) {
      // the block is empty (+0.0) here, as where the range began it: adding the range's partial
      // sum to it gives that sum, as adding its tiles one by one would
      addInto(block, part.open);
      nextTile += part.openTiles;
    }
  }

  /** Adds a last partial block to the total (call once, after the last tile). */
  void finish() {
    if (nextTile % BLOCK_TILES != 0) {
      closeBlock();
    }
  }

  private void closeBlock() {
    addInto(total, block);
    Arrays.fill(block, 0.0);
  }

  private static void addInto(double[] to, double[] x) {
    for (int i = 0; i < to.length; i++) {
      to[i] += x[i];
    }
  }

  /**
   * A range's contribution to one fold: the tiles from {@code firstTile} on, as leading tiles (of a
   * block begun before the range), whole blocks' sums, and an open block's partial sum.
   */
  static final class Part implements Serializable {
    private static final long serialVersionUID = 1L;
    final long firstTile;
    final List<double[]> leading = new ArrayList<>();
    final List<double[]> blocks = new ArrayList<>();
    double[] open; // the partial sum of the block the range began and did not finish, or null
    int openTiles;
    private transient long nextTile;
    private final int width;

    /** An empty contribution of a range that starts at tile {@code firstTile}. */
    Part(long firstTile, int width) {
      this.firstTile = firstTile;
      this.nextTile = firstTile;
      this.width = width;
    }

    /** Adds the range's next tile (in order). */
    void add(double[] tile) {
      if (nextTile % BLOCK_TILES != 0 && open == null) {
        leading.add(tile.clone()); // its block began before the range
      } else {
        if (open == null) {
          open = new double[width];
          openTiles = 0;
        }
        addInto(open, tile);
        openTiles++;
      }
      nextTile++;
      if (nextTile % BLOCK_TILES == 0 && open != null) {
        blocks.add(open);
        open = null;
        openTiles = 0;
      }
    }

    /** Tiles the part covers. */
    long tiles() {
      return leading.size() + (long) blocks.size() * BLOCK_TILES + (open == null ? 0 : openTiles);
    }

    int width() {
      return width;
    }
  }
}
