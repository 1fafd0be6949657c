package io.raftvip.cli.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The faults the demo injects, in the order it runs them. */
enum Scenario {
  KILL("kill", "SIGKILL the owner's agent, then restart it"),
  PAUSE("pause", "SIGSTOP the owner's agent for 5 s, then SIGCONT"),
  PARTITION("partition", "partition the owner from the other nodes for 5 s, then heal"),
  MOVE("move", "graceful move (admin MoveVip): the owner releases, the target takes over");

  private final String id;
  private final String title;

  Scenario(String id, String title) {
    this.id = id;
    this.title = title;
  }

  String id() {
    return id;
  }

  String title() {
    return title;
  }

  /** Parses "kill,stop" or "all"; keeps the demo's order whatever the order given. */
  static List<Scenario> parseList(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.equals("all")) {
      return List.of(values());
    }
    List<Scenario> chosen = new ArrayList<>();
    for (String part : t.split(",")) {
      Scenario found = null;
      for (Scenario s : values()) {
        if (s.id.equals(part.strip())) {
          found = s;
        }
      }
      if (found == null) {
        throw new IllegalArgumentException(
            "unknown scenario '"
                + part.strip()
                + "'; choose from kill, pause, partition, move, all");
      }
      if (!chosen.contains(found)) {
        chosen.add(found);
      }
    }
    if (chosen.isEmpty()) {
      throw new IllegalArgumentException("no scenario given");
    }
    chosen.sort(null);
    return List.copyOf(chosen);
  }
}
