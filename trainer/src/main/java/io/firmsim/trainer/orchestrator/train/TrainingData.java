package io.firmsim.trainer.orchestrator.train;

import io.firmsim.trainer.panel.FeatureTable;

/**
 * The checked data a training run fits on: features of the training firms and of the held-out
 * validation firms (whole firms, so lags stay intact).
 *
 * @param training features and targets of the training firms
 * @param validation features and targets of the validation firms (may have no rows)
 * @param panelRows rows of the panel the tables come from
 * @param startState the reference profile of the state each training row's year started from (its
 *     firm's previous panel row: the year graph's input), one entry per state column; profiled here
 *     rather than kept as rows, which would cost 43 doubles per training row
 */
record TrainingData(
    FeatureTable training,
    FeatureTable validation,
    int panelRows,
    java.util.List<io.firmsim.zoo.profile.FeatureProfile> startState) {}
