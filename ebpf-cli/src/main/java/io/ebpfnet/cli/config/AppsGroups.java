package io.ebpfnet.cli.config;

import io.ebpfnet.socket.groups.AppRules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Netdata's {@code apps_groups.conf}, read as apps.plugin reads it: lines {@code group: pattern pattern …},
 * tried in file order, the first matching group winning. Words are separated by blanks and {@code :};
 * a word in single or double quotes keeps its blanks ({@code '*aws s3*'}); a word starting with {@code #}
 * ends the line. Patterns: {@code name} equals the command name; {@code name*} starts it; {@code *name} ends
 * it; {@code *name*} is searched in the whole command line. A pattern already given (by any group) is
 * ignored, as apps.plugin ignores it. A group whose name, or whose first pattern on the line that first
 * names it, starts with {@code -} is hidden: its processes are its own (counted, not inherited by another
 * group), but it is not shown (see {@link #isHidden}). A leading {@code +} (apps.plugin's debugging) is ignored.
 */
public final class AppsGroups implements AppRules {
    /** One pattern of one group. */
    record Pattern(String group, String text, Kind kind) {
        enum Kind { EXACT, PREFIX, SUFFIX, CMDLINE }

        boolean matches(String comm, String cmdline) {
            return switch (kind) {
                case EXACT -> comm.equals(text);
                case PREFIX -> comm.startsWith(text);
                case SUFFIX -> comm.endsWith(text);
                case CMDLINE -> cmdline.contains(text) || comm.contains(text);
            };
        }
    }

    private final List<Pattern> patterns;
    private final Set<String> groups;
    private final Set<String> hidden;

    private AppsGroups(List<Pattern> patterns, Set<String> groups, Set<String> hidden) {
        this.patterns = patterns;
        this.groups = groups;
        this.hidden = hidden;
    }

    /** Parses the file's text; {@code source} names it in errors. */
    public static AppsGroups parse(String text, String source) {
        List<Pattern> patterns = new ArrayList<>();
        Set<String> groups = new LinkedHashSet<>();
        Set<String> hidden = new HashSet<>();
        Set<String> ids = new HashSet<>();
        String[] lines = text.split("\r\n|\r|\n");
        for (int i = 0; i < lines.length; i++) {
            AppsGroupsWords line = AppsGroupsWords.split(lines[i]);
            List<String> words = line.words();
            if (words.isEmpty() || words.getFirst().isEmpty() || words.getFirst().startsWith("#")) {
                continue;
            }
            if (!line.colonAfterFirst()) {
                String shown = lines[i].strip();
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": " + Quoted.of(shown) + " is not 'group: pattern …'");
            }
            String name = words.getFirst();
            int skip = 0;
            while (skip < name.length() && (name.charAt(skip) == '-' || name.charAt(skip) == '+')) {
                skip++;
            }
            boolean hiddenName = name.substring(0, skip).indexOf('-') >= 0;
            String group = name.substring(skip);
            if (group.isEmpty()) {
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": '" + Quoted.cut(name) + "' is not a group name");
            }
            boolean first = true;
            for (String word : words.subList(1, words.size())) {
                if (word.startsWith("#")) {
                    break;
                }
                if (word.isEmpty()) {
                    continue;
                }
                Parsed p = Parsed.of(word);
                if (!ids.add(p.id)) {
                    continue; // apps.plugin keeps the first definition of a pattern
                }
                if (first && groups.add(group) && (hiddenName || p.hidden)) {
                    hidden.add(group); // the line that creates the group decides, as in apps.plugin
                }
                first = false;
                patterns.add(new Pattern(group, p.id, p.kind));
            }
        }
        return new AppsGroups(List.copyOf(patterns), Set.copyOf(groups), Set.copyOf(hidden));
    }

    /** A pattern word: trailing {@code *} (prefix), then leading {@code -} (hidden), {@code +}, {@code *} (suffix) in any order. */
    private record Parsed(String id, Pattern.Kind kind, boolean hidden) {
        static Parsed of(String word) {
            boolean prefix = word.endsWith("*");
            String id = prefix ? word.substring(0, word.length() - 1) : word;
            boolean suffix = false;
            boolean hidden = false;
            int i = 0;
            for (; i < id.length() && "-+*".indexOf(id.charAt(i)) >= 0; i++) {
                hidden |= id.charAt(i) == '-';
                suffix |= id.charAt(i) == '*';
            }
            id = id.substring(i);
            Pattern.Kind kind = prefix && suffix ? Pattern.Kind.CMDLINE : prefix ? Pattern.Kind.PREFIX
                    : suffix ? Pattern.Kind.SUFFIX : Pattern.Kind.EXACT;
            return new Parsed(id, kind, hidden);
        }
    }

    /** The built-in groups, used when no file is configured and Netdata's directories have none. */
    public static AppsGroups defaults() {
        try (var in = AppsGroups.class.getResourceAsStream(BUILT_IN)) {
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "apps_groups.conf (built in)");
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("the built-in apps_groups.conf is missing from the jar", e);
        }
    }

    /** The built-in file's resource name. */
    public static final String BUILT_IN = "/io/ebpfnet/cli/config/apps_groups.conf";

    /** The group whose pattern matches first, or null. */
    @Override
    public String match(String comm, String cmdline) {
        for (Pattern p : patterns) {
            if (p.matches(comm, cmdline)) {
                return p.group();
            }
        }
        return null;
    }

    /** Whether {@code group} is hidden ({@code -name:}, or a first pattern {@code -pattern}). */
    public boolean isHidden(String group) {
        return hidden.contains(group);
    }

    /** Whether any group is hidden. */
    public boolean hasHidden() {
        return !hidden.isEmpty();
    }

    /** The groups the file defines (that have at least one pattern). */
    public Set<String> groups() {
        return groups;
    }
}
