package io.firmsim.simulator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code firmsim} command line: one subcommand per job. */
@Command(
    name = "firmsim",
    mixinStandardHelpOptions = true,
    version = "firmsim 0.1.0",
    description = "Firm-level financial microsimulation (Shahnazarian 2004) on CPU or GPU.",
    subcommands = {SimulateCommand.class, CommandLine.HelpCommand.class})
public final class FirmsimCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }
}
