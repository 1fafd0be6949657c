package io.raftvip.testlan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BuilderTest {

  @Test
  void rejectsBadValuesOnTheSpotNamingThem() {
    assertThatThrownBy(() -> TestLan.builder().nodes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nodes must be in 1..8, was 0");
    assertThatThrownBy(() -> TestLan.builder().nodes(9))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 9");
    assertThatThrownBy(() -> TestLan.builder().name("has space"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has space");
    assertThatThrownBy(() -> TestLan.builder().name("x".repeat(21)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TestLan.builder().name(""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theSweepPatternReadsThePidBeforeALetterTag() {
    assertThat(StaleSweep.NAME.matcher("rvt12345kcmp-fence-n1").matches()).isTrue();
    assertThat(StaleSweep.NAME.matcher("rvt12345xxxx-stale-sw").matches()).isTrue();
    assertThat(StaleSweep.NAME.matcher("rvx5300a").matches()).isFalse();
    assertThat(StaleSweep.NAME.matcher("rvt-12").matches()).isFalse();
    assertThat(StaleSweep.NAME.matcher("keepme-rvt1a").matches()).isFalse();
  }

  @Test
  void theRootMessageTellsHowToExcludeNamespaceTests() {
    assertThat(Commands.ROOT_MESSAGE)
        .isEqualTo(
            "namespace tests need root or CAP_NET_ADMIN+CAP_NET_RAW; run as root, or exclude"
                + " them with -DexcludedGroups=netns");
    assertThat(Netns.TAG).isEqualTo("netns");
  }

  @Test
  void aMissingToolNamesItsDebianPackage() {
    assertThatThrownBy(() -> Commands.tool("no-such-tool-rvt"))
        .isInstanceOf(TestLanException.class)
        .hasMessageContaining("no-such-tool-rvt")
        .hasMessageContaining("install the Debian package");
  }
}
