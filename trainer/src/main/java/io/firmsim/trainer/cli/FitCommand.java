package io.firmsim.trainer.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.simulator.engine.DeviceChoice;
import io.firmsim.simulator.input.BadInputException;
import io.firmsim.simulator.output.OutputFile;
import io.firmsim.trainer.fit.Covariance;
import io.firmsim.trainer.fit.FeatureChecks;
import io.firmsim.trainer.fit.FitOptions;
import io.firmsim.trainer.fit.FitResult;
import io.firmsim.trainer.fit.NotEstimableException;
import io.firmsim.trainer.fit.SubmodelFitter;
import io.firmsim.trainer.io.FitJson;
import io.firmsim.trainer.io.NumericCsvReader;
import io.firmsim.zoo.modelspec.Family;
import io.firmsim.zoo.modelspec.Link;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code firmsim fit}: one submodel on a CSV file, written as a submodel JSON.
 *
 * <p>Exit codes: 0 fitted and converged; 2 bad input (arguments, the data file, the output
 * location: checked before any data is read, nothing written); 3 a failed run: the data do not
 * identify the submodel ({@link NotEstimableException}: constant or collinear features, a
 * degenerate target, an empty category, more parameters than rows, perfect separation, overflow),
 * reported on stderr with its reason and nothing written, or a fit that did not converge (written,
 * and said so). The command maps {@link NotEstimableException} to exit 3 itself (the shared error
 * handler in the simulator module cannot see the trainer's exception types).
 */
@Command(
    name = "fit",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Fits one submodel (binary, ordinal3, huber or tobit) on a CSV file.")
public final class FitCommand implements Callable<Integer> {
  /** Exit code of a run that failed: the data do not identify the submodel, or no convergence. */
  static final int FAILED_RUN = 3;

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
      description = "Where the fit goes (refused if it exists, unless --overwrite).")
  Path out;

  @Option(names = "--overwrite", description = "Replace an existing --out file.")
  boolean overwrite;

  @Option(
      names = "--covariance",
      paramLabel = "expected|observed",
      description =
          "Binary fits: standard errors from the expected (Fisher) information, as R's glm and"
              + " statsmodels (default), or the observed information. Ordinal3 and tobit fits use"
              + " the observed information, huber fits the sandwich estimator.")
  String covariance;

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
    Covariance cov = covariance(fam);
    if (maxIterations < 1) {
      throw new BadInputException("--max-iterations must be at least 1, found " + maxIterations);
    }
    if (features.stream().distinct().count() != features.size()) {
      throw new BadInputException("--features lists a column twice: " + features);
    }
    if (features.contains(target)) {
      throw new BadInputException("--target " + target + " is also among --features");
    }
    // The output location first: a refusal must come before any data is read.
    OutputFile.check(out, overwrite);
    List<String> columns = new ArrayList<>(features);
    columns.add(target);
    NumericCsvReader.Table table = NumericCsvReader.read(data, columns);
    double[] y = table.column(target);
    checkTarget(fam, y);
    try {
      return fitAndWrite(fam, lnk, cov, table, y);
    } catch (NotEstimableException e) {
      spec.commandLine()
          .getErr()
          .println(
              "firmsim: fit failed ("
                  + e.reason().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                  + "): "
                  + data
                  + ": "
                  + e.getMessage());
      return FAILED_RUN;
    }
  }

  private int fitAndWrite(
      Family fam, Link lnk, Covariance cov, NumericCsvReader.Table table, double[] y)
      throws IOException {
    List<String> kept = new ArrayList<>(features);
    List<String> dropped = new ArrayList<>();
    for (String f : features) {
      double[] col = table.column(f);
      if (FeatureChecks.isConstant(col)) {
        if (!dropConstant) {
          throw new NotEstimableException(
              NotEstimableException.Reason.CONSTANT_FEATURE,
              "column '"
                  + f
                  + "': feature is constant (standard deviation at most "
                  + FeatureChecks.RELATIVE_SPREAD
                  + " of its largest magnitude; first value "
                  + col[0]
                  + "); it cannot be estimated (use --drop-constant to drop it)");
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
                  FitOptions.DEFAULTS.objectiveTolerance(),
                  fam == Family.BINARY ? cov : FitOptions.DEFAULTS.binaryCovariance()));
    }
    ObjectNode json = FitJson.submodel(result, dropped); // refuses non-finite estimates
    try (OutputFile file = OutputFile.begin(out, overwrite)) {
      FitJson.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.staging().toFile(), json);
      file.commit();
    }
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "%s fit of %s on %d rows: %s after %d iterations, %s %.6f; standard errors from the"
                + " %s covariance%n",
            fam.jsonName(),
            target,
            result.observations(),
            result.converged() ? "converged" : "NOT CONVERGED",
            result.iterations(),
            fam == Family.HUBER ? "objective" : "log-likelihood",
            result.objective(),
            result.covariance().jsonName());
    return result.converged() ? 0 : FAILED_RUN;
  }

  /** The covariance of the standard errors: a choice for binary fits, fixed for the others. */
  private Covariance covariance(Family fam) {
    Covariance fixed =
        switch (fam) {
          case BINARY -> null;
          case HUBER -> Covariance.SANDWICH;
          default -> Covariance.OBSERVED;
        };
    if (covariance == null) {
      return fixed == null ? Covariance.EXPECTED : fixed;
    }
    Covariance asked;
    if ("expected".equals(covariance)) {
      asked = Covariance.EXPECTED;
    } else if ("observed".equals(covariance)) {
      asked = Covariance.OBSERVED;
    } else {
      throw new BadInputException(
          "--covariance must be expected or observed, found '" + covariance + "'");
    }
    if (fixed != null && asked != fixed) {
      throw new BadInputException(
          "--covariance "
              + covariance
              + " applies to binary fits only: "
              + fam.jsonName()
              + " standard errors come from the "
              + fixed.jsonName()
              + " covariance");
    }
    return asked;
  }

  /** Refuses target values the family does not take, naming the file, column and data row. */
  private void checkTarget(Family fam, double[] y) {
    for (int i = 0; i < y.length; i++) {
      double v = y[i];
      String problem =
          switch (fam) {
            case BINARY -> v == 0 || v == 1 ? null : "a binary target must be 0 or 1";
            case ORDINAL3 ->
                v == -1 || v == 0 || v == 1 ? null : "an ordinal3 target must be -1, 0 or 1";
            case TOBIT -> v >= 0 ? null : "a Tobit target must be non-negative (0: censored)";
            default -> null;
          };
      if (problem != null) {
        throw new BadInputException(
            data
                + ", column '"
                + target
                + "', data row "
                + (i + 1)
                + ": "
                + problem
                + ", found "
                + v);
      }
    }
  }
}
