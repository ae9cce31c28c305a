package io.ebpfnet.cli.config;

/** Text taken from a file, made fit for a one-line message: control characters escaped, long text cut. */
final class Quoted {
    /** Enough to recognise a value or a key; a whole 1 MB line would drown the message. */
    static final int MAX_CHARS = 60;
    /** Room for a long path and a cut value, not for a whole file. */
    static final int MAX_MESSAGE = 1000;

    private Quoted() {
    }

    /** {@code s} in single quotes, cut to {@link #MAX_CHARS} characters, on one line. */
    static String of(String s) {
        return "'" + cut(s) + "'";
    }

    /** {@code s} cut to {@link #MAX_CHARS} characters, on one line. */
    static String cut(String s) {
        return oneLine(s.length() > MAX_CHARS ? s.substring(0, MAX_CHARS - 3) + "..." : s);
    }

    /** A whole message, on one line and at most {@link #MAX_MESSAGE} characters, whatever a file put in it. */
    static String message(String s) {
        String one = oneLine(s);
        return one.length() > MAX_MESSAGE ? one.substring(0, MAX_MESSAGE - 3) + "..." : one;
    }

    /** {@code s} with line breaks and other control characters written as {@code \n}, {@code \u0001}, … */
    static String oneLine(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean breaks = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (breaks && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (!breaks) {
                    b.append(c);
                } else if (c == '\n') {
                    b.append("\\n");
                } else if (c == '\t') {
                    b.append("\\t");
                } else {
                    b.append(String.format("\\u%04x", (int) c));
                }
            }
        }
        return b == null ? s : b.toString();
    }
}
