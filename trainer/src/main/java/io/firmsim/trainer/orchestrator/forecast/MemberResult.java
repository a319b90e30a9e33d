package io.firmsim.trainer.orchestrator.forecast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firmsim.trainer.forecast.artifact.TrainedMember;
import io.firmsim.trainer.forecast.model.ForecasterSpec;
import io.firmsim.trainer.forecast.train.LossKind;
import io.firmsim.trainer.forecast.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a member task leaves for the assembly and the report: the member (spec, loss, seed), its
 * training (steps run, best step and validation loss, early stop, the loss of every step and every
 * validation check) and its best parameters (DJL bytes, float32). Kept between runs by {@link
 * MemberStore} as JSON plus the parameter file.
 *
 * <p>Immutable (lists and bytes copied) and thread-safe.
 */
final class MemberResult {
  static final ObjectMapper MAPPER = new ObjectMapper();

  final String id;
  final ForecasterSpec spec;
  final LossKind loss;
  final long seed;
  final int stepsRun;
  final int bestStep;
  final boolean stoppedEarly;
  final double validationLoss;
  final List<Double> trainingLoss;
  final List<TrainingResult.ValidationCheck> validation;
  private final byte[] parameters;

  MemberResult(
      String id,
      ForecasterSpec spec,
      LossKind loss,
      long seed,
      TrainingResult r,
      byte[] parameters) {
    this(
        id,
        spec,
        loss,
        seed,
        r.stepsRun(),
        r.bestStep(),
        r.stoppedEarly(),
        r.bestValidationLoss(),
        r.trainingLoss(),
        r.validation(),
        parameters);
  }

  private MemberResult(
      String id,
      ForecasterSpec spec,
      LossKind loss,
      long seed,
      int stepsRun,
      int bestStep,
      boolean stoppedEarly,
      double validationLoss,
      List<Double> trainingLoss,
      List<TrainingResult.ValidationCheck> validation,
      byte[] parameters) {
    this.id = Objects.requireNonNull(id);
    this.spec = Objects.requireNonNull(spec);
    this.loss = Objects.requireNonNull(loss);
    this.seed = seed;
    this.stepsRun = stepsRun;
    this.bestStep = bestStep;
    this.stoppedEarly = stoppedEarly;
    this.validationLoss = validationLoss;
    this.trainingLoss = List.copyOf(trainingLoss);
    this.validation = List.copyOf(validation);
    this.parameters = parameters.clone();
  }

  byte[] parameters() {
    return parameters.clone();
  }

  TrainedMember member() {
    return new TrainedMember(spec, seed, loss, validationLoss, parameters);
  }

  /**
   * The mean training loss of the steps up to each validation check after the first (the steps
   * since the previous check), aligned with {@code validation.subList(1, ...)}.
   */
  List<Double> trainingCurve() {
    List<Double> out = new ArrayList<>();
    int from = 0;
    for (int c = 1; c < validation.size(); c++) {
      int to = Math.min(validation.get(c).step(), trainingLoss.size());
      double sum = 0;
      for (int s = from; s < to; s++) {
        sum += trainingLoss.get(s);
      }
      out.add(to > from ? sum / (to - from) : Double.NaN);
      from = to;
    }
    return out;
  }

  /** The JSON of everything but the parameters, with the parameters' SHA-256. */
  ObjectNode toJson(String parametersSha256) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("id", id);
    o.set("spec", spec.toJson());
    o.put("loss", loss.name().toLowerCase(Locale.ROOT));
    o.put("seed", seed);
    o.put("stepsRun", stepsRun);
    o.put("bestStep", bestStep);
    o.put("stoppedEarly", stoppedEarly);
    number(o, "validationLoss", validationLoss);
    ArrayNode t = o.putArray("trainingLoss");
    trainingLoss.forEach(v -> number(t, v));
    ArrayNode v = o.putArray("validation");
    for (TrainingResult.ValidationCheck c : validation) {
      ArrayNode pair = v.addArray();
      pair.add(c.step());
      number(pair, c.loss());
    }
    o.put("parametersSha256", parametersSha256);
    return o;
  }

  static void number(ObjectNode o, String key, double v) {
    if (Double.isFinite(v)) {
      o.put(key, v);
    } else {
      o.putNull(key);
    }
  }

  static void number(ArrayNode a, double v) {
    if (Double.isFinite(v)) {
      a.add(v);
    } else {
      a.addNull();
    }
  }

  private static double number(JsonNode v) {
    return v == null || v.isNull() ? Double.NaN : v.doubleValue();
  }

  /** Reads {@link #toJson} back with the parameter bytes. */
  static MemberResult fromJson(JsonNode o, byte[] parameters) {
    List<Double> training = new ArrayList<>();
    o.get("trainingLoss").forEach(v -> training.add(number(v)));
    List<TrainingResult.ValidationCheck> checks = new ArrayList<>();
    o.get("validation")
        .forEach(
            p ->
                checks.add(new TrainingResult.ValidationCheck(p.get(0).asInt(), number(p.get(1)))));
    return new MemberResult(
        o.get("id").asText(),
        ForecasterSpec.fromJson(o.get("spec")),
        LossKind.parse(o.get("loss").asText()),
        o.get("seed").asLong(),
        o.get("stepsRun").asInt(),
        o.get("bestStep").asInt(),
        o.get("stoppedEarly").asBoolean(),
        number(o.get("validationLoss")),
        training,
        checks,
        parameters);
  }
}
