package io.raftvip.cli.demo;

import java.util.List;
import java.util.Optional;

/**
 * What the driver did in one scenario, as it happened (wall-clock epoch microseconds).
 *
 * @param scenario which fault
 * @param oldNode the VIP's holder when the fault was injected
 * @param fault how it was injected, in words
 * @param fromWall observation start (before the fault)
 * @param faultWall when the fault was injected
 * @param endFaultWall when the fault ended (SIGCONT, heal), if it does
 * @param endFaultText what ended it
 * @param toWall observation end
 * @param notes further lines for the printout (e.g. the emulation used)
 */
record ScenarioRun(
    Scenario scenario,
    String oldNode,
    String fault,
    long fromWall,
    long faultWall,
    Optional<Long> endFaultWall,
    String endFaultText,
    long toWall,
    List<String> notes) {
  ScenarioRun {
    notes = List.copyOf(notes);
  }
}
