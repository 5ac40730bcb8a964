package com.reviewpipeline;

import com.reviewpipeline.cli.DemoCommand;
import com.reviewpipeline.cli.ProduceCommand;
import com.reviewpipeline.cli.RunCommand;
import com.reviewpipeline.cli.SimulatorCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code review-pipeline.jar}; without a subcommand it runs the demo. */
@Command(
    name = "review-pipeline",
    mixinStandardHelpOptions = true,
    version = "review-pipeline 0.1.0",
    description = "Real-time Claude moderation of review events on Kafka.",
    subcommands = {DemoCommand.class, RunCommand.class, SimulatorCommand.class, ProduceCommand.class,
        com.reviewpipeline.cli.BenchCommand.class, com.reviewpipeline.cli.EvalCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new Main());
    String[] effective = args.length == 0 ? new String[] {"demo"} : args;
    // Exit explicitly: Kafka and database threads must not keep a finished command alive.
    System.exit(cli.execute(effective));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
