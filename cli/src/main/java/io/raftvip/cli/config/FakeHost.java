package io.raftvip.cli.config;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A host described by fixed lists, for tests and for checking a config meant for another machine.
 *
 * @param interfaceNames interface names in index order
 * @param addresses addresses on those interfaces
 * @param readableFiles files that exist and can be read
 * @param executableFiles files that exist and can be executed
 */
public record FakeHost(
    List<String> interfaceNames,
    Set<IpAddress> addresses,
    Set<Path> readableFiles,
    Set<Path> executableFiles)
    implements Host {

  public FakeHost {
    interfaceNames = List.copyOf(interfaceNames);
    addresses = Set.copyOf(addresses);
    readableFiles = Set.copyOf(readableFiles);
    executableFiles = Set.copyOf(executableFiles);
  }

  /** A host with these interfaces and addresses and no files. */
  public static FakeHost of(List<String> interfaceNames, String... addresses) {
    return new FakeHost(
        interfaceNames,
        Arrays.stream(addresses).map(IpAddress::parse).collect(Collectors.toSet()),
        Set.of(),
        Set.of());
  }

  /** This host with {@code files} readable. */
  public FakeHost withReadable(Path... files) {
    return new FakeHost(interfaceNames, addresses, Set.of(files), executableFiles);
  }

  /** This host with {@code files} executable. */
  public FakeHost withExecutable(Path... files) {
    return new FakeHost(interfaceNames, addresses, readableFiles, Set.of(files));
  }

  @Override
  public boolean isReadableFile(Path path) {
    return readableFiles.contains(Objects.requireNonNull(path, "path"));
  }

  @Override
  public boolean isExecutableFile(Path path) {
    return executableFiles.contains(Objects.requireNonNull(path, "path"));
  }
}
