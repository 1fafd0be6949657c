package io.raftvip.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code raftvip 0.1.0}: the jar manifest's Implementation-Version, or "dev" outside a jar. */
public final class VersionProvider implements IVersionProvider {

  @Override
  public String[] getVersion() {
    return new String[] {"raftvip " + version()};
  }

  /** The version of this build: from the jar manifest, or {@code dev} when run from classes. */
  public static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null || v.isBlank() ? "dev" : v;
  }
}
