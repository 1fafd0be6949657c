package io.raftvip.cli.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What {@link HostCheck} needs to know about the machine a config is meant for. {@link LocalHost}
 * asks the kernel; {@link FakeHost} is a fixed answer for tests and for checking a config meant for
 * another machine.
 *
 * <p>Implementations may do IO and may be slow (milliseconds); they are called from the thread
 * running the check.
 */
public interface Host {

  /** Every network interface name, in interface-index order. */
  List<String> interfaceNames();

  /** Every address assigned to any interface. */
  Set<IpAddress> addresses();

  /** True when {@code path} is a regular file this process can read. */
  boolean isReadableFile(Path path);

  /** True when {@code path} is a regular file this process can execute. */
  boolean isExecutableFile(Path path);
}
