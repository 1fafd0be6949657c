package io.raftvip.cli;

import io.raftvip.cli.config.Host;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code raftvip} in this JVM with captured output: what a shell would see. */
record Cli(int exitCode, String out, String err) {

  static Cli run(Host host, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(host, new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Cli(code, out.toString(), err.toString());
  }
}
