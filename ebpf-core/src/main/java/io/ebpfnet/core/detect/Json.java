package io.ebpfnet.core.detect;

/**
 * JSON string quoting for the hand-written {@link DetectionReport#toJson()}: detection has no JSON
 * library to depend on, and the report is small and flat enough that writing it by hand is clearer.
 */
final class Json {
    private Json() {
    }

    /** {@code s} as a JSON string literal, or {@code null} for a null string. */
    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    // JSON forbids raw control characters; kernel messages can carry them.
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
