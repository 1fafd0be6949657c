package io.raftvip.cli.agent.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of {@code /metrics} in the Prometheus text format, parsed into series keyed by name
 * and labels sorted by label name: {@code raftvip_vip_owned{vip="web"}}.
 */
final class Scrape {

  private static final Pattern SERIES =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)(?: \\d+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  final String text;
  final Map<String, Double> series;

  private Scrape(String text, Map<String, Double> series) {
    this.text = text;
    this.series = series;
  }

  static Scrape of(int port) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("GET /metrics: HTTP " + r.statusCode() + ": " + r.body());
    }
    return parse(r.body());
  }

  static Scrape parse(String text) {
    Map<String, Double> out = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SERIES.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("not a series line: " + line);
      }
      out.put(key(m.group(1), m.group(2)), Double.parseDouble(m.group(3)));
    }
    return new Scrape(text, out);
  }

  private static String key(String name, String labels) {
    if (labels == null || labels.isEmpty()) {
      return name;
    }
    TreeMap<String, String> sorted = new TreeMap<>();
    Matcher l = LABEL.matcher(labels);
    while (l.find()) {
      sorted.put(l.group(1), l.group(2));
    }
    StringBuilder b = new StringBuilder(name).append('{');
    sorted.forEach((k, v) -> b.append(k).append("=\"").append(v).append("\","));
    b.setLength(b.length() - 1);
    return b.append('}').toString();
  }

  /** The value of a series; fails when it is absent. */
  double value(String key) {
    Double v = series.get(key);
    if (v == null) {
      throw new AssertionError("no series " + key + " in:\n" + text);
    }
    return v;
  }

  /** The value of a series, or {@code absent} when it is not there. */
  double valueOr(String key, double absent) {
    return series.getOrDefault(key, absent);
  }
}
