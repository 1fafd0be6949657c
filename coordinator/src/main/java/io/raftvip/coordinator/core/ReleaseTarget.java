package io.raftvip.coordinator.core;

import java.util.Objects;

/** Where a VIP goes once its holder confirms the release. */
public sealed interface ReleaseTarget
    permits ReleaseTarget.ToNode, ReleaseTarget.ToPlacement, ReleaseTarget.Delete {

  /** To {@code node}, if it is still eligible then; otherwise as {@link ToPlacement}. */
  record ToNode(NodeId node) implements ReleaseTarget {
    public ToNode {
      Objects.requireNonNull(node, "node");
    }

    @Override
    public String toString() {
      return "to " + node;
    }
  }

  /** To the best eligible node other than the releasing one, or to nobody. */
  record ToPlacement() implements ReleaseTarget {
    @Override
    public String toString() {
      return "to placement";
    }
  }

  /** Nowhere: the VIP is deleted. */
  record Delete() implements ReleaseTarget {
    @Override
    public String toString() {
      return "delete";
    }
  }

  /** The {@link ToPlacement} value. */
  ReleaseTarget PLACEMENT = new ToPlacement();

  /** The {@link Delete} value. */
  ReleaseTarget DELETE = new Delete();
}
