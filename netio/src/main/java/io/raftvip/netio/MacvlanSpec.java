package io.raftvip.netio;

/**
 * A macvlan raftvip wants: name, parent, fixed MAC, mode and the tag recorded in its alias.
 * Immutable; build with {@link #builder}, each setter validated on the spot.
 *
 * @param name the new interface name (1..15 characters)
 * @param parent the parent interface name
 * @param mac the virtual MAC, e.g. {@link VirtualMac#ipv4(int)}
 * @param mode default {@link MacvlanMode#PRIVATE}, as keepalived's use_vmac
 * @param tag recorded as IFLA_IFALIAS "raftvip:&lt;tag&gt;" (default "vmac")
 */
public record MacvlanSpec(
    String name, String parent, MacAddress mac, MacvlanMode mode, String tag) {

  public static Builder builder(String name, String parent, MacAddress mac) {
    return new Builder(name, parent, mac);
  }

  /** The alias marking the link as raftvip's. */
  public String alias() {
    return Ownership.LINK_ALIAS_PREFIX + tag;
  }

  /** Builder; each setter validates on the spot. */
  public static final class Builder {
    private static final String SPEC = "macvlan spec";
    private final String name;
    private final String parent;
    private final MacAddress mac;
    private MacvlanMode mode = MacvlanMode.PRIVATE;
    private String tag = "vmac";

    private Builder(String name, String parent, MacAddress mac) {
      Links.checkName(name, SPEC);
      Links.checkName(parent, SPEC);
      if (name.equals(parent)) {
        throw new InvalidArgument(SPEC, name, "a macvlan cannot be its own parent");
      }
      if (mac == null || mac.isMulticast() || mac.isZero()) {
        throw new InvalidArgument(
            SPEC, name, "MAC " + mac + " must be a unicast, non-zero address");
      }
      this.name = name;
      this.parent = parent;
      this.mac = mac;
    }

    /** PRIVATE (default) or BRIDGE; VEPA, PASSTHRU and SOURCE do not suit a VMAC. */
    public Builder mode(MacvlanMode value) {
      if (value != MacvlanMode.PRIVATE && value != MacvlanMode.BRIDGE) {
        throw new InvalidArgument(SPEC, name, "mode " + value + " is not PRIVATE or BRIDGE");
      }
      this.mode = value;
      return this;
    }

    /** What the alias records after "raftvip:", 1..64 printable ASCII characters. */
    public Builder tag(String value) {
      if (value == null || value.isEmpty() || value.length() > 64 || !value.matches("[!-~]+")) {
        throw new InvalidArgument(
            SPEC, name, "tag '" + value + "' must be 1..64 printable ASCII characters");
      }
      this.tag = value;
      return this;
    }

    public MacvlanSpec build() {
      return new MacvlanSpec(name, parent, mac, mode, tag);
    }
  }
}
