package io.ebpfnet.cli;

/**
 * Text from the system (cgroup, service, application and command names) made safe inside a quoted field of
 * Netdata's plugin protocol. The agent splits a line into words at spaces, a word in single or double
 * quotes runs to the matching quote, a backslash escapes the next character, and a line ends the
 * command: a name with any of those would shift the fields after it (units, family, context) or start a
 * command of its own. Each such character becomes '_'.
 */
final class NetdataText {
    private NetdataText() {
    }

    static String quotable(String text) {
        StringBuilder safe = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"' || c == '\\' || Character.isISOControl(c)) {
                if (safe == null) {
                    safe = new StringBuilder(text);
                }
                safe.setCharAt(i, '_');
            }
        }
        return safe == null ? text : safe.toString();
    }
}
