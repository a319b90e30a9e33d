package io.firmsim.simulator.cli;

import io.firmsim.zoo.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code firmsim} command line: one subcommand per job. */
@Command(
    name = "firmsim",
    mixinStandardHelpOptions = true,
    versionProvider = FirmsimCommand.Version.class,
    description = "Firm-level financial microsimulation (Shahnazarian 2004) on CPU or GPU.",
    subcommands = {SimulateCommand.class, CommandLine.HelpCommand.class})
public final class FirmsimCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** {@code firmsim --version}: the running build (version and commit). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"firmsim " + BuildInfo.current().codeVersion()};
    }
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }
}
