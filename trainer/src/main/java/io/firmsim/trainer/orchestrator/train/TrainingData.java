package io.firmsim.trainer.orchestrator.train;

import io.firmsim.trainer.panel.FeatureTable;

/**
 * The checked data a training run fits on: features of the training firms and of the held-out
 * validation firms (whole firms, so lags stay intact).
 *
 * @param training features and targets of the training firms
 * @param validation features and targets of the validation firms (may have no rows)
 * @param panelRows rows of the panel the tables come from
 * @param trainingStartState the state each training row's year started from (its firm's previous
 *     panel row), row-major {@code [training rows, StateVariable.count()]}: the year graph's input
 */
record TrainingData(
    FeatureTable training, FeatureTable validation, int panelRows, double[] trainingStartState) {}
