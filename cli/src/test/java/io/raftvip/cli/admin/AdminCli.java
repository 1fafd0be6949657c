package io.raftvip.cli.admin;

import io.raftvip.cli.Main;
import io.raftvip.cli.config.LocalHost;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code raftvip} in this JVM with captured output, as a shell would see it. */
record AdminCli(int exitCode, String out, String err) {

  static AdminCli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(LocalHost.INSTANCE, new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new AdminCli(code, out.toString(), err.toString());
  }

  /** {@code raftvip <args> -c <endpoint>}. */
  static AdminCli at(FakeCluster cluster, String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "-c";
    all[args.length + 1] = cluster.endpoint();
    return run(all);
  }
}
