package io.raftvip.coordinator.health;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * An HTTP/1.1 GET over a plain socket (TLS for https, with host name verification); the run passes
 * when the status code equals {@code expectedStatus}. Only the status line is read, then the
 * connection is closed: no redirects, no body, no helper threads (java.net.http's client keeps a
 * selector thread per client, and its request timeout does not bound the body).
 *
 * @param url http or https URL with a host; path and query are sent as given
 * @param expectedStatus 100..599
 * @param timeout the whole run (connect, TLS, request, status line), 1 ms .. 1 h
 */
public record HttpCheck(URI url, int expectedStatus, Duration timeout) implements HealthCheck {

  /** A status line longer than this is not HTTP. */
  static final int STATUS_LINE_LENGTH_MAX = 1024;

  public HttpCheck {
    Objects.requireNonNull(url, "url of http check");
    String scheme = url.getScheme();
    if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
      throw new IllegalArgumentException(
          "url " + url + " of http check must use http or https, not " + scheme);
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      throw new IllegalArgumentException("url " + url + " of http check has no host");
    }
    if (url.getRawFragment() != null) {
      throw new IllegalArgumentException("url " + url + " of http check must not have a fragment");
    }
    if (expectedStatus < 100 || expectedStatus > 599) {
      throw new IllegalArgumentException(
          "expected status " + expectedStatus + " of http check " + url + " must be 100..599");
    }
    HealthCheck.checkTimeout(timeout, "http check " + url);
  }

  /** GET {@code url}, expecting 200. */
  public static HttpCheck of(String url, Duration timeout) {
    return new HttpCheck(URI.create(url), 200, timeout);
  }

  @Override
  public CheckResult run() {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    boolean tls = url.getScheme().equals("https");
    String host = url.getHost();
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    int port = url.getPort() >= 0 ? url.getPort() : tls ? 443 : 80;
    InetSocketAddress to = new InetSocketAddress(bare, port);
    if (to.isUnresolved()) {
      return CheckResult.fail("cannot resolve " + bare);
    }
    try (Socket raw = new Socket()) {
      raw.connect(to, (int) Math.max(1, timeout.toMillis()));
      Socket s = raw;
      if (tls) {
        raw.setSoTimeout(remainingMs(deadline));
        SSLSocket ssl =
            (SSLSocket)
                ((SSLSocketFactory) SSLSocketFactory.getDefault())
                    .createSocket(raw, bare, port, true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(params);
        ssl.startHandshake();
        s = ssl;
      }
      String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
      String target = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
      String hostHeader = url.getPort() >= 0 ? host + ":" + port : host;
      String request =
          "GET "
              + target
              + " HTTP/1.1\r\nHost: "
              + hostHeader
              + "\r\nUser-Agent: raftvip-health\r\nAccept: */*\r\nConnection: close\r\n\r\n";
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String line = readStatusLine(s, deadline);
      int status = parseStatus(line);
      if (status < 0) {
        return CheckResult.fail("GET " + url + ": not an HTTP status line: " + line);
      }
      String reason = "GET " + url + ": " + status + " in " + TcpCheck.sinceMs(start) + " ms";
      return status == expectedStatus
          ? CheckResult.pass(reason)
          : CheckResult.fail(reason + ", expected " + expectedStatus);
    } catch (SocketTimeoutException e) {
      return CheckResult.fail("GET " + url + " timed out after " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      return CheckResult.fail("GET " + url + " failed: " + e);
    }
  }

  private static String readStatusLine(Socket s, long deadline) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (line.size() < STATUS_LINE_LENGTH_MAX) {
      s.setSoTimeout(remainingMs(deadline));
      int b = in.read();
      if (b < 0 || b == '\n') {
        break;
      }
      line.write(b);
    }
    return line.toString(StandardCharsets.ISO_8859_1).strip();
  }

  /** The status code of "HTTP/1.x 200 OK", or -1. */
  static int parseStatus(String line) {
    if (!line.startsWith("HTTP/") || line.length() < 12 || line.charAt(8) != ' ') {
      return -1;
    }
    String code = line.substring(9, 12);
    if (!code.chars().allMatch(Character::isDigit)
        || (line.length() > 12 && line.charAt(12) != ' ')) {
      return -1;
    }
    return Integer.parseInt(code);
  }

  private static int remainingMs(long deadline) throws SocketTimeoutException {
    long left = (deadline - System.nanoTime()) / 1_000_000;
    if (left <= 0) {
      throw new SocketTimeoutException("deadline passed");
    }
    return (int) Math.min(Integer.MAX_VALUE, left);
  }
}
