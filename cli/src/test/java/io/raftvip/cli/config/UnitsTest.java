package io.raftvip.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {

  @ParameterizedTest
  @CsvSource({
    "200ms, 200, 200ms",
    "1s, 1000, 1s",
    "1.5s, 1500, 1.5s",
    "0.25s, 250, 250ms",
    "1500ms, 1500, 1.5s",
    "5m, 300000, 5m",
    "90s, 90000, 90s",
    "120s, 120000, 2m",
    "1h, 3600000, 1h",
    "0.5m, 30000, 30s",
    "0s, 0, 0s",
    "0ms, 0, 0s",
    "-1s, -1000, -1s",
    "1.001s, 1001, 1.001s",
  })
  void parsesAndFormatsDurations(String text, long ms, String canonical) {
    Duration d = Units.parseDuration(text);

    assertThat(d).isEqualTo(Duration.ofMillis(ms));
    assertThat(Units.formatDuration(d)).isEqualTo(canonical);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"200", "0", "1.5", "200 ms", "200MS", "2sec", "1d", "ms", ".5s", "1.s", ""})
  void refusesDurationsWithoutAKnownUnit(String text) {
    assertThatThrownBy(() -> Units.parseDuration(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a duration like \"200ms\" or \"1.5s\", got \"" + text + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.5ms", "1.0001s", "0.0000001h"})
  void refusesDurationsFinerThanAMillisecond(String text) {
    assertThatThrownBy(() -> Units.parseDuration(text))
        .hasMessage("\"" + text + "\" is finer than the 1ms resolution of durations");
  }

  @ParameterizedTest
  @CsvSource({
    "1%, 10000, 1%",
    "0.05%, 500, 0.05%",
    "0.0001%, 1, 0.0001%",
    "10%, 100000, 10%",
    "2.50%, 25000, 2.5%",
    "0%, 0, 0%",
  })
  void parsesAndFormatsPercentages(String text, int ppm, String canonical) {
    assertThat(Units.parsePercentPpm(text)).isEqualTo(ppm);
    assertThat(Units.formatPercentPpm(ppm)).isEqualTo(canonical);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "0.01", "1 %", "%", "one%", "1%%"})
  void refusesPercentagesWithoutPercentSign(String text) {
    assertThatThrownBy(() -> Units.parsePercentPpm(text))
        .hasMessage("expected a percentage like \"1%\" or \"0.5%\", got \"" + text + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.00001%"})
  void refusesPercentagesFinerThanOnePpm(String text) {
    assertThatThrownBy(() -> Units.parsePercentPpm(text))
        .hasMessage("\"" + text + "\" is finer than the 0.0001% resolution of percentages");
  }
}
