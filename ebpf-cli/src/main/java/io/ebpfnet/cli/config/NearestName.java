package io.ebpfnet.cli.config;

import java.util.List;

/**
 * The valid name an unknown one was probably meant to be, or none. Only a close name is suggested, since a far one
 * misleads: at most {@link #MAX_DISTANCE} edits (and no more than half the name's length), or the same first
 * {@link #MIN_PREFIX} characters. Names are compared in lower-case snake_case, so {@code Update Every} and
 * {@code update_every} both find {@code update every}.
 */
final class NearestName {
    static final int MAX_DISTANCE = 2;
    static final int MIN_PREFIX = 6;

    private NearestName() {
    }

    /** The first of {@code candidates} closest to {@code wanted}, or null when none is close. */
    static String of(String wanted, List<String> candidates) {
        String w = ConfigKey.snake(wanted);
        String best = null;
        int bestScore = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            String c = ConfigKey.snake(candidate);
            int score = Math.abs(w.length() - c.length()) <= MAX_DISTANCE ? distance(w, c) : Integer.MAX_VALUE;
            if (score > Math.min(MAX_DISTANCE, w.length() / 2)) { // "x" is not a typo of "ips"
                score = Integer.MAX_VALUE;
            }
            if (score > MAX_DISTANCE && commonPrefix(w, c) >= Math.min(MIN_PREFIX, c.length())) {
                score = MAX_DISTANCE + 1; // close, but after any name within a few edits
            }
            if (score <= MAX_DISTANCE + 1 && score < bestScore) {
                bestScore = score;
                best = candidate;
            }
        }
        return best;
    }

    private static int commonPrefix(String a, String b) {
        int n = 0;
        while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
            n++;
        }
        return n;
    }

    /** Levenshtein distance; called only for names of about the same length. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
