package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationTextTest {

    @Test
    void readsIsoAndUnitSuffixedDurations() {
        assertThat(DurationText.parse("PT10M")).isEqualTo(Duration.ofMinutes(10));
        assertThat(DurationText.parse("pt0.2s")).isEqualTo(Duration.ofMillis(200));
        assertThat(DurationText.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(DurationText.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationText.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(DurationText.parse("0")).isZero();
        assertThat(DurationText.parse("-1m")).isEqualTo(Duration.ofMinutes(-1));
    }

    @Test
    void rejectsWhatIsNotADurationAndSaysHowToWriteOne() {
        for (String bad : new String[] {"", "10", "m", "10 m", "10x", "1h30", "PT", "ten minutes"}) {
            assertThatThrownBy(() -> DurationText.parse(bad))
                    .as(bad)
                    .isInstanceOf(TypeConversionException.class)
                    .hasMessageContaining("is not a duration")
                    .hasMessageContaining("PT10M");
        }
    }

    @Test
    void theCommandLineTakesTheShortFormAndNamesTheOptionWhenItIsWrong() {
        CliRun run = CliRun.withEnv(
                Map.of(),
                "controller",
                "--identity",
                "x",
                "--topology",
                PlanCommandTest.TOPOLOGY.toString(),
                "--ipam-reclaim-grace",
                "-1m");
        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("--ipam-reclaim-grace must not be negative");

        CliRun typo = CliRun.withEnv(Map.of(), "controller", "--identity", "x", "--ipam-reclaim-grace", "10 minutes");
        assertThat(typo.code()).isNotZero();
        assertThat(typo.err()).contains("--ipam-reclaim-grace", "is not a duration");
    }
}
