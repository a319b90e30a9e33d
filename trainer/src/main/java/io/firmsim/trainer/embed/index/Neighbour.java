package io.firmsim.trainer.embed.index;

/**
 * One answer of a nearest-neighbour query: the embedding at {@code row} of the {@link
 * EmbeddingTable}, which belongs to firm {@code firmId} and ends in {@code endYear}, at {@code
 * distance} from the query in the index's {@link Metric}. Immutable.
 */
public record Neighbour(int row, long firmId, int endYear, double distance) {}
