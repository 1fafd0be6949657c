package io.raftvip.cli.config;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A TCP endpoint: an IP literal or a DNS name, and a port. Written {@code 198.18.0.11:7100}, {@code
 * [2001:db8::11]:7100} or {@code node1.example.net:7100}. Names are only checked for syntax, never
 * resolved here.
 *
 * @param host canonical IP text, or a lower-case DNS name
 * @param port 1..65535
 */
public record HostPort(String host, int port) {

  /** RFC 1123 host name: dot-separated labels of letters, digits and '-', at most 253 chars. */
  private static final Pattern HOST_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

  public HostPort {
    Objects.requireNonNull(host, "host");
    if (IpAddress.isLiteral(host)) {
      String canonical = IpAddress.parse(host).text();
      if (!canonical.equals(host)) {
        throw new IllegalArgumentException(
            "host \"" + host + "\" is not in canonical form \"" + canonical + "\"");
      }
    } else if (!HOST_NAME.matcher(host).matches()) {
      throw new IllegalArgumentException(
          "host " + Texts.quote(host) + " is neither an IP address nor a valid host name");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " must be between 1 and 65535");
    }
  }

  /**
   * Parses {@code host:port}; IPv6 addresses go in brackets.
   *
   * @throws IllegalArgumentException quoting the value and naming the bad part
   */
  public static HostPort parse(String text) {
    Objects.requireNonNull(text, "text");
    String shown = Texts.quote(text);
    String hostPart;
    String portPart;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException(shown + " has '[' without a closing ']'");
      }
      hostPart = text.substring(1, close);
      String rest = text.substring(close + 1);
      if (!rest.startsWith(":")) {
        throw new IllegalArgumentException(
            shown + " has no port; expected [address]:port like \"[2001:db8::11]:7100\"");
      }
      portPart = rest.substring(1);
      IpAddress ip = IpAddress.parse(hostPart, text);
      if (ip.family() != IpAddress.Family.IPV6) {
        throw new IllegalArgumentException(
            shown + ": only IPv6 addresses go in brackets; write \"" + ip + ":" + portPart + "\"");
      }
      hostPart = ip.text();
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(
            "expected host:port like \"198.18.0.11:7100\", got " + shown);
      }
      if (text.indexOf(':') != colon) {
        throw new IllegalArgumentException(
            shown + ": put an IPv6 address in brackets, like \"[2001:db8::11]:7100\"");
      }
      hostPart = text.substring(0, colon);
      portPart = text.substring(colon + 1);
      if (hostPart.isEmpty()) {
        throw new IllegalArgumentException(
            shown
                + " has no host; give the address to use, or \"0.0.0.0:"
                + portPart
                + "\" for every address of this host");
      }
      if (!hostPart.isEmpty()
          && hostPart.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) {
        hostPart = IpAddress.parse(hostPart, text).text();
      } else {
        hostPart = hostPart.toLowerCase(Locale.ROOT);
        if (!HOST_NAME.matcher(hostPart).matches()) {
          throw new IllegalArgumentException(
              shown
                  + ": "
                  + Texts.quote(text.substring(0, colon))
                  + " is neither an IP address nor a valid host name");
        }
      }
    }
    if (portPart.isEmpty()
        || portPart.length() > 5
        || !portPart.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          shown + ": port " + Texts.quote(portPart) + " is not a number between 1 and 65535");
    }
    int port = Integer.parseInt(portPart);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(shown + ": port " + port + " is not between 1 and 65535");
    }
    return new HostPort(hostPart, port);
  }

  /** The host as an IP address, or empty for a DNS name. */
  public Optional<IpAddress> ip() {
    return IpAddress.isLiteral(host) ? Optional.of(IpAddress.parse(host)) : Optional.empty();
  }

  /** True for {@code 0.0.0.0:port} and {@code [::]:port}: listen on every address. */
  public boolean isWildcard() {
    return ip().map(IpAddress::isWildcard).orElse(false);
  }

  /** True when the two endpoints would collide on one host: same port, same or wildcard address. */
  public boolean clashesWith(HostPort other) {
    return port == other.port && (host.equals(other.host) || isWildcard() || other.isWildcard());
  }

  /** {@code host:port}, with brackets around an IPv6 address. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
