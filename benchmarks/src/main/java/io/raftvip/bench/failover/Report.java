package io.raftvip.bench.failover;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/** Markdown tables and JSON from the trials. Pure: no IO. */
final class Report {
  private Report() {}

  /** One progress line per trial. */
  static String line(TrialResult r) {
    return String.format(
        Locale.ROOT,
        "trial %-18s %-9s #%-2d %s n%d->n%d outage %7.1f takeover %7.1f first-answer %7.1f"
            + " old-silent %s old-drops %s overlap %.0f ms (%d rounds) configured-overlap %.0f ms"
            + " flaps %d/%d%s cpu %.0f%% load %.1f %s",
        r.system(),
        r.scenario().id,
        r.trial(),
        r.ok() ? "ok  " : "FAIL",
        r.oldNode(),
        r.newNode(),
        r.outageMs(),
        r.takeoverMs(),
        r.firstAnswerMs(),
        never(r.oldSilentMs()),
        never(r.oldDropsMs()),
        r.overlapMs(),
        r.overlapRounds(),
        r.configuredOverlapMs(),
        r.udpFlaps(),
        r.arpFlaps(),
        r.allMovedMs() >= 0 ? String.format(Locale.ROOT, " all-moved %.0f", r.allMovedMs()) : "",
        r.cpuPercent(),
        r.loadAverage(),
        r.note());
  }

  private static String never(double v) {
    return v < 0 ? "never" : String.format(Locale.ROOT, "%.0f", v);
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  private static List<Double> values(List<TrialResult> rs, ToDoubleFunction<TrialResult> f) {
    List<Double> out = new ArrayList<>();
    for (TrialResult r : rs) {
      double v = f.applyAsDouble(r);
      if (v >= 0) {
        out.add(v);
      }
    }
    out.sort(Double::compare);
    return out;
  }

  private static String f0(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0f", v);
  }

  private static String median(List<TrialResult> rs, ToDoubleFunction<TrialResult> f) {
    return f0(percentile(values(rs, f), 50));
  }

  /** Median with the count of trials where it never happened, e.g. "210 (never 0/20)". */
  private static String medianNever(List<TrialResult> rs, ToDoubleFunction<TrialResult> f) {
    long never = rs.stream().filter(r -> f.applyAsDouble(r) < 0).count();
    return median(rs, f) + " (never " + never + "/" + rs.size() + ")";
  }

  static Map<String, List<TrialResult>> group(List<TrialResult> results) {
    Map<String, List<TrialResult>> g = new LinkedHashMap<>();
    for (TrialResult r : results) {
      g.computeIfAbsent(r.scenario().id + "|" + r.system(), k -> new ArrayList<>()).add(r);
    }
    return g;
  }

  static String markdown(
      List<TrialResult> results,
      Map<String, Integer> leftovers,
      List<String> resourceRows,
      FailoverBenchmark.Options opt,
      long totalS,
      String loadStart,
      String loadEnd,
      boolean budgetHit) {
    StringBuilder sb = new StringBuilder();
    sb.append("## Failover, end to end (client's view)\n\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "Trials per scenario and system: %d (blocks of %d, systems alternating); run time %d s"
                + " (%.1f min); load average at start %s, at end %s%s.%n%n",
            opt.trials(),
            opt.block(),
            totalS,
            totalS / 60.0,
            loadStart,
            loadEnd,
            budgetHit ? "; TIME BUDGET HIT, some trials not run" : ""));
    sb.append(
        "Times in ms from the fault. outage: longest run of unanswered 5 ms UDP probes; takeover:"
            + " VIP configured and unfenced on another node (kernel, 20 ms sampling); first answer:"
            + " first UDP answer from the new node; old silent: last directed answer from the old"
            + " owner while the fault lasted (never = still answering at its end); old drops:"
            + " VIP leaves the old owner's kernel during the fault; overlap: directed or ARP rounds"
            + " answered by two nodes (trials with overlap / trials, median ms of those);"
            + " configured overlap: VIP configured on two nodes at once, fenced or not; flaps:"
            + " changes of the node answering UDP probes (median/max); leftovers: VIP addresses and"
            + " fence tables left after the system's daemons were stopped gracefully; CPU: all"
            + " daemons from the fault to the end of the observation, % of one core.\n\n");
    sb.append(
        "| scenario | system | ok/trials | outage min / median / p99 / max | takeover median (max)"
            + " | first answer median | old silent median | old drops VIP median | overlap |"
            + " configured overlap | flaps | leftovers | CPU % median |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    Map<String, List<TrialResult>> g = group(results);
    for (Map.Entry<String, List<TrialResult>> e : g.entrySet()) {
      List<TrialResult> all = e.getValue();
      List<TrialResult> ok = all.stream().filter(TrialResult::ok).toList();
      TrialResult first = all.get(0);
      List<Double> out = values(ok, TrialResult::outageMs);
      List<Double> tk = values(ok, TrialResult::takeoverMs);
      long withOverlap = ok.stream().filter(r -> r.overlapRounds() > 0).count();
      List<TrialResult> ovl = ok.stream().filter(r -> r.overlapRounds() > 0).toList();
      long withConf = ok.stream().filter(r -> r.configuredOverlapMs() > 0).count();
      List<TrialResult> conf = ok.stream().filter(r -> r.configuredOverlapMs() > 0).toList();
      List<Double> flaps = values(ok, r -> r.udpFlaps());
      Integer left = leftovers.get(first.system() + "/" + first.scenario().id);
      String takeover =
          first.scenario() == Scenario.MASS
              ? median(ok, TrialResult::takeoverMs)
                  + "; all 1000: "
                  + median(ok, TrialResult::allMovedMs)
                  + " ("
                  + f0(percentile(values(ok, TrialResult::allMovedMs), 100))
                  + ")"
              : f0(percentile(tk, 50)) + " (" + f0(percentile(tk, 100)) + ")";
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d/%d | %s / %s / %s / %s | %s | %s | %s | %s | %d/%d, %s | %d/%d, %s |"
                  + " %s/%s | %s | %s |%n",
              first.scenario().id,
              first.system(),
              ok.size(),
              all.size(),
              f0(percentile(out, 0)),
              f0(percentile(out, 50)),
              f0(percentile(out, 99)),
              f0(percentile(out, 100)),
              takeover,
              median(ok, TrialResult::firstAnswerMs),
              medianNever(ok, TrialResult::oldSilentMs),
              medianNever(ok, TrialResult::oldDropsMs),
              withOverlap,
              ok.size(),
              median(ovl, TrialResult::overlapMs),
              withConf,
              ok.size(),
              median(conf, TrialResult::configuredOverlapMs),
              f0(percentile(flaps, 50)),
              f0(percentile(flaps, 100)),
              left == null ? "-" : left.toString(),
              median(ok, TrialResult::cpuPercent)));
    }
    sb.append("\n### raftvip / keepalived (medians; < 1 means raftvip is better)\n\n");
    sb.append(
        "| scenario | raftvip outage | kd outage | ratio | kf outage | ratio | raftvip first answer |"
            + " kd first answer | ratio | kf first answer | ratio |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    Set<Scenario> scenarios = new LinkedHashSet<>();
    results.forEach(r -> scenarios.add(r.scenario()));
    for (Scenario sc : scenarios) {
      double ro = med(g, sc, "raftvip", TrialResult::outageMs);
      double dko = med(g, sc, "keepalived-default", TrialResult::outageMs);
      double fko = med(g, sc, "keepalived-fast", TrialResult::outageMs);
      double ra = med(g, sc, "raftvip", TrialResult::firstAnswerMs);
      double dka = med(g, sc, "keepalived-default", TrialResult::firstAnswerMs);
      double fka = med(g, sc, "keepalived-fast", TrialResult::firstAnswerMs);
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
              sc.id,
              f0(ro),
              f0(dko),
              ratio(ro, dko),
              f0(fko),
              ratio(ro, fko),
              f0(ra),
              f0(dka),
              ratio(ra, dka),
              f0(fka),
              ratio(ra, fka)));
    }
    if (!resourceRows.isEmpty()) {
      sb.append("\n### Resources per daemon (3 nodes; keepalived = parent + VRRP child)\n\n");
      sb.append(
          "| system | VIPs | RSS MiB | heap used MiB | CPU idle % (10 s) | CPU % per survivor,"
              + " 5 s after owner killed | takeover ms | load |\n");
      sb.append("|---|---|---|---|---|---|---|---|\n");
      resourceRows.forEach(r -> sb.append(r).append('\n'));
    }
    List<TrialResult> failed =
        results.stream().filter(r -> !r.ok() || !r.note().isEmpty()).toList();
    if (!failed.isEmpty()) {
      sb.append("\n### Trials with notes\n\n");
      for (TrialResult r : failed) {
        sb.append("- ")
            .append(r.system())
            .append(' ')
            .append(r.scenario().id)
            .append(" #")
            .append(r.trial())
            .append(r.ok() ? " (counted): " : " (not counted): ")
            .append(r.note())
            .append('\n');
      }
    }
    return sb.toString();
  }

  private static double med(
      Map<String, List<TrialResult>> g, Scenario sc, String sys, ToDoubleFunction<TrialResult> f) {
    List<TrialResult> rs = g.get(sc.id + "|" + sys);
    if (rs == null) {
      return Double.NaN;
    }
    return percentile(values(rs.stream().filter(TrialResult::ok).toList(), f), 50);
  }

  private static String ratio(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b)) {
      return "-";
    }
    if (b == 0) {
      return a == 0 ? "1 (both 0)" : "inf (kd/kf 0)";
    }
    return String.format(Locale.ROOT, "%.2f", a / b);
  }

  static String json(
      List<TrialResult> results,
      Map<String, Integer> leftovers,
      List<String> resourceJson,
      FailoverBenchmark.Options opt,
      long totalS,
      String loadStart,
      String loadEnd) {
    StringBuilder sb = new StringBuilder("{\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "\"trialsPerScenario\":%d,\"block\":%d,\"runSeconds\":%d,\"loadStart\":\"%s\","
                + "\"loadEnd\":\"%s\",%n",
            opt.trials(),
            opt.block(),
            totalS,
            loadStart,
            loadEnd));
    sb.append("\"leftovers\":{");
    List<String> l = new ArrayList<>();
    leftovers.forEach((k, v) -> l.add("\"" + k + "\":" + v));
    sb.append(String.join(",", l)).append("},\n\"resources\":[");
    sb.append(String.join(",\n", resourceJson)).append("],\n\"trials\":[\n");
    List<String> rows = new ArrayList<>();
    for (TrialResult r : results) {
      rows.add(
          String.format(
              Locale.ROOT,
              "{\"system\":\"%s\",\"scenario\":\"%s\",\"trial\":%d,\"ok\":%b,\"note\":\"%s\","
                  + "\"oldNode\":%d,\"newNode\":%d,\"outageMs\":%.1f,\"takeoverMs\":%.1f,"
                  + "\"firstAnswerMs\":%.1f,\"oldSilentMs\":%.1f,\"oldDropsMs\":%.1f,"
                  + "\"overlapMs\":%.1f,\"overlapRounds\":%d,\"configuredOverlapMs\":%.1f,"
                  + "\"udpFlaps\":%d,\"arpFlaps\":%d,\"allMovedMs\":%.1f,\"cpuPercent\":%.1f,"
                  + "\"load1\":%.2f}",
              r.system(),
              r.scenario().id,
              r.trial(),
              r.ok(),
              r.note().replace("\\", "\\\\").replace("\"", "\\\""),
              r.oldNode(),
              r.newNode(),
              r.outageMs(),
              r.takeoverMs(),
              r.firstAnswerMs(),
              r.oldSilentMs(),
              r.oldDropsMs(),
              r.overlapMs(),
              r.overlapRounds(),
              r.configuredOverlapMs(),
              r.udpFlaps(),
              r.arpFlaps(),
              r.allMovedMs(),
              r.cpuPercent(),
              r.loadAverage()));
    }
    sb.append(String.join(",\n", rows)).append("\n]}\n");
    return sb.toString();
  }
}
