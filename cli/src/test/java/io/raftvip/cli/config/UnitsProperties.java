package io.raftvip.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class UnitsProperties {

  @Property(tries = 500)
  void formattedDurationsParseBackExactly(
      @ForAll @LongRange(min = -86_400_000L, max = 86_400_000L) long ms) {
    Duration d = Duration.ofMillis(ms);

    String text = Units.formatDuration(d);

    assertThat(Units.parseDuration(text)).isEqualTo(d);
    assertThat(text.length())
        .as("no longer than the plain ms form")
        .isLessThanOrEqualTo(Long.toString(ms).length() + 2);
  }

  @Property(tries = 500)
  void formattedPercentagesParseBackExactly(@ForAll @IntRange(min = 0, max = 999_999) int ppm) {
    assertThat(Units.parsePercentPpm(Units.formatPercentPpm(ppm))).isEqualTo(ppm);
  }
}
