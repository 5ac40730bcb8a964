package com.reviewpipeline.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The repeatable {@code --set key=value} option of the commands that load the configuration. */
final class ConfigSets {

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "override any configuration key, e.g. --set kafka.commit_interval_ms=500 (repeatable)")
  List<String> sets = new ArrayList<>();
}
