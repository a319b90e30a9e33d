/**
 * Scale-free firm features per firm-year ({@link io.firmsim.trainer.embed.features.FirmFeature}),
 * their robust standardisation fitted on a training panel ({@link
 * io.firmsim.trainer.embed.features.FeatureScaling}) and windows of k consecutive years ({@link
 * io.firmsim.trainer.embed.features.FirmWindows}): the input of the trajectory encoder.
 */
package io.firmsim.trainer.embed.features;
