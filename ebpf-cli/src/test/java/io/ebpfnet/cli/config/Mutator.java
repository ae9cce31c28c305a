package io.ebpfnet.cli.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Turns valid configuration files into broken ones for {@link ConfigFuzzTest}: byte and bit flips, truncation,
 * duplication, syntax tokens, deep nesting, huge strings, random Unicode (and invalid UTF-8), BOMs and NULs.
 * Every choice comes from one {@link Random}, so a seed replays a run; {@link #applied()} says what was done.
 */
final class Mutator {
    /** Above the 1 MiB cap now and then, but not so far that a run spends its time writing files. */
    private static final int MAX_LENGTH = 1_200_000;
    private static final String[] TOKENS = {"[", "]", "{", "}", "\"", "'", "\"\"\"", "'''", "=", " = ", "\n", "\r\n", "\r", "\t",
            "#", ",", ".", ":", "*", "-", "!", "\\", "\\u", "\\U0010ffff", "\\u0000", "[global]\n", "[[global]]\n",
            "[network connections]\n", "[network_connections]\n", "[global.x]\n", "update every = ", "update_every = ",
            "apps = yes\n", "apps groups file = ", "ebpf load mode = return\n", "inf", "nan", "0x7f", "1979-05-27T07:32:00Z",
            "99999999999999999999", "-1", "true", "\u2028", "\u00a0", "\uFEFF", "a.b.c = 1\n", "x = [1, [2, {a = 3}]]\n"};

    private final Random random;
    private final List<String> applied = new ArrayList<>();

    Mutator(Random random) {
        this.random = random;
    }

    /** The mutations applied since the last {@link #mutate}, for a failure's message. */
    List<String> applied() {
        return applied;
    }

    /** A broken copy of {@code seed}: one to five mutations, or (one time in ten) random bytes. */
    byte[] mutate(byte[] seed) {
        applied.clear();
        if (random.nextInt(10) == 0) {
            applied.add("random bytes");
            byte[] b = new byte[random.nextInt(4096)];
            random.nextBytes(b);
            return b;
        }
        byte[] b = seed;
        for (int n = 1 + random.nextInt(5); n > 0; n--) {
            b = once(b);
            if (b.length > MAX_LENGTH) {
                b = Arrays.copyOf(b, MAX_LENGTH);
            }
        }
        return b;
    }

    private byte[] once(byte[] b) {
        int at = random.nextInt(b.length + 1);
        int roll = random.nextInt(100);
        if (roll < 14) {
            return note("byte flip", set(b, at, (byte) random.nextInt(256)));
        } else if (roll < 24) {
            return note("bit flip", set(b, at, at < b.length ? (byte) (b[at] ^ (1 << random.nextInt(8))) : 0));
        } else if (roll < 32) {
            return note("truncation", Arrays.copyOf(b, at));
        } else if (roll < 40) {
            int end = at + random.nextInt(b.length - at + 1);
            byte[] range = Arrays.copyOfRange(b, at, end);
            int times = random.nextInt(10) == 0 ? 1 + random.nextInt(1000) : 1;
            return note("duplication x" + times, insert(b, end, range, times));
        } else if (roll < 46) {
            return note("deletion", concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, at + random.nextInt(b.length - at + 1), b.length)));
        } else if (roll < 68) {
            String token = TOKENS[random.nextInt(TOKENS.length)];
            return note("token " + token.strip(), insert(b, at, utf8(token), 1));
        } else if (roll < 76) {
            return note("deep nesting", insert(b, at, utf8(deep()), 1));
        } else if (roll < 78) {
            int length = 10_000 + random.nextInt(190_000);
            String huge = random.nextBoolean() ? "\"" + "x".repeat(length) + "\"" : "k".repeat(length) + " = 1\n";
            return note("huge string " + length, insert(b, at, utf8(huge), 1));
        } else if (roll < 88) {
            return note("random unicode", insert(b, at, unicode(), 1));
        } else if (roll < 92) {
            return note("BOM", insert(b, random.nextBoolean() ? 0 : at, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, 1));
        } else if (roll < 95) {
            return note("NUL", insert(b, at, new byte[1], 1));
        } else {
            return note("line repeat", repeatLine(b, at));
        }
    }

    /** Arrays and inline tables, open (and now and then closed), from a few levels to far beyond any stack. */
    private String deep() {
        int[] depths = {5, 31, 32, 33, 100, 2_000, 20_000};
        int depth = depths[random.nextInt(depths.length)];
        String[] openers = {"[", "{a=", "[{a=", "[ ", "[\n"};
        String opener = openers[random.nextInt(openers.length)];
        String closer = opener.startsWith("[{") ? "}]" : opener.startsWith("{") ? "}" : "]";
        String close = random.nextBoolean() ? closer.repeat(depth) : "";
        return (random.nextBoolean() ? "\nx = " : "") + opener.repeat(depth) + (opener.endsWith("=") ? "1" : "") + close;
    }

    /** Random code points, with controls, separators and (as raw bytes) lone surrogates and overlong forms. */
    private byte[] unicode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int n = 1 + random.nextInt(40); n > 0; n--) {
            switch (random.nextInt(6)) {
                case 0 -> out.writeBytes(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}); // a lone surrogate
                case 1 -> out.writeBytes(new byte[] {(byte) 0xc0, (byte) 0xaf}); // an overlong '/'
                case 2 -> out.write(random.nextInt(0x20));
                default -> {
                    int cp = random.nextInt(Character.MAX_CODE_POINT + 1);
                    if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
                        out.writeBytes(utf8(Character.toString(cp)));
                    }
                }
            }
        }
        return out.toByteArray();
    }

    private byte[] repeatLine(byte[] b, int at) {
        int start = at;
        while (start > 0 && b[start - 1] != '\n') {
            start--;
        }
        int end = at;
        while (end < b.length && b[end] != '\n') {
            end++;
        }
        byte[] line = concat(Arrays.copyOfRange(b, start, end), new byte[] {'\n'});
        return insert(b, start, line, 1 + random.nextInt(2000));
    }

    private byte[] note(String what, byte[] result) {
        applied.add(what);
        return result;
    }

    private static byte[] set(byte[] b, int at, byte value) {
        if (at >= b.length) {
            return concat(b, new byte[] {value});
        }
        byte[] r = b.clone();
        r[at] = value;
        return r;
    }

    private static byte[] insert(byte[] b, int at, byte[] what, int times) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + what.length * times);
        out.write(b, 0, at);
        for (int i = 0; i < times && out.size() < MAX_LENGTH; i++) {
            out.writeBytes(what);
        }
        out.write(b, at, b.length - at);
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
