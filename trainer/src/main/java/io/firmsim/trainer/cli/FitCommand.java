package io.firmsim.trainer.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.trainer.fit.FitOptions;
import io.firmsim.trainer.fit.FitResult;
import io.firmsim.trainer.fit.SubmodelFitter;
import io.firmsim.trainer.io.FitJson;
import io.firmsim.trainer.io.NumericCsvReader;
import io.firmsim.zoo.modelspec.Family;
import io.firmsim.zoo.modelspec.Link;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code firmsim fit}: one submodel on a CSV file, written as a submodel JSON. */
@Command(
    name = "fit",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Fits one submodel (binary, ordinal3, huber or tobit) on a CSV file.")
public final class FitCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--family", required = true, description = "binary, ordinal3, huber or tobit.")
  String family;

  @Option(
      names = "--link",
      description = "logit or cloglog (binary, ordinal3; ordinal3 is cloglog).")
  String link;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "FILE.csv",
      description = "Data with a header.")
  Path data;

  @Option(
      names = "--target",
      required = true,
      description = "Target column (binary 0/1, ordinal3 -1/0/1).")
  String target;

  @Option(
      names = "--features",
      required = true,
      split = ",",
      description = "Feature columns, comma-separated.")
  List<String> features;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE.json",
      description = "Where the fit goes.")
  Path out;

  @Option(
      names = "--drop-constant",
      description = "Drop constant features (reported as notIdentified) instead of refusing them.")
  boolean dropConstant;

  @Option(
      names = "--no-schweppe",
      description = "Huber: no leverage weights (plain Huber M-estimation, as MASS::rlm).")
  boolean noSchweppe;

  @Option(
      names = "--max-iterations",
      defaultValue = "100",
      description = "Default: ${DEFAULT-VALUE}.")
  int maxIterations;

  @Option(
      names = "--device",
      defaultValue = "auto",
      description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
  String device;

  @Override
  public Integer call() throws Exception {
    Family fam;
    try {
      fam = Family.valueOf(family.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadInputException(
          "--family must be binary, ordinal3, huber or tobit, found '" + family + "'");
    }
    Link lnk = null;
    if (fam == Family.BINARY || fam == Family.ORDINAL3) {
      String l = link == null ? "cloglog" : link;
      try {
        lnk = Link.valueOf(l.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new BadInputException("--link must be logit or cloglog, found '" + l + "'");
      }
      if (fam == Family.ORDINAL3 && lnk != Link.CLOGLOG) {
        throw new BadInputException("--family ordinal3 supports --link cloglog only");
      }
    } else if (link != null) {
      throw new BadInputException("--link applies to binary and ordinal3 fits only");
    }
    if (features.stream().distinct().count() != features.size()) {
      throw new BadInputException("--features lists a column twice: " + features);
    }
    if (features.contains(target)) {
      throw new BadInputException("--target " + target + " is also among --features");
    }
    List<String> columns = new ArrayList<>(features);
    columns.add(target);
    NumericCsvReader.Table table = NumericCsvReader.read(data, columns);
    double[] y = table.column(target);
    List<String> kept = new ArrayList<>(features);
    List<String> dropped = new ArrayList<>();
    for (String f : features) {
      double[] col = table.column(f);
      if (Arrays.stream(col).allMatch(v -> v == col[0])) {
        if (!dropConstant) {
          throw new BadInputException(
              data
                  + ", column '"
                  + f
                  + "': feature is constant ("
                  + col[0]
                  + " in every row); it cannot be estimated (use --drop-constant to drop it)");
        }
        kept.remove(f);
        dropped.add(f);
      }
    }
    double[] x = new double[table.rows() * kept.size()];
    for (int j = 0; j < kept.size(); j++) {
      double[] col = table.column(kept.get(j));
      for (int i = 0; i < table.rows(); i++) {
        x[i * kept.size() + j] = col[i];
      }
    }
    Engine engine = Engine.getEngine("PyTorch");
    FitResult result;
    try (NDManager manager =
        NDManager.newBaseManager(
            DeviceChoice.valueOf(device.toUpperCase(Locale.ROOT)).resolve(engine),
            engine.getEngineName())) {
      result =
          SubmodelFitter.fit(
              manager,
              fam,
              lnk,
              kept,
              x,
              y,
              !noSchweppe,
              new FitOptions(
                  maxIterations,
                  FitOptions.DEFAULTS.parameterTolerance(),
                  FitOptions.DEFAULTS.objectiveTolerance()));
    } catch (IllegalArgumentException e) {
      throw new BadInputException(data + ": " + e.getMessage(), e);
    }
    ObjectNode json = FitJson.submodel(result, dropped);
    Path abs = out.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
    try {
      FitJson.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), json);
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "%s fit of %s on %d rows: %s after %d" + " iterations, %s %.6f%n",
            fam.jsonName(),
            target,
            result.observations(),
            result.converged() ? "converged" : "NOT CONVERGED",
            result.iterations(),
            fam == Family.HUBER ? "objective" : "log-likelihood",
            result.objective());
    return result.converged() ? 0 : 3;
  }
}
