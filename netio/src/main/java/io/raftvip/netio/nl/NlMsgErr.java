package io.raftvip.netio.nl;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * A parsed NLMSG_ERROR body: {@code struct nlmsgerr {s32 error; struct nlmsghdr msg;}}, followed by
 * the original request's payload unless NLM_F_CAPPED is set, followed by extended-ACK TLVs when
 * NLM_F_ACK_TLVS is set. {@code error} is 0 for an ACK and {@code -errno} for a failure.
 *
 * @param error 0 or a negative errno
 * @param requestType the type of the request this answers
 * @param requestSeq the sequence number of the request this answers
 * @param extAckMessage the kernel's NLMSGERR_ATTR_MSG text, if it sent one
 * @param extAckOffset NLMSGERR_ATTR_OFFS: byte offset of the offending attribute in the request
 */
public record NlMsgErr(
    int error,
    int requestType,
    int requestSeq,
    Optional<String> extAckMessage,
    Optional<Integer> extAckOffset) {

  /** {@code sizeof(struct nlmsgerr)}: the error plus the echoed 16-byte header. */
  public static final int BYTES = 4 + Nlmsg.HEADER_BYTES;

  public boolean isAck() {
    return error == 0;
  }

  /** The positive errno, 0 for an ACK. */
  public int errno() {
    return -error;
  }

  public static NlMsgErr parse(NetlinkMessage m) {
    if (m.type() != Nlmsg.NLMSG_ERROR) {
      throw new IllegalArgumentException("not an NLMSG_ERROR: " + m);
    }
    if (m.bodyLength() < BYTES) {
      throw new MalformedMessageException("nlmsgerr needs 20 bytes, message has " + m.bodyLength());
    }
    ByteBuffer b = m.bodyBuffer();
    int error = b.getInt(0);
    int origLen = b.getInt(4);
    int origType = Short.toUnsignedInt(b.getShort(8));
    int origSeq = b.getInt(12);
    Optional<String> msg = Optional.empty();
    Optional<Integer> offs = Optional.empty();
    if (m.hasFlag(Nlmsg.NLM_F_ACK_TLVS)) {
      // The echoed request is there in full unless capped (or unless this is a success ACK,
      // where the kernel always caps it).
      int tlvStart =
          m.hasFlag(Nlmsg.NLM_F_CAPPED) || error == 0
              ? BYTES
              : 4 + Nlmsg.align(Math.max(origLen, Nlmsg.HEADER_BYTES));
      if (tlvStart <= m.bodyLength()) {
        Attributes tlvs = Attributes.parse(m.body(), tlvStart, m.bodyLength() - tlvStart);
        msg = tlvs.first(Nlmsg.NLMSGERR_ATTR_MSG).map(Attribute::string).filter(s -> !s.isEmpty());
        offs = tlvs.first(Nlmsg.NLMSGERR_ATTR_OFFS).map(Attribute::u32);
      }
    }
    return new NlMsgErr(error, origType, origSeq, msg, offs);
  }
}
