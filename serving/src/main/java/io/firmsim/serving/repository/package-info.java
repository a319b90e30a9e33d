/**
 * The served model repository: artifacts as {@code NAME/VERSION/} folders, verified, opened and
 * warmed up before they serve, swapped atomically on load and drained before they close.
 */
package io.firmsim.serving.repository;
