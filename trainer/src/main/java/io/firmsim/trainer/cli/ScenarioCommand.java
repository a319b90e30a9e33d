package io.firmsim.trainer.cli;

import io.firmsim.trainer.forecast.scenario.ForecasterLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code firmsim scenario}: the commands that make macro scenarios for {@code simulate
 * --macro-paths}: {@code history} (a quarterly file to the annual history) and {@code macro} (K
 * sampled paths from a forecaster and the history).
 */
@Command(
    name = "scenario",
    mixinStandardHelpOptions = true,
    description = "Macro scenarios: 'history' derives an annual history, 'macro' samples paths.")
public final class ScenarioCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * The command group with its subcommands; {@code macro} loads forecasters with {@code loader}.
   */
  public static CommandLine commandLine(ForecasterLoader loader) {
    CommandLine cli = new CommandLine(new ScenarioCommand());
    cli.addSubcommand("history", new ScenarioHistoryCommand());
    cli.addSubcommand("macro", new ScenarioMacroCommand(loader));
    cli.addSubcommand("run", new ScenarioRunCommand());
    return cli;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required: history, macro or run");
  }
}
