package io.raftvip.netio.nl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class AttributesProperties {

  @Property(tries = 300)
  void attributesRoundTripWithAlignment(
      @ForAll @Size(max = 12) List<@Size(max = 40) byte[]> values,
      @ForAll @IntRange(min = 1, max = 0x3fff) int baseType) {
    NetlinkMessage.Builder b = NetlinkMessage.builder(1, 0);
    for (int i = 0; i < values.size(); i++) {
      b.attr((baseType + i) & 0x3fff, values.get(i));
    }
    NetlinkMessage m = b.build();

    assertThat(m.bodyLength() % 4).isZero();
    List<Attribute> parsed = m.attributes(0).all();
    assertThat(parsed).hasSize(values.size());
    for (int i = 0; i < values.size(); i++) {
      assertThat(parsed.get(i).type()).isEqualTo((baseType + i) & 0x3fff);
      assertThat(parsed.get(i).value()).isEqualTo(values.get(i));
      assertThat(parsed.get(i).nestedFlag()).isFalse();
    }
  }

  @Property(tries = 200)
  void messagesRoundTripThroughBytes(
      @ForAll @IntRange(min = 0, max = 0xffff) int type,
      @ForAll @IntRange(min = 0, max = 0xffff) int flags,
      @ForAll int seq,
      @ForAll int pid,
      @ForAll @Size(max = 64) byte[] body) {
    byte[] padded = java.util.Arrays.copyOf(body, Nlmsg.align(body.length));
    NetlinkMessage m = new NetlinkMessage(type, flags, seq, pid, padded);
    byte[] wire = m.toBytes();
    List<NetlinkMessage> back = NetlinkMessage.parseAll(wire, 0, wire.length);
    assertThat(back).hasSize(1);
    NetlinkMessage r = back.get(0);
    assertThat(r.type()).isEqualTo(type);
    assertThat(r.flags()).isEqualTo(flags);
    assertThat(r.seq()).isEqualTo(seq);
    assertThat(r.pid()).isEqualTo(pid);
    assertThat(r.body()).isEqualTo(padded);
  }
}
