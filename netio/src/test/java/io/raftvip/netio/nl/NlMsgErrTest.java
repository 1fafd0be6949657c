package io.raftvip.netio.nl;

import static io.raftvip.netio.nl.Fixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class NlMsgErrTest {

  @Test
  void recordedKernelErrorCarriesErrnoEchoedRequestAndExtAckText() {
    NetlinkMessage request = Fixtures.message("err-prefix33-request.hex");
    NetlinkMessage reply = Fixtures.message("err-prefix33-reply.hex");

    assertThat(reply.type()).isEqualTo(Nlmsg.NLMSG_ERROR);
    assertThat(reply.hasFlag(Nlmsg.NLM_F_ACK_TLVS)).isTrue();
    assertThat(reply.hasFlag(Nlmsg.NLM_F_CAPPED)).isFalse();
    NlMsgErr err = NlMsgErr.parse(reply);
    assertThat(err.isAck()).isFalse();
    assertThat(err.errno()).isEqualTo(22);
    assertThat(err.requestType()).isEqualTo(Rtnl.RTM_NEWADDR);
    assertThat(err.requestSeq()).isEqualTo(42).isEqualTo(request.seq());
    assertThat(err.extAckMessage()).contains("ipv4: Invalid prefix length");
    // The uncapped error echoes the whole request between the header and the TLVs.
    byte[] echoed = new byte[request.toBytes().length];
    System.arraycopy(reply.body(), 4, echoed, 0, echoed.length);
    assertThat(echoed).isEqualTo(request.toBytes());
  }

  @Test
  void cappedErrorHasTlvsRightAfterTheEchoedHeader() {
    byte[] body =
        hex(
            "efffffff" // -17 EEXIST
                + " 28000000 1400 0506 07000000 00000000" // echoed header only (len 40, seq 7)
                + " 0c00 0100 6578697374730000" // NLMSGERR_ATTR_MSG "exists"
                + " 0800 0200 18000000"); // NLMSGERR_ATTR_OFFS 24
    NetlinkMessage m =
        new NetlinkMessage(
            Nlmsg.NLMSG_ERROR, Nlmsg.NLM_F_CAPPED | Nlmsg.NLM_F_ACK_TLVS, 7, 1, body);
    NlMsgErr err = NlMsgErr.parse(m);
    assertThat(err.errno()).isEqualTo(17);
    assertThat(err.requestSeq()).isEqualTo(7);
    assertThat(err.extAckMessage()).contains("exists");
    assertThat(err.extAckOffset()).contains(24);
  }

  @Test
  void ackWithoutTlvsIsSuccess() {
    byte[] body =
        ByteBuffer.allocate(20)
            .order(ByteOrder.nativeOrder())
            .putInt(0)
            .putInt(16)
            .putShort((short) 20)
            .array();
    NlMsgErr ack =
        NlMsgErr.parse(new NetlinkMessage(Nlmsg.NLMSG_ERROR, Nlmsg.NLM_F_CAPPED, 3, 1, body));
    assertThat(ack.isAck()).isTrue();
    assertThat(ack.errno()).isZero();
    assertThat(ack.requestType()).isEqualTo(20);
    assertThat(ack.extAckMessage()).isEmpty();
  }

  @Test
  void errorWithoutTheTlvFlagIgnoresTrailingBytes() {
    byte[] body = hex("eaffffff 14000000 1400 0500 01000000 00000000 0800 0100 78797a00");
    NlMsgErr err = NlMsgErr.parse(new NetlinkMessage(Nlmsg.NLMSG_ERROR, 0, 1, 1, body));
    assertThat(err.errno()).isEqualTo(22);
    assertThat(err.extAckMessage()).isEmpty();
  }
}
