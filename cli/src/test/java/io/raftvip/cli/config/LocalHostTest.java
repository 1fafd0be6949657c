package io.raftvip.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real host, read-only: lists interfaces and addresses, looks at files in a temp dir. */
class LocalHostTest {

  @Test
  void listsTheLoopbackInterfaceAndItsAddress() {
    // Every Linux network namespace has lo; the JDK and sysfs must agree it is there.
    assertThat(LocalHost.INSTANCE.interfaceNames()).contains("lo").doesNotHaveDuplicates();
    assertThat(LocalHost.INSTANCE.addresses()).contains(IpAddress.parse("127.0.0.1"));
  }

  @Test
  void tellsReadableFromExecutableFiles(@TempDir Path dir) throws IOException {
    Path data = Files.writeString(dir.resolve("token"), "secret");
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rw-------"));
    Path program = Files.writeString(dir.resolve("check"), "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwx------"));

    assertThat(LocalHost.INSTANCE.isReadableFile(data)).isTrue();
    assertThat(LocalHost.INSTANCE.isExecutableFile(data)).isFalse();
    assertThat(LocalHost.INSTANCE.isExecutableFile(program)).isTrue();
    assertThat(LocalHost.INSTANCE.isReadableFile(dir)).as("a directory").isFalse();
    assertThat(LocalHost.INSTANCE.isExecutableFile(dir)).as("a directory").isFalse();
    assertThat(LocalHost.INSTANCE.isReadableFile(dir.resolve("missing"))).isFalse();
  }
}
