/** The {@code firmsim serve} command. */
package io.firmsim.serving.cli;
