package io.raftvip.netio.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftvip.netio.fence.NftElementBatch.Encoded;
import io.raftvip.netio.fence.NftElementBatch.Message;
import io.raftvip.netio.nl.Attribute;
import io.raftvip.netio.nl.Attributes;
import io.raftvip.netio.nl.NetlinkMessage;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The raw nf_tables lease batch, byte for byte against hand-written expectations (little-endian
 * hosts: netlink headers are in host order) and once against what nft 1.0.6 sends for the same
 * commands. No kernel, no root.
 */
class NftElementBatchTest {
  private static final String TABLE = "raftvip_fence";

  // Attribute bytes shared by every message below.
  private static final String TABLE_ATTR = "12000100 72616674 7669705f 66656e63 65000000";
  private static final String LEASE4_ATTR = "0b000200 6c656173 65340000";
  private static final String LEASE6_ATTR = "0b000200 6c656173 65360000";
  private static final String KEY_198_18_0_50 = "0c000180 08000100 c6120032";
  private static final String KEY_198_18_0_51 = "0c000180 08000100 c6120033";
  private static final String KEY_2001_DB8__50 =
      "18000180 14000100 20010db8 00000000 00000000 00000050";

  @BeforeAll
  static void littleEndianHost() {
    assertThat(ByteOrder.nativeOrder())
        .as("the expected bytes below are written for a little-endian host")
        .isEqualTo(ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] hex(String spaced) {
    return HexFormat.of().parseHex(spaced.replaceAll("\\s+", ""));
  }

  private static String hexOf(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** nlmsghdr{len, type, flags, seq, pid 0} + nfgenmsg{family, 0, res_id 0}, little-endian. */
  private static String head(String len, String type, String flags, int seq, int family) {
    return len
        + " "
        + type
        + " "
        + flags
        + String.format(" %02x000000 00000000 %02x000000 ", seq, family);
  }

  private static String addV4(int seq, int family, String timeoutBe64) {
    // 84 bytes: 16 header + 4 nfgenmsg + 20 table + 12 set + 32 element list.
    return head("54000000", "0c0a", "0504", seq, family)
        + TABLE_ATTR
        + LEASE4_ATTR
        + " 20000380 1c000180 0c000400 "
        + timeoutBe64
        + " "
        + KEY_198_18_0_50;
  }

  private static String deleteV4(int seq, int family) {
    // 72 bytes: 16 + 4 + 20 + 12 + 20 (list{elem{key{value}}}).
    return head("48000000", "0e0a", "0500", seq, family)
        + TABLE_ATTR
        + LEASE4_ATTR
        + " 14000380 10000180 "
        + KEY_198_18_0_50;
  }

  private static String begin(int seq) {
    return String.format("14000000 1000 0100 %02x000000 00000000 0000000a ", seq);
  }

  private static String end(int seq) {
    return String.format("14000000 1100 0100 %02x000000 00000000 0000000a ", seq);
  }

  private static final String MS_300 = "00000000 0000012c";
  private static final String MS_1 = "00000000 00000001";

  @Test
  void batchDelimitersNameTheNfTablesSubsystemInNetworkOrder() {
    assertThat(hexOf(NftElementBatch.delimiter(NftElementBatch.NFNL_MSG_BATCH_BEGIN, 7)))
        .isEqualTo(hexOf(hex("14000000 1000 0100 07000000 00000000 00 00 000a")));
    assertThat(hexOf(NftElementBatch.delimiter(NftElementBatch.NFNL_MSG_BATCH_END, 0x0102)))
        .isEqualTo(hexOf(hex("14000000 1100 0100 02010000 00000000 00 00 000a")));
  }

  @Test
  void addOfOneIpv4ElementWithATimeoutInBigEndianMilliseconds() {
    byte[] add =
        NftElementBatch.add(
            TABLE, NftElementBatch.NFPROTO_INET, "lease4", Map.of(ip("198.18.0.50"), 300L), 2);
    assertThat(hexOf(add))
        .isEqualTo(
            hexOf(
                hex(
                    "54000000 0c0a 0504 02000000 00000000"
                        + " 01 00 0000"
                        + " 1200 0100 72616674 7669705f 66656e63 65 00 0000"
                        + " 0b00 0200 6c656173 6534 00 00"
                        + " 2000 0380"
                        + "   1c00 0180"
                        + "     0c00 0400 00000000 0000012c"
                        + "     0c00 0180"
                        + "       0800 0100 c6120032")));
  }

  @Test
  void deleteCarriesOnlyTheKey() {
    byte[] delete =
        NftElementBatch.delete(
            TABLE, NftElementBatch.NFPROTO_ARP, "lease4", List.of(ip("198.18.0.50")), 3);
    assertThat(hexOf(delete))
        .isEqualTo(
            hexOf(
                hex(
                    "48000000 0e0a 0500 03000000 00000000"
                        + " 03 00 0000"
                        + " 1200 0100 72616674 7669705f 66656e63 65 00 0000"
                        + " 0b00 0200 6c656173 6534 00 00"
                        + " 1400 0380"
                        + "   1000 0180"
                        + "     0c00 0180"
                        + "       0800 0100 c6120032")));
  }

  @Test
  void ipv6KeyIsSixteenBytesInNetworkOrder() {
    byte[] add =
        NftElementBatch.add(
            TABLE, NftElementBatch.NFPROTO_NETDEV, "lease6", Map.of(ip("2001:db8::50"), 1000L), 9);
    assertThat(hexOf(add))
        .isEqualTo(
            hexOf(
                hex(
                    "60000000 0c0a 0504 09000000 00000000"
                        + " 05 00 0000"
                        + TABLE_ATTR
                        + LEASE6_ATTR
                        + " 2c00 0380"
                        + "   2800 0180"
                        + "     0c00 0400 00000000 000003e8"
                        + KEY_2001_DB8__50)));
  }

  @Test
  void severalElementsShareOneListInPlanOrder() {
    Map<InetAddress, Long> grants = new LinkedHashMap<>();
    grants.put(ip("198.18.0.51"), 70_000L);
    grants.put(ip("198.18.0.50"), 1L);
    byte[] add = NftElementBatch.add(TABLE, NftElementBatch.NFPROTO_INET, "lease4", grants, 4);
    assertThat(hexOf(add))
        .isEqualTo(
            hexOf(
                hex(
                    "70000000 0c0a 0504 04000000 00000000 01000000"
                        + TABLE_ATTR
                        + LEASE4_ATTR
                        + " 3c00 0380"
                        + "   1c00 0180 0c00 0400 00000000 00011170"
                        + KEY_198_18_0_51
                        + "   1c00 0180 0c00 0400 00000000 00000001"
                        + KEY_198_18_0_50)));
  }

  @Test
  void refreshOfOneIpv4VipIsAddDeleteAddInTheArpInetAndNetdevTables() {
    LeasePlan plan = new LeasePlan(Map.of(ip("198.18.0.50"), 300L), Set.of());
    Encoded batch = NftElementBatch.encode(TABLE, plan, 1);
    String expected =
        begin(1)
            + addV4(2, 3, MS_300)
            + deleteV4(3, 3)
            + addV4(4, 3, MS_300)
            + addV4(5, 1, MS_300)
            + deleteV4(6, 1)
            + addV4(7, 1, MS_300)
            + addV4(8, 5, MS_300)
            + deleteV4(9, 5)
            + addV4(10, 5, MS_300)
            + end(11);
    assertThat(hexOf(batch.bytes())).isEqualTo(hexOf(hex(expected)));
    assertThat(batch.bytes()).hasSize(20 + 3 * (84 + 72 + 84) + 20);
    assertThat(batch.beginSeq()).isEqualTo(1);
    assertThat(batch.endSeq()).isEqualTo(11);
    assertThat(batch.seqCount()).isEqualTo(11);
    assertThat(batch.messages())
        .containsExactly(
            new Message(2, true, 3, "lease4", 1),
            new Message(3, false, 3, "lease4", 1),
            new Message(4, true, 3, "lease4", 1),
            new Message(5, true, 1, "lease4", 1),
            new Message(6, false, 1, "lease4", 1),
            new Message(7, true, 1, "lease4", 1),
            new Message(8, true, 5, "lease4", 1),
            new Message(9, false, 5, "lease4", 1),
            new Message(10, true, 5, "lease4", 1));
  }

  @Test
  void closeAddsAOneMillisecondPlaceholderThenDeletesItSoAnAbsentElementCannotFailTheBatch() {
    LeasePlan plan = new LeasePlan(Map.of(), Set.of(ip("198.18.0.50")));
    Encoded batch = NftElementBatch.encode(TABLE, plan, 40);
    String expected =
        begin(40)
            + addV4(41, 3, MS_1)
            + deleteV4(42, 3)
            + addV4(43, 1, MS_1)
            + deleteV4(44, 1)
            + addV4(45, 5, MS_1)
            + deleteV4(46, 5)
            + end(47);
    assertThat(hexOf(batch.bytes())).isEqualTo(hexOf(hex(expected)));
  }

  @Test
  void mixedPlanWritesIpv4GrantsFirstThenIpv6ClosesOnlyInInetAndNetdev() {
    Set<InetAddress> closed = new LinkedHashSet<>(List.of(ip("2001:db8::50")));
    LeasePlan plan = new LeasePlan(Map.of(ip("198.18.0.50"), 300L), closed);
    Encoded batch = NftElementBatch.encode(TABLE, plan, 100);
    assertThat(batch.messages())
        .extracting(Message::seq, Message::add, Message::family, Message::set)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(101, true, 3, "lease4"),
            org.assertj.core.groups.Tuple.tuple(102, false, 3, "lease4"),
            org.assertj.core.groups.Tuple.tuple(103, true, 3, "lease4"),
            org.assertj.core.groups.Tuple.tuple(104, true, 1, "lease4"),
            org.assertj.core.groups.Tuple.tuple(105, false, 1, "lease4"),
            org.assertj.core.groups.Tuple.tuple(106, true, 1, "lease4"),
            org.assertj.core.groups.Tuple.tuple(107, true, 5, "lease4"),
            org.assertj.core.groups.Tuple.tuple(108, false, 5, "lease4"),
            org.assertj.core.groups.Tuple.tuple(109, true, 5, "lease4"),
            org.assertj.core.groups.Tuple.tuple(110, true, 1, "lease6"),
            org.assertj.core.groups.Tuple.tuple(111, false, 1, "lease6"),
            org.assertj.core.groups.Tuple.tuple(112, true, 5, "lease6"),
            org.assertj.core.groups.Tuple.tuple(113, false, 5, "lease6"));
    assertThat(batch.endSeq()).isEqualTo(114);
    // The last two element messages: placeholder add and delete of the IPv6 VIP in netdev.
    String tail =
        head("60000000", "0c0a", "0504", 112, 5)
            + TABLE_ATTR
            + LEASE6_ATTR
            + " 2c000380 28000180 0c000400 "
            + MS_1
            + KEY_2001_DB8__50
            + head("54000000", "0e0a", "0500", 113, 5)
            + TABLE_ATTR
            + LEASE6_ATTR
            + " 20000380 1c000180 "
            + KEY_2001_DB8__50
            + end(114);
    byte[] tailBytes = hex(tail);
    byte[] all = batch.bytes();
    byte[] actualTail =
        java.util.Arrays.copyOfRange(all, all.length - tailBytes.length, all.length);
    assertThat(hexOf(actualTail)).isEqualTo(hexOf(tailBytes));
  }

  @Test
  void emptyPlanIsBeginAndEndOnly() {
    Encoded batch = NftElementBatch.encode(TABLE, new LeasePlan(Map.of(), Set.of()), 5);
    assertThat(batch.messages()).isEmpty();
    assertThat(hexOf(batch.bytes())).isEqualTo(hexOf(hex(begin(5) + end(6))));
  }

  @Test
  void everyMessageParsesBackWithConsistentLengthsForALargeMixedBatch() {
    Map<InetAddress, Long> grants = new LinkedHashMap<>();
    for (int i = 0; i < 200; i++) {
      grants.put(ip("198.18.0." + (i % 250)), 1_000L + i);
    }
    for (int i = 0; i < 56; i++) {
      grants.put(ip("2001:db8::" + Integer.toHexString(0x100 + i)), 2_000L + i);
    }
    Encoded batch = NftElementBatch.encode(TABLE, new LeasePlan(grants, Set.of()), 1);
    byte[] bytes = batch.bytes();
    List<NetlinkMessage> parsed = NetlinkMessage.parseAll(bytes, 0, bytes.length);
    assertThat(parsed).hasSize(batch.messages().size() + 2);
    int totalLength = 0;
    for (NetlinkMessage m : parsed) {
      totalLength += 16 + m.bodyLength();
    }
    assertThat(totalLength).isEqualTo(bytes.length);
    for (int i = 0; i < batch.messages().size(); i++) {
      Message expected = batch.messages().get(i);
      NetlinkMessage m = parsed.get(i + 1);
      assertThat(m.seq()).isEqualTo(expected.seq());
      Attributes attrs = m.attributes(4);
      assertThat(attrs.first(NftElementBatch.NFTA_SET_ELEM_LIST_TABLE).get().string())
          .isEqualTo(TABLE);
      assertThat(attrs.first(NftElementBatch.NFTA_SET_ELEM_LIST_SET).get().string())
          .isEqualTo(expected.set());
      Attribute list = attrs.first(NftElementBatch.NFTA_SET_ELEM_LIST_ELEMENTS).get();
      assertThat(list.nestedFlag()).isTrue();
      List<Attribute> elements = list.nested().all();
      assertThat(elements).hasSize(expected.elements());
      assertThat(elements.get(0).nested().first(NftElementBatch.NFTA_SET_ELEM_TIMEOUT).isPresent())
          .isEqualTo(expected.add());
    }
    assertThat(batch.messages()).hasSize(3 * 3 + 3 * 2);
    assertThat(batch.messages().get(0).elements()).isEqualTo(200);
    assertThat(batch.messages().get(9).elements()).isEqualTo(56);
  }

  @Test
  void describesEachMessageAsItsNftCommand() {
    assertThat(new Message(3, true, 3, "lease4", 1).describe(TABLE))
        .isEqualTo("add element arp raftvip_fence lease4 (1 element)");
    assertThat(new Message(4, false, 5, "lease6", 7).describe(TABLE))
        .isEqualTo("delete element netdev raftvip_fence lease6 (7 elements)");
  }

  @Test
  void rejectsATimeoutBelowOneMillisecondAndABadTableName() {
    assertThatThrownBy(
            () ->
                NftElementBatch.add(
                    TABLE,
                    NftElementBatch.NFPROTO_INET,
                    "lease4",
                    Map.of(ip("198.18.0.50"), 0L),
                    1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1 ms");
    LeasePlan plan = new LeasePlan(Map.of(ip("198.18.0.50"), 5L), Set.of());
    assertThatThrownBy(() -> NftElementBatch.encode("bad name", plan, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table name");
  }

  /**
   * What nft 1.0.6 sent for {@code add element inet raftvip_fence lease4 { 198.18.0.50 timeout
   * 300ms }; delete element inet raftvip_fence lease4 { 198.18.0.50 }} ({@code nft --debug=mnl -f}
   * in a throwaway namespace on 2026-11-25; seqs 0-3). Our encoding of the same commands differs in
   * exactly two places, both deliberate: the header flags (nft sets no NLM_F_ACK; we ask for one
   * per element message) and nft's {@code NFTA_SET_ELEM_LIST_SET_ID} (type 4, be32 1, for sets
   * created in the same batch) in its add, which we leave out (our sets exist).
   */
  @Test
  void matchesWhatNftSendsForTheSameCommandsApartFromAckFlagsAndSetId() {
    String nftBegin = "14000000 1000 0100 00000000 00000000 00 00 000a";
    String nftAdd =
        "5c000000 0c0a FLAGS 01000000 00000000 01 00 0000"
            + " 1200 0100 72616674 7669705f 66656e63 65000000"
            + " 0b00 0200 6c656173 65340000"
            + " 0800 0400 00000001" // NFTA_SET_ELEM_LIST_SET_ID
            + " 2000 0380 1c00 0180 0c00 0400 00000000 0000012c 0c00 0180 0800 0100 c6120032";
    String nftDelete =
        "48000000 0e0a FLAGS 02000000 00000000 01 00 0000"
            + " 1200 0100 72616674 7669705f 66656e63 65000000"
            + " 0b00 0200 6c656173 65340000"
            + " 1400 0380 1000 0180 0c00 0180 0800 0100 c6120032";
    String nftEnd = "14000000 1100 0100 03000000 00000000 00 00 000a";

    ByteArrayOutputStream ours = new ByteArrayOutputStream();
    ours.writeBytes(NftElementBatch.delimiter(NftElementBatch.NFNL_MSG_BATCH_BEGIN, 0));
    ours.writeBytes(
        NftElementBatch.add(
            TABLE, NftElementBatch.NFPROTO_INET, "lease4", Map.of(ip("198.18.0.50"), 300L), 1));
    ours.writeBytes(
        NftElementBatch.delete(
            TABLE, NftElementBatch.NFPROTO_INET, "lease4", List.of(ip("198.18.0.50")), 2));
    ours.writeBytes(NftElementBatch.delimiter(NftElementBatch.NFNL_MSG_BATCH_END, 3));

    String nftWithOurDifferences =
        nftBegin
            + nftAdd
                .replace("5c000000", "54000000")
                .replace(" 0800 0400 00000001", "")
                .replace("FLAGS", "0504")
            + nftDelete.replace("FLAGS", "0500")
            + nftEnd;
    assertThat(hexOf(ours.toByteArray())).isEqualTo(hexOf(hex(nftWithOurDifferences)));
  }
}
