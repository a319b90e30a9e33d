package io.firmsim.trainer.embed.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.nn.Block;
import io.firmsim.models.embed.TrajectoryAutoencoder;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Training by reconstruction on a small simulated panel: two CPU runs with the same settings give
 * bit-identical parameters and loss curves, another seed gives other parameters; a short training
 * lowers the reconstruction loss over all windows to well under its starting value (and under the
 * variance of the standardised windows, the loss of predicting their mean); the per-window errors
 * average to the reported loss; settings of another shape are refused.
 */
class EmbeddingTrainerTest {
  private static byte[] train(EmbeddingSettings s, EmbeddingTrainingResult[] result)
      throws Exception {
    EmbeddingTrainer trainer = new EmbeddingTrainer(s);
    try (Model model = trainer.newModel()) {
      result[0] = trainer.train(model, SmallPanel.WINDOWS);
      return parameters(model.getBlock());
    }
  }

  static byte[] parameters(Block block) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    block.saveParameters(new DataOutputStream(bytes));
    return bytes.toByteArray();
  }

  @Test
  void sameSeedGivesIdenticalWeightsAnotherSeedOthers() throws Exception {
    EmbeddingTrainingResult[] a = new EmbeddingTrainingResult[1];
    EmbeddingTrainingResult[] b = new EmbeddingTrainingResult[1];
    EmbeddingTrainingResult[] c = new EmbeddingTrainingResult[1];
    byte[] pa = train(SmallPanel.settings().optSteps(10).build(), a);
    byte[] pb = train(SmallPanel.settings().optSteps(10).build(), b);
    byte[] pc = train(SmallPanel.settings().optSteps(10).optSeed(6).build(), c);
    assertArrayEquals(pa, pb);
    assertEquals(a[0].curve(), b[0].curve());
    assertFalse(Arrays.equals(pa, pc));
  }

  @Test
  void aShortTrainingLowersTheReconstructionLoss() throws Exception {
    EmbeddingSettings s = SmallPanel.settings().optSteps(40).build();
    EmbeddingTrainer trainer = new EmbeddingTrainer(s);
    try (Model model = trainer.newModel()) {
      EmbeddingTrainingResult r = trainer.train(model, SmallPanel.WINDOWS);
      assertEquals(40, r.curve().size());
      double variance = variance(SmallPanel.WINDOWS.flat());
      assertTrue(r.finalLoss() < 0.6 * r.initialLoss(), r.initialLoss() + " -> " + r.finalLoss());
      assertTrue(r.finalLoss() < variance, r.finalLoss() + " vs variance " + variance);
      TrajectoryAutoencoder ae = (TrajectoryAutoencoder) model.getBlock();
      double[] errors = EmbeddingTrainer.reconstructionErrors(ae, SmallPanel.WINDOWS);
      assertEquals(SmallPanel.WINDOWS.size(), errors.length);
      assertEquals(r.finalLoss(), Arrays.stream(errors).average().orElseThrow(), 1e-12);
      float[][] e = EmbeddingTrainer.embed(ae.encoder(), SmallPanel.WINDOWS);
      assertEquals(SmallPanel.WINDOWS.size(), e.length);
      assertEquals(4, e[0].length);
    }
  }

  @Test
  void windowsOfAnotherLengthAreRefused() {
    EmbeddingTrainer trainer = new EmbeddingTrainer(SmallPanel.settings().optWindow(4).build());
    try (Model model = trainer.newModel()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> trainer.train(model, SmallPanel.WINDOWS));
      assertTrue(e.getMessage().contains("windows of 3 years"), e.getMessage());
    }
  }

  private static double variance(float[] v) {
    double mean = 0;
    for (float x : v) {
      mean += x;
    }
    mean /= v.length;
    double ss = 0;
    for (float x : v) {
      ss += (x - mean) * (x - mean);
    }
    return ss / v.length;
  }
}
