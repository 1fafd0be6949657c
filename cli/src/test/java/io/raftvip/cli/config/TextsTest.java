package io.raftvip.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextsTest {

  static final List<String> KEYS =
      List.of("lease", "renew-interval", "leader-lease-ping", "move-hold-down");

  @Test
  void suggestsNearMisses() {
    assertThat(Texts.suggest("leese", KEYS)).contains("lease");
    assertThat(Texts.suggest("lesae", KEYS)).as("a swap costs one").contains("lease");
    assertThat(Texts.suggest("renewInterval", KEYS)).contains("renew-interval");
    assertThat(Texts.suggest("renew_interval", KEYS)).contains("renew-interval");
    assertThat(Texts.suggest("MOVE-HOLD-DOWN", KEYS)).contains("move-hold-down");
    assertThat(Texts.suggest("move-holddown", KEYS)).contains("move-hold-down");
  }

  @Test
  void staysQuietWhenNothingIsClose() {
    assertThat(Texts.suggest("colour", KEYS)).isEmpty();
    assertThat(Texts.suggest("x", KEYS)).isEmpty();
    assertThat(Texts.suggest("lease", List.of())).isEmpty();
  }

  @Test
  void quotesUserValuesSafely() {
    assertThat(Texts.quote("eth0")).isEqualTo("\"eth0\"");
    assertThat(Texts.quote("a\"b\\c\n\t\u0001")).isEqualTo("\"a\\\"b\\\\c\\n\\t\\u0001\"");
    assertThat(Texts.quote("x".repeat(100))).isEqualTo("\"" + "x".repeat(80) + "...\"");
  }
}
