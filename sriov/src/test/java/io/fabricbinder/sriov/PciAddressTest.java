package io.fabricbinder.sriov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PciAddressTest {
    /** The documented grammar, independent of the parser's fast path for the canonical form. */
    private static final Pattern GRAMMAR =
            Pattern.compile("(?:([0-9a-fA-F]{4,8}):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\\.([0-7])");

    private static final String ALPHABET = "0123456789abcdefABCDEFgG:. \u0661\uff10";

    @Test
    void canonicalFastPathAgreesWithTheGrammarOnGeneratedStrings() {
        long seed = TestSeed.announce("PciAddressTest");
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 20_000; i++) {
            String text = random.nextBoolean() ? nearCanonical(random) : anyText(random);
            boolean expected = GRAMMAR.matcher(text.trim()).matches();
            assertThat(PciAddress.isValid(text))
                    .as("isValid(%s), seed %d", text, seed)
                    .isEqualTo(expected);
            if (expected) {
                var m = GRAMMAR.matcher(text.trim());
                assertThat(m.matches()).isTrue();
                int domain = m.group(1) == null ? 0 : Integer.parseInt(m.group(1), 16);
                int bus = Integer.parseInt(m.group(2), 16);
                int device = Integer.parseInt(m.group(3), 16);
                int function = Integer.parseInt(m.group(4));
                if (domain <= 0xffff && device <= 0x1f) {
                    assertThat(PciAddress.parse(text))
                            .as("parse(%s), seed %d", text, seed)
                            .isEqualTo(new PciAddress(domain, bus, device, function));
                } else {
                    assertThatThrownBy(() -> PciAddress.parse(text)).isInstanceOf(IllegalArgumentException.class);
                }
            } else {
                assertThatThrownBy(() -> PciAddress.parse(text))
                        .as("parse(%s), seed %d", text, seed)
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void printsTheCanonicalLowerCaseForm() {
        assertThat(PciAddress.parse("0000:3B:02.1").toString()).isEqualTo("0000:3b:02.1");
        assertThat(PciAddress.parse("af:1f.7").toString()).isEqualTo("0000:af:1f.7");
        assertThat(new PciAddress(0xabcd, 0xff, 0x1f, 7).toString()).isEqualTo("abcd:ff:1f.7");
    }

    private static String nearCanonical(SplittableRandom random) {
        char[] c = String.format(
                        Locale.ROOT,
                        "%04x:%02x:%02x.%d",
                        random.nextInt(0x10000),
                        random.nextInt(0x100),
                        random.nextInt(0x20),
                        random.nextInt(8))
                .toCharArray();
        if (random.nextBoolean()) {
            c[random.nextInt(c.length)] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new String(c);
    }

    private static String anyText(SplittableRandom random) {
        int length = random.nextInt(16);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }
}
