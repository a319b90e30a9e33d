package io.firmsim.models.zoo;

import ai.djl.repository.zoo.ModelZoo;
import ai.djl.repository.zoo.ZooProvider;

/**
 * Registers the firmsim model zoo with DJL (listed in {@code
 * META-INF/services/ai.djl.repository.zoo.ZooProvider}).
 */
public final class FirmsimZooProvider implements ZooProvider {
  @Override
  public ModelZoo getModelZoo() {
    return new FirmsimModelZoo();
  }
}
