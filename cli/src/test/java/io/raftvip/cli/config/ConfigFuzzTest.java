package io.raftvip.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of the config parser, starting from the shipped sample config: byte
 * flips, deleted and duplicated lines, indentation changes, inserted YAML tokens and odd values.
 * The parser must never throw, every result without a config carries at least one error, and every
 * error names the file and a line within it. Override with -Draftvip.fuzz.cases/seed.
 */
class ConfigFuzzTest {

  static final List<String> TOKENS =
      List.of(
          ":",
          "- ",
          "{",
          "}",
          "[",
          "]",
          "&a ",
          "*a",
          "!!binary ",
          "? ",
          "|",
          ">",
          "#",
          "'",
          "\"",
          "\t",
          "~",
          "null",
          "true",
          "0x10",
          "1e9999",
          "-1",
          "99999999999999999999",
          "200ms",
          "1.5s",
          "5 seconds",
          "198.18.0.300/24",
          "2001:db8::200/129",
          "eth0",
          "n9",
          "%",
          "<<: *a",
          "\u0000",
          "\uFEFF",
          "é",
          "x".repeat(2000));

  @Test
  void mutatedConfigsNeverCrashTheParserAndErrorsHavePositions() throws Exception {
    long seed = Long.getLong("raftvip.fuzz.seed", System.nanoTime());
    int cases = Integer.getInteger("raftvip.fuzz.cases", 3000);
    SplittableRandom r = new SplittableRandom(seed);
    String base = Files.readString(Path.of("src/main/config/node1.yaml"), StandardCharsets.UTF_8);
    int valid = 0;
    int invalid = 0;
    for (int i = 0; i < cases; i++) {
      String text = mutate(base, r, 1 + r.nextInt(4));
      String context = "seed " + seed + " case " + i;
      ConfigResult result;
      try {
        result = ConfigParser.parse("fuzz.yaml", text);
      } catch (RuntimeException | StackOverflowError e) {
        throw new AssertionError(context + ": the parser threw on:\n" + text, e);
      }
      if (result.ok()) {
        valid++;
      } else {
        invalid++;
        assertThat(result.errors()).as(context).isNotEmpty();
        int lines = (int) text.lines().count() + 1;
        for (ConfigProblem p : result.errors()) {
          assertThat(p.file()).as(context).isEqualTo("fuzz.yaml");
          assertThat(p.line()).as(context + ": " + p.format()).isBetween(0, lines);
          assertThat(p.message()).as(context).isNotBlank();
        }
      }
    }
    System.out.printf(
        "ConfigFuzzTest: seed %d, %d mutated configs, %d valid, %d rejected with positioned"
            + " errors, 0 crashes%n",
        seed, cases, valid, invalid);
    assertThat(invalid).as("the mutations reach the error paths").isPositive();
  }

  private static String mutate(String text, SplittableRandom r, int times) {
    String t = text;
    for (int k = 0; k < times; k++) {
      List<String> lines = new java.util.ArrayList<>(t.lines().toList());
      if (lines.isEmpty()) {
        return t;
      }
      int at = r.nextInt(lines.size());
      switch (r.nextInt(6)) {
        case 0 -> lines.remove(at);
        case 1 -> lines.add(at, lines.get(at));
        case 2 -> lines.set(at, " ".repeat(r.nextInt(5)) + lines.get(at).stripLeading());
        case 3 -> {
          String l = lines.get(at);
          int pos = l.isEmpty() ? 0 : r.nextInt(l.length() + 1);
          lines.set(
              at, l.substring(0, pos) + TOKENS.get(r.nextInt(TOKENS.size())) + l.substring(pos));
        }
        case 4 -> {
          String l = lines.get(at);
          int colon = l.indexOf(": ");
          if (colon > 0) {
            lines.set(at, l.substring(0, colon + 2) + TOKENS.get(r.nextInt(TOKENS.size())));
          }
        }
        default -> {
          byte[] b = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
          if (b.length > 0) {
            b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(7));
          }
          return new String(b, StandardCharsets.UTF_8);
        }
      }
      t = String.join("\n", lines) + "\n";
    }
    return t;
  }
}
