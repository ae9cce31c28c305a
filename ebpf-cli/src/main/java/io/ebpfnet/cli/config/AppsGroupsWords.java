package io.ebpfnet.cli.config;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of {@code apps_groups.conf} split into words as Netdata's procfile reader splits it for apps.plugin:
 * blanks, tabs, {@code :} and other control characters separate words; a {@code '} or {@code "} that starts a
 * word quotes it up to the same quote character (separators and the other quote inside are kept); a quote
 * inside a word is an ordinary character. Unlike procfile, an unclosed quote ends at the end of its line
 * instead of running on into the next one.
 *
 * @param colonAfterFirst whether a {@code :} separates the first word from the rest
 */
record AppsGroupsWords(List<String> words, boolean colonAfterFirst) {
    static AppsGroupsWords split(String line) {
        List<String> words = new ArrayList<>();
        boolean colon = false;
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (isSeparator(c)) {
                colon |= c == ':' && words.size() == 1;
                i++;
            } else if (c == '\'' || c == '"') {
                int end = line.indexOf(c, i + 1);
                end = end < 0 ? n : end;
                words.add(line.substring(i + 1, end));
                i = Math.min(n, end + 1);
            } else {
                int start = i;
                while (i < n && !isSeparator(line.charAt(i))) {
                    i++;
                }
                words.add(line.substring(start, i));
            }
        }
        return new AppsGroupsWords(words, colon);
    }

    private static boolean isSeparator(char c) {
        return c == ':' || Character.isWhitespace(c) || Character.isISOControl(c);
    }
}
