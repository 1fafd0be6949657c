package io.raftvip.netio.announce;

import com.sun.jna.LastErrorException;
import io.raftvip.netio.MacAddress;

/**
 * Test helper: sends hand-built Ethernet frames (for experiments that need frames the announcer
 * never sends, e.g. an NA without the override flag or a non-gratuitous ARP reply). Open it on a
 * thread inside the sender's namespace ({@code host.inNetns(RawFrameSender::open)}); sending is
 * thread-safe.
 */
public final class RawFrameSender implements AutoCloseable {
  private final PacketSocket socket;

  private RawFrameSender(PacketSocket socket) {
    this.socket = socket;
  }

  public static RawFrameSender open() {
    return new RawFrameSender(PacketSocket.openForSending());
  }

  /** Sends {@code frame} (Ethernet header included) out of {@code ifname}. */
  public void send(String ifname, byte[] frame) {
    int ethertype = ((frame[12] & 0xff) << 8) | (frame[13] & 0xff);
    try {
      socket.send(frame, socket.interfaceIndex(ifname), ethertype, MacAddress.of(frame, 0));
    } catch (LastErrorException e) {
      throw new PacketSocketFailed("send raw frame", ifname, e.getErrorCode(), e);
    }
  }

  @Override
  public void close() {
    socket.close();
  }
}
