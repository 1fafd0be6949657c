package io.raftvip.cli.demo;

import io.raftvip.testlan.probe.Timeline;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Renders scenario reports: the printed timeline, the JSON document and a hand-written SVG chart
 * (one panel per scenario, one lane per node showing when it answered, markers for the fault and
 * the decisions). Pure string building.
 */
final class DemoOutput {

  private static final String[] NODE_COLORS = {"#1f77b4", "#2ca02c", "#9467bd", "#8c564b"};

  private DemoOutput() {}

  /** The printed timeline and figures of one scenario. */
  static List<String> text(ScenarioReport r, int number, int total, long probeIntervalMs) {
    List<String> out = new ArrayList<>();
    ScenarioRun run = r.run();
    String head =
        "== "
            + number
            + "/"
            + total
            + " "
            + run.scenario().id()
            + ": "
            + run.scenario().title()
            + " ";
    out.add(head + "=".repeat(Math.max(3, 96 - head.length())));
    out.add(
        "   owner before: "
            + run.oldNode()
            + "   owner after: "
            + r.newNode().orElse("(none)")
            + "   times in ms after the fault");
    for (String note : run.notes()) {
      out.add("   note: " + note);
    }
    if (r.assignments() > 1) {
      out.add(
          "   note: the VIP moved "
              + r.assignments()
              + " times in this window: an owner whose agent gets no CPU for a whole lease loses"
              + " it too (safely: its own fence closes first); see the timeline");
    }
    long fault = run.faultWall();
    for (ScenarioReport.Entry e : r.entries()) {
      out.add(
          String.format(Locale.ROOT, "   %+9.1f  %s", (e.wallMicros() - fault) / 1000.0, e.text()));
    }
    ScenarioReport.Figures f = r.figures();
    out.add(
        String.format(
            Locale.ROOT,
            "   client outage: %.1f ms (longest run of unanswered UDP probes through the client's"
                + " stack, one every %d ms); ARP rounds no kernel answered: %.1f ms; longest"
                + " silence between answers: %.1f ms (includes the probe tools waiting for a CPU)",
            f.outageMs(),
            probeIntervalMs,
            f.arpOutageMs(),
            f.replyGapMs()));
    out.add(
        "   takeover: committed "
            + ms(f.committedMs())
            + ", address added "
            + ms(f.addressAddedMs())
            + ", announced (G-ARP) "
            + ms(f.announcedMs())
            + ", client neighbour entry switched MAC "
            + ms(f.neighbourSwitchMs())
            + ", first answer from "
            + r.newNode().orElse("new owner")
            + " "
            + ms(f.firstAnswerNewMs()));
    out.add(
        String.format(
            Locale.ROOT,
            "   overlap: %s ms (%d of %d directed rounds and %d of %d ARP rounds answered by two"
                + " nodes; %d of %d kernel samples with the VIP live on two nodes)",
            trim(f.overlapMs()),
            f.directedRoundsWithTwo(),
            f.directedRounds(),
            f.arpRoundsWithTwo(),
            f.arpRounds(),
            f.kernelRoundsWithTwo(),
            f.kernelRounds()));
    out.add(
        "   old owner: fence closed "
            + ms(f.oldFenceClosedMs())
            + ", last answer "
            + ms(f.lastAnswerOldMs())
            + ", VIP left its kernel "
            + ms(f.oldDropsVipMs())
            + String.format(
                Locale.ROOT,
                "; VIP configured on two kernels for %s ms%s",
                trim(f.configuredOverlapMs()),
                f.configuredOverlapMs() > 0 ? " (the old one fenced: it does not answer)" : ""));
    out.add("   flaps: " + f.udpFlaps() + " (answering node), " + f.arpFlaps() + " (ARP MAC)");
    return out;
  }

  static String ms(OptionalDouble v) {
    return v.isPresent() ? String.format(Locale.ROOT, "%+.1f", v.getAsDouble()) : "(not seen)";
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  /** The figures as a JSON object (ms; null when not seen). */
  static Map<String, Object> figuresJson(ScenarioReport.Figures f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("outageMs", f.outageMs());
    m.put("arpOutageMs", f.arpOutageMs());
    m.put("replyGapMs", f.replyGapMs());
    m.put("oldFenceClosedMs", value(f.oldFenceClosedMs()));
    m.put("committedMs", value(f.committedMs()));
    m.put("addressAddedMs", value(f.addressAddedMs()));
    m.put("announcedMs", value(f.announcedMs()));
    m.put("neighbourSwitchMs", value(f.neighbourSwitchMs()));
    m.put("firstAnswerNewMs", value(f.firstAnswerNewMs()));
    m.put("lastAnswerOldMs", value(f.lastAnswerOldMs()));
    m.put("oldDropsVipMs", value(f.oldDropsVipMs()));
    m.put("overlapMs", f.overlapMs());
    m.put("directedRoundsWithTwoAnswers", f.directedRoundsWithTwo());
    m.put("directedRounds", f.directedRounds());
    m.put("arpRoundsWithTwoAnswers", f.arpRoundsWithTwo());
    m.put("arpRounds", f.arpRounds());
    m.put("kernelRoundsWithTwoLive", f.kernelRoundsWithTwo());
    m.put("kernelRounds", f.kernelRounds());
    m.put("configuredOverlapMs", f.configuredOverlapMs());
    m.put("answeringNodeFlaps", f.udpFlaps());
    m.put("arpMacFlaps", f.arpFlaps());
    return m;
  }

  /** One scenario as a JSON object. */
  static Map<String, Object> scenarioJson(ScenarioReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    ScenarioRun run = r.run();
    m.put("id", run.scenario().id());
    m.put("title", run.scenario().title());
    m.put("fault", run.fault());
    m.put("faultEpochMicros", run.faultWall());
    m.put("windowFromEpochMicros", run.fromWall());
    m.put("windowToEpochMicros", run.toWall());
    m.put("oldNode", run.oldNode());
    m.put("newNode", r.newNode().orElse(null));
    m.put("notes", run.notes());
    m.put("figures", figuresJson(r.figures()));
    List<Object> timeline = new ArrayList<>();
    for (ScenarioReport.Entry e : r.entries()) {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("ms", Math.round((e.wallMicros() - run.faultWall()) / 100.0) / 10.0);
      item.put("event", e.text());
      timeline.add(item);
    }
    m.put("timeline", timeline);
    Map<String, Object> answering = new LinkedHashMap<>();
    r.udpAnswering().forEach((node, list) -> answering.put(node, intervals(list, run.faultWall())));
    m.put("udpAnsweringMs", answering);
    return m;
  }

  private static List<Object> intervals(List<Timeline.Interval> list, long fault) {
    List<Object> out = new ArrayList<>();
    for (Timeline.Interval i : list) {
      out.add(
          List.of(
              Math.round((i.startMicros() - fault) / 100.0) / 10.0,
              Math.round((i.endMicros() - fault) / 100.0) / 10.0));
    }
    return out;
  }

  private static Object value(OptionalDouble v) {
    return v.isPresent() ? Math.round(v.getAsDouble() * 10) / 10.0 : null;
  }

  /** The chart: one panel per scenario. */
  static String svg(
      List<ScenarioReport> reports,
      List<String> nodes,
      Map<String, String> macByNode,
      String title) {
    int width = 1000;
    int left = 130;
    int right = 20;
    int laneHeight = 26;
    int panelHeight = 40 + laneHeight * (nodes.size() + 1) + 34;
    int top = 60;
    int height = top + panelHeight * reports.size() + 10;
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " font-family=\"sans-serif\" font-size=\"11\">\n",
            width,
            height,
            width,
            height));
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s.append(
        "<text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">raftvip failover demo"
            + " ("
            + xml(title)
            + "): who answered for the VIP</text>\n");
    s.append(
        "<text x=\"10\" y=\"34\" fill=\"#444\">bars per node: answers to the client's probes"
            + " (thick: UDP through the client's own stack; thin: UDP directed to the node's MAC;"
            + " thinnest: the node's kernel answering ARP)</text>\n");
    s.append(
        "<text x=\"10\" y=\"48\" fill=\"#444\">lines: red fault (dotted: its end), orange old"
            + " owner's fence closed, grey new owner committed, cyan client's neighbour entry"
            + " switch; bottom lane: that entry's MAC</text>\n");
    Map<String, String> colorByMac = new LinkedHashMap<>();
    Map<String, String> colorByNode = new LinkedHashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      String color = NODE_COLORS[i % NODE_COLORS.length];
      colorByNode.put(nodes.get(i), color);
      colorByMac.put(macByNode.getOrDefault(nodes.get(i), ""), color);
    }
    int y0 = top;
    for (ScenarioReport r : reports) {
      ScenarioRun run = r.run();
      long from = run.fromWall();
      long to = Math.max(run.toWall(), from + 1);
      double plot = width - left - right;
      java.util.function.LongToDoubleFunction x =
          t -> left + plot * (t - from) / (double) (to - from);
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"10\" y=\"%d\" font-size=\"12\" font-weight=\"bold\">%s</text>\n",
              y0 + 14,
              xml(
                  run.scenario().id()
                      + ": "
                      + run.scenario().title()
                      + " — outage "
                      + trim(Math.round(r.figures().outageMs() * 10) / 10.0)
                      + " ms, overlap "
                      + trim(r.figures().overlapMs())
                      + " ms")));
      int lanesTop = y0 + 24;
      for (int i = 0; i < nodes.size(); i++) {
        String node = nodes.get(i);
        int ly = lanesTop + i * laneHeight;
        String color = colorByNode.get(node);
        s.append(
            String.format(
                Locale.ROOT,
                "<text x=\"10\" y=\"%d\">%s</text><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
                    + " stroke=\"#eee\"/>\n",
                ly + 14,
                xml(
                    node
                        + (node.equals(run.oldNode()) ? " (old)" : "")
                        + (r.newNode().filter(node::equals).isPresent() ? " (new)" : "")),
                left,
                ly + laneHeight - 1,
                width - right,
                ly + laneHeight - 1));
        for (Timeline.Interval iv : r.udpAnswering().getOrDefault(node, List.of())) {
          bar(
              s,
              x.applyAsDouble(iv.startMicros()),
              x.applyAsDouble(iv.endMicros()),
              ly + 3,
              10,
              color,
              1.0);
        }
        for (Timeline.Interval iv : r.directedAnswering().getOrDefault(node, List.of())) {
          bar(
              s,
              x.applyAsDouble(iv.startMicros()),
              x.applyAsDouble(iv.endMicros()),
              ly + 15,
              4,
              color,
              0.6);
        }
        for (Timeline.Interval iv : r.arpAnswering().getOrDefault(node, List.of())) {
          bar(
              s,
              x.applyAsDouble(iv.startMicros()),
              x.applyAsDouble(iv.endMicros()),
              ly + 21,
              2,
              color,
              0.45);
        }
      }
      int ny = lanesTop + nodes.size() * laneHeight;
      s.append(
          String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">client neighbour</text>\n", ny + 14));
      for (ScenarioReport.Segment seg : r.neighbour()) {
        String color = colorByMac.getOrDefault(seg.mac(), "#bbbbbb");
        bar(
            s,
            x.applyAsDouble(seg.startMicros()),
            x.applyAsDouble(seg.endMicros()),
            ny + 5,
            8,
            color,
            0.45);
      }
      int bottom = ny + laneHeight;
      for (ScenarioReport.Marker m : r.markers()) {
        if (m.wallMicros() < from || m.wallMicros() > to) {
          continue;
        }
        String stroke;
        String dash;
        switch (m.kind()) {
          case "fault" -> {
            stroke = "#d62728";
            dash = "";
          }
          case "fault-end" -> {
            stroke = "#d62728";
            dash = " stroke-dasharray=\"2,3\"";
          }
          case "deadline" -> {
            stroke = "#ff7f0e";
            dash = " stroke-dasharray=\"5,3\"";
          }
          case "client" -> {
            stroke = "#17becf";
            dash = " stroke-dasharray=\"1,2\"";
          }
          default -> {
            stroke = "#777777";
            dash = " stroke-dasharray=\"4,3\"";
          }
        }
        double mx = x.applyAsDouble(m.wallMicros());
        s.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"%s><title>%s</title></line>\n",
                mx,
                lanesTop - 2,
                mx,
                bottom,
                stroke,
                dash,
                xml(m.label())));
      }
      // Axis: ms after the fault.
      long spanMs = (to - from) / 1000;
      long step = spanMs <= 1500 ? 250 : spanMs <= 3000 ? 500 : spanMs <= 8000 ? 1000 : 2000;
      long fault = run.faultWall();
      long firstTick = -((fault - from) / 1000 / step) * step;
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>\n",
              left,
              bottom + 2,
              width - right,
              bottom + 2));
      for (long t = firstTick; fault + t * 1000 <= to; t += step) {
        double tx = x.applyAsDouble(fault + t * 1000);
        s.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#444\">%s</text>\n",
                tx,
                bottom + 2,
                tx,
                bottom + 6,
                tx,
                bottom + 17,
                t == 0 ? "0 ms" : String.format(Locale.ROOT, "%+d", t)));
      }
      y0 += panelHeight;
    }
    s.append("</svg>\n");
    return s.toString();
  }

  private static void bar(
      StringBuilder s, double x1, double x2, int y, int h, String color, double opacity) {
    s.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\""
                + " fill-opacity=\"%.2f\"/>\n",
            x1,
            y,
            Math.max(1.0, x2 - x1),
            h,
            color,
            opacity));
  }

  static String xml(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
