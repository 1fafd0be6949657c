package io.raftvip.netio.nl;

import static io.raftvip.netio.nl.Fixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class NetlinkMessageTest {

  @Test
  void headerCarriesLengthTypeFlagsSeqAndPid() {
    NetlinkMessage m =
        NetlinkMessage.builder(Rtnl.RTM_GETLINK, Nlmsg.NLM_F_REQUEST | Nlmsg.NLM_F_DUMP)
            .struct(new byte[] {1, 2, 3})
            .build()
            .withSeq(0x01020304);
    assertThat(m.toBytes())
        .isEqualTo(
            hex(
                "14000000 1200 0103 04030201 00000000" // len 20, type 18, flags 0x301, seq, pid
                    + " 01020300")); // 3 struct bytes padded to 4
  }

  @Test
  void attributesArePaddedToFourBytesButLengthExcludesPadding() {
    NetlinkMessage m =
        NetlinkMessage.builder(1, 0)
            .attrU8(7, 0xAB)
            .attrU16(8, 0x1234)
            .attrU32(9, 0x0A0B0C0D)
            .attrString(10, "abc")
            .attr(11, new byte[] {1, 2, 3, 4, 5})
            .attr(12, new byte[0])
            .build();
    assertThat(m.body())
        .isEqualTo(
            hex(
                "0500 0700 ab000000" // u8: len 5, padded to 8
                    + " 0600 0800 34120000" // u16: len 6, padded to 8
                    + " 0800 0900 0d0c0b0a" // u32: len 8
                    + " 0800 0a00 61626300" // "abc" + NUL: len 8
                    + " 0900 0b00 0102030405000000" // 5 bytes: len 9, padded to 12
                    + " 0400 0c00")); // empty: len 4
    Attributes attrs = m.attributes(0);
    assertThat(attrs.size()).isEqualTo(6);
    assertThat(attrs.first(7).orElseThrow().u8()).isEqualTo(0xAB);
    assertThat(attrs.first(8).orElseThrow().u16()).isEqualTo(0x1234);
    assertThat(attrs.first(9).orElseThrow().u32()).isEqualTo(0x0A0B0C0D);
    assertThat(attrs.first(10).orElseThrow().string()).isEqualTo("abc");
    assertThat(attrs.first(11).orElseThrow().value()).containsExactly(1, 2, 3, 4, 5);
    assertThat(attrs.first(12).orElseThrow().length()).isZero();
  }

  @Test
  void nestedAttributesSetTheNestedFlagAndCoverTheirChildren() {
    NetlinkMessage.Builder b = NetlinkMessage.builder(1, 0);
    int outer = b.beginNested(26);
    int inner = b.beginNested(2);
    b.attrU32(19, 1);
    b.attrU8(3, 9);
    b.endNested(inner);
    b.endNested(outer);
    b.attrU32(4, 1500);
    NetlinkMessage m = b.build();
    assertThat(m.body())
        .isEqualTo(
            hex(
                "1800 1a80" // outer: len 24, type 26 | NLA_F_NESTED
                    + " 1400 0280" // inner: len 20, type 2 | NLA_F_NESTED
                    + " 0800 1300 01000000" // 19 = 1
                    + " 0500 0300 09000000" // 3 = 9 (padded)
                    + " 0800 0400 dc050000")); // after the nest: 4 = 1500
    Attribute outerAttr = m.attributes(0).first(26).orElseThrow();
    assertThat(outerAttr.nestedFlag()).isTrue();
    Attribute innerAttr = outerAttr.nested().first(2).orElseThrow();
    assertThat(innerAttr.nested().first(19).orElseThrow().u32()).isEqualTo(1);
    assertThat(innerAttr.nested().first(3).orElseThrow().u8()).isEqualTo(9);
    assertThat(m.attributes(0).first(4).orElseThrow().u32()).isEqualTo(1500);
  }

  @Test
  void unclosedNestIsABug() {
    NetlinkMessage.Builder b = NetlinkMessage.builder(1, 0);
    b.beginNested(1);
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("1 nested");
  }

  @Test
  void parseAllSplitsADatagramIntoAlignedMessages() {
    byte[] first =
        NetlinkMessage.builder(16, Nlmsg.NLM_F_MULTI).attrU8(1, 5).build().withSeq(9).toBytes();
    byte[] done =
        new NetlinkMessage(Nlmsg.NLMSG_DONE, Nlmsg.NLM_F_MULTI, 9, 77, new byte[4]).toBytes();
    byte[] datagram = new byte[first.length + done.length];
    System.arraycopy(first, 0, datagram, 0, first.length);
    System.arraycopy(done, 0, datagram, first.length, done.length);

    List<NetlinkMessage> ms = NetlinkMessage.parseAll(datagram, 0, datagram.length);

    assertThat(ms).hasSize(2);
    assertThat(ms.get(0).type()).isEqualTo(16);
    assertThat(ms.get(0).seq()).isEqualTo(9);
    assertThat(ms.get(0).attributes(0).first(1).orElseThrow().u8()).isEqualTo(5);
    assertThat(ms.get(1).type()).isEqualTo(Nlmsg.NLMSG_DONE);
    assertThat(ms.get(1).pid()).isEqualTo(77);
    assertThat(ms.get(1).hasFlag(Nlmsg.NLM_F_MULTI)).isTrue();
  }

  @Test
  void recordedNeighbourDumpDatagramHoldsEntryAndDone() {
    List<NetlinkMessage> ms = Fixtures.messages("neigh-dump-client.hex");
    assertThat(ms)
        .extracting(NetlinkMessage::type)
        .containsExactly(Rtnl.RTM_NEWNEIGH, Nlmsg.NLMSG_DONE);
    assertThat(ms).allMatch(m -> m.seq() == 43 && m.hasFlag(Nlmsg.NLM_F_MULTI));
  }

  @Test
  void lengthBeyondTheDatagramIsMalformed() {
    byte[] b = new NetlinkMessage(16, 0, 1, 0, new byte[8]).toBytes();
    b[0] = 40; // claims 40 bytes, datagram has 24
    assertThatThrownBy(() -> NetlinkMessage.parseAll(b, 0, b.length))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("nlmsg_len 40");
    byte[] tiny = new NetlinkMessage(16, 0, 1, 0, new byte[0]).toBytes();
    tiny[0] = 8; // shorter than a header
    assertThatThrownBy(() -> NetlinkMessage.parseAll(tiny, 0, tiny.length))
        .isInstanceOf(MalformedMessageException.class);
  }

  @Test
  void attributeLengthBeyondTheRangeIsMalformed() {
    byte[] body = hex("0c00 0100 01000000"); // claims 12, has 8
    assertThatThrownBy(() -> Attributes.parse(body, 0, body.length))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("claims 12");
  }

  @Test
  void typeAndFlagsMustFitSixteenBits() {
    assertThatThrownBy(() -> new NetlinkMessage(0x10000, 0, 0, 0, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NetlinkMessage.builder(1, 0).attr(1, new byte[70_000]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
