package io.firmsim.models.zoo;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Set;

/**
 * Translators of a firmsim year model: {@code NDList -> NDList} ({@link YearTranslator}) and {@code
 * PopulationBatch -> YearOutcome} ({@link PopulationTranslator}). The firmsim model loader uses it
 * unless the Criteria names another; with {@code optModelPath} pass it as {@code
 * optTranslatorFactory(new YearTranslatorFactory())} (DJL 0.35.1 chooses the translator before it
 * reads an artifact's serving.properties).
 *
 * <p>Class is immutable and thread-safe.
 */
public final class YearTranslatorFactory implements TranslatorFactory {
  private static final Set<Pair<Type, Type>> TYPES =
      Set.of(
          new Pair<>(NDList.class, NDList.class),
          new Pair<>(PopulationBatch.class, YearOutcome.class));

  @Override
  public Set<Pair<Type, Type>> getSupportedTypes() {
    return TYPES;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <I, O> Translator<I, O> newInstance(
      Class<I> input, Class<O> output, Model model, Map<String, ?> arguments)
      throws TranslateException {
    if (input == NDList.class && output == NDList.class) {
      return (Translator<I, O>) new YearTranslator(model);
    }
    if (input == PopulationBatch.class && output == YearOutcome.class) {
      return (Translator<I, O>) new PopulationTranslator(model);
    }
    throw new IllegalArgumentException(
        "unsupported types " + input.getName() + " -> " + output.getName());
  }
}
