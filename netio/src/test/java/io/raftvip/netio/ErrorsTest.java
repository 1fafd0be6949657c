package io.raftvip.netio;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftvip.netio.NetlinkSocket.Subject;
import org.junit.jupiter.api.Test;

class ErrorsTest {
  private static final String VIP = "198.18.0.200/32 on eth0 (ifindex 2)";

  @Test
  void existsIsTypedByWhatTheRequestActedOn() {
    RtnetlinkException a = NetlinkSocket.fromErrno("add address", VIP, 17, null, Subject.ADDRESS);
    assertThat(a).isInstanceOf(AddressExists.class);
    assertThat(a.getMessage()).isEqualTo("add address " + VIP + ": address exists (EEXIST)");
    assertThat(a.errno()).isEqualTo(17);
    assertThat(a.operation()).isEqualTo("add address");
    assertThat(a.object()).isEqualTo(VIP);

    assertThat(NetlinkSocket.fromErrno("create macvlan", "vip1", 17, null, Subject.LINK))
        .isInstanceOf(LinkExists.class)
        .hasMessage("create macvlan vip1: interface exists (EEXIST)");
    assertThat(NetlinkSocket.fromErrno("x", "y", 17, null, Subject.OTHER))
        .isInstanceOf(KernelError.class);
  }

  @Test
  void permissionDeniedSaysWhichCapabilityIsMissing() {
    RtnetlinkException e = NetlinkSocket.fromErrno("add address", VIP, 1, null, Subject.ADDRESS);
    assertThat(e).isInstanceOf(PermissionDenied.class);
    assertThat(e.getMessage())
        .isEqualTo(
            "add address "
                + VIP
                + ": operation not permitted (EPERM); needs CAP_NET_ADMIN (run as root or grant the capability)");
    assertThat(NetlinkSocket.fromErrno("x", "y", 13, null, Subject.LINK))
        .isInstanceOf(PermissionDenied.class);
  }

  @Test
  void invalidArgumentCarriesTheKernelText() {
    RtnetlinkException e =
        NetlinkSocket.fromErrno(
            "add address", VIP, 22, "ipv4: Invalid prefix length", Subject.ADDRESS);
    assertThat(e).isInstanceOf(InvalidArgument.class);
    assertThat(((InvalidArgument) e).kernelMessage()).contains("ipv4: Invalid prefix length");
    assertThat(e.getMessage())
        .isEqualTo(
            "add address "
                + VIP
                + ": invalid argument (EINVAL); kernel says: ipv4: Invalid prefix length");
  }

  @Test
  void missingThingsAreTyped() {
    assertThat(NetlinkSocket.fromErrno("get link", "eth9", 19, null, Subject.LINK))
        .isInstanceOf(NoSuchInterface.class)
        .hasMessage("get link eth9: no such interface (ENODEV)");
    assertThat(NetlinkSocket.fromErrno("delete address", VIP, 99, null, Subject.ADDRESS))
        .isInstanceOf(AddressNotFound.class)
        .hasMessage("delete address " + VIP + ": no such address (EADDRNOTAVAIL)");
    assertThat(NetlinkSocket.fromErrno("x", "y", 16, null, Subject.LINK))
        .isInstanceOf(KernelError.class)
        .hasMessage("x y: device or resource busy (EBUSY)");
  }

  @Test
  void notOwnedNamesTheObjectItsMarkAndTheRefusal() {
    NotOwnedByRaftvip e =
        new NotOwnedByRaftvip("delete address", "198.18.0.11/24 on eth0", "proto 0", "delete it");
    assertThat(e.getMessage())
        .isEqualTo(
            "198.18.0.11/24 on eth0 was not added by raftvip (proto 0); refusing to delete it");
    assertThat(e.errno()).isZero();
    assertThat(e.operation()).isEqualTo("delete address");
  }

  @Test
  void dumpInterruptedAndTimeoutAreTheirOwnConditions() {
    assertThat(new DumpInterrupted("list addresses", "all interfaces", 5))
        .hasMessage(
            "list addresses all interfaces: dump interrupted by concurrent changes on all 5 attempts; results may be inconsistent");
    NetlinkTimeout t = new NetlinkTimeout("add address", VIP, 5000);
    assertThat(t.errno()).isEqualTo(110);
    assertThat(t).hasMessage("add address " + VIP + ": no answer from the kernel within 5000 ms");
  }

  @Test
  void everyRtnetlinkErrorIsANetioException() {
    assertThat(RtnetlinkException.class.getPermittedSubclasses()).hasSize(10);
    for (Class<?> c : RtnetlinkException.class.getPermittedSubclasses()) {
      assertThat(NetioException.class).isAssignableFrom(c);
      assertThat(RuntimeException.class).isAssignableFrom(c);
    }
  }
}
