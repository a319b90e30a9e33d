package io.firmsim.trainer.cli;

import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.OutputFile;
import io.firmsim.trainer.embed.artifact.EmbeddingArtifact;
import io.firmsim.trainer.embed.index.EmbeddingIndex;
import io.firmsim.trainer.embed.index.Neighbour;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code firmsim similar}: the k firms nearest to a firm in the similar-firm index of an embedding
 * artifact written by {@code embed} (its latest window against every other firm's latest window,
 * the firm itself left out), nearest first, ties by index row.
 *
 * <p>The artifact is a folder only: there is no repository of embedding artifacts yet (unlike
 * forecasters' {@code NAME[/VERSION]}). It is verified whole on opening ({@link
 * EmbeddingArtifact#open}). Answers are printed as {@code rank firm_id end_year distance}, or
 * written with {@code --out} as CSV {@code rank,firm_id,end_year,distance}, distances in full
 * double precision.
 *
 * <p>Exit codes: 0 answered; 2 bad input (an artifact missing, damaged or without an index, naming
 * the file; a firm not in the index, naming it; a bad option), nothing written.
 */
@Command(
    name = "similar",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Lists the firms most similar to a firm, from an embedding artifact's index.")
public final class SimilarCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--index",
      required = true,
      paramLabel = "DIR",
      description = "An embedding artifact folder written by embed (folders only).")
  Path index;

  @Option(names = "--firm", required = true, paramLabel = "ID", description = "The firm's id.")
  long firm;

  @Option(names = "--k", paramLabel = "K", description = "Neighbours (default 10).")
  int k = 10;

  @Option(
      names = "--ef-search",
      paramLabel = "EF",
      description = "Candidates searched (default: the index's, 100); larger is more exact.")
  Integer efSearch;

  @Option(
      names = "--out",
      paramLabel = "F.csv",
      description = "Write rank,firm_id,end_year,distance here instead of printing.")
  Path out;

  @Option(names = "--overwrite", description = "Replace an existing --out file.")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    if (k < 1) {
      throw new BadInputException("--k must be at least 1, found " + k);
    }
    if (efSearch != null && efSearch < 1) {
      throw new BadInputException("--ef-search must be at least 1, found " + efSearch);
    }
    if (out != null) {
      OutputFile.check(out, overwrite);
    }
    EmbeddingArtifact artifact = EmbeddingArtifact.open(index);
    List<Neighbour> answer;
    try (EmbeddingIndex ix = artifact.loadIndex()) {
      if (!ix.table().contains(firm)) {
        throw new BadInputException(
            "firm "
                + firm
                + " is not in the index of "
                + artifact.dir()
                + " ("
                + ix.table().rows()
                + " firms with a full window)");
      }
      int ef = efSearch == null ? ix.parameters().efSearch() : efSearch;
      answer = ix.query(firm, k, ef);
    }
    if (out == null) {
      PrintWriter o = spec.commandLine().getOut();
      o.println("rank firm_id end_year distance");
      for (int i = 0; i < answer.size(); i++) {
        Neighbour n = answer.get(i);
        o.printf(Locale.ROOT, "%d %d %d %s%n", i + 1, n.firmId(), n.endYear(), n.distance());
      }
      o.flush();
      return 0;
    }
    try (OutputFile file = OutputFile.begin(out, overwrite)) {
      try (BufferedWriter w = Files.newBufferedWriter(file.staging(), StandardCharsets.UTF_8)) {
        w.write("rank,firm_id,end_year,distance\n");
        for (int i = 0; i < answer.size(); i++) {
          Neighbour n = answer.get(i);
          w.write((i + 1) + "," + n.firmId() + "," + n.endYear() + "," + n.distance() + "\n");
        }
      }
      file.commit();
    }
    PrintWriter o = spec.commandLine().getOut();
    o.printf(Locale.ROOT, "%d neighbours of firm %d written to %s%n", answer.size(), firm, out);
    o.flush();
    return 0;
  }
}
