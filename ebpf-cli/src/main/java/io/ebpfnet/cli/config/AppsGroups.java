package io.ebpfnet.cli.config;

import io.ebpfnet.socket.groups.AppRules;

import java.util.ArrayList;
import java.util.List;

/**
 * Netdata's {@code apps_groups.conf}: lines {@code group: pattern pattern …}, tried in file order,
 * the first matching group winning. Patterns, as in Netdata:
 * {@code name} equals the command name; {@code name*} starts it; {@code *name} ends it;
 * {@code *name*} is searched in the whole command line. A group whose name starts with {@code -} is
 * hidden (its processes are counted, but not shown as a group of their own).
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
    private final List<String> hidden;

    private AppsGroups(List<Pattern> patterns, List<String> hidden) {
        this.patterns = patterns;
        this.hidden = hidden;
    }

    /** Parses the file's text; {@code source} names it in errors. */
    public static AppsGroups parse(String text, String source) {
        List<Pattern> patterns = new ArrayList<>();
        List<String> hidden = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                // Cut: a long line would make a message longer than anyone reads.
                String shown = line.length() > 60 ? line.substring(0, 57) + "..." : line;
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": '" + shown + "' is not 'group: pattern …'");
            }
            String group = line.substring(0, colon).strip();
            if (group.startsWith("-")) {
                group = group.substring(1);
                hidden.add(group);
            }
            for (String p : line.substring(colon + 1).strip().split("\\s+")) {
                if (!p.isEmpty()) {
                    patterns.add(pattern(group, p));
                }
            }
        }
        return new AppsGroups(List.copyOf(patterns), List.copyOf(hidden));
    }

    /** The built-in groups, used when no file is configured. */
    public static AppsGroups defaults() {
        try (var in = AppsGroups.class.getResourceAsStream("/io/ebpfnet/cli/config/apps_groups.conf")) {
            return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), "apps_groups.conf (built in)");
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("the built-in apps_groups.conf is missing from the jar", e);
        }
    }

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

    /** Whether {@code group} was declared hidden ({@code -name:}). */
    public boolean isHidden(String group) {
        return hidden.contains(group);
    }

    private static Pattern pattern(String group, String p) {
        boolean start = p.startsWith("*");
        boolean end = p.endsWith("*") && p.length() > 1;
        String text = p.substring(start ? 1 : 0, p.length() - (end ? 1 : 0));
        Pattern.Kind kind = start && end ? Pattern.Kind.CMDLINE : start ? Pattern.Kind.SUFFIX : end ? Pattern.Kind.PREFIX
                : Pattern.Kind.EXACT;
        return new Pattern(group, text, kind);
    }
}
