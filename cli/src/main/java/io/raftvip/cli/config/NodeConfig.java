package io.raftvip.cli.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * This node: who it is, where it keeps its Raft log, and which interface carries VIPs by default.
 *
 * @param id this node's id; must be one of {@code cluster.peers}
 * @param storageDir absolute directory for the Raft log and snapshots
 * @param interfaceName the interface a VIP goes on when the VIP names none
 */
public record NodeConfig(String id, Path storageDir, String interfaceName) {

  /** {@code node.storage-dir} when the file gives none. */
  public static final Path DEFAULT_STORAGE_DIR = Path.of("/var/lib/raftvip");

  public NodeConfig {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(storageDir, "storageDir");
    Objects.requireNonNull(interfaceName, "interfaceName");
    Violations v = new Violations();
    Names.nodeIdProblem(id).ifPresent(m -> v.add("id", m));
    v.absolutePath("storage-dir", storageDir);
    Names.interfaceNameProblem(interfaceName).ifPresent(m -> v.add("interface", m));
    v.throwIfAny();
  }
}
