package io.ebpfnet.core.detect;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectionReportTest {
    @Test
    void textHasEverySection() {
        String text = AttachModeChooserTest.report(true, 0x000001fffeffffffL, Set.of(FeatureProbe.TP_BTF)).toText();
        for (String section : new String[] {"Kernel", "BTF", "Privileges", "Tracefs", "Probes"}) {
            assertTrue(text.lines().anyMatch(l -> l.startsWith(section)), section);
        }
        assertTrue(text.contains("refused at load (EPERM)"), text);
    }

    @Test
    void jsonIsWellFormed() {
        String json = AttachModeChooserTest.report(true, 0x000001fffeffffffL, Set.of(FeatureProbe.TP_BTF)).toJson();
        new JsonChecker(json).checkDocument();
        assertTrue(json.contains("\"probes\":{\"fentry\":{\"outcome\":\"refused\",\"stage\":\"load\",\"errno\":\"EPERM\""), json);
        assertTrue(json.contains("\"cap_bpf\":true"), json);
    }

    /** A minimal recursive-descent JSON validator (no dependency for one test). */
    static final class JsonChecker {
        private final String s;
        private int i;

        JsonChecker(String s) {
            this.s = s;
        }

        void checkDocument() {
            value();
            ws();
            assertEquals(s.length(), i, "trailing text at " + i);
        }

        private void value() {
            ws();
            char c = s.charAt(i);
            if (c == '{') {
                i++;
                ws();
                if (s.charAt(i) == '}') {
                    i++;
                    return;
                }
                do {
                    ws();
                    string();
                    ws();
                    expect(':');
                    value();
                    ws();
                } while (s.charAt(i++) == ',');
                assertEquals('}', s.charAt(i - 1), "object end at " + i);
            } else if (c == '[') {
                i++;
                ws();
                if (s.charAt(i) == ']') {
                    i++;
                    return;
                }
                do {
                    value();
                    ws();
                } while (s.charAt(i++) == ',');
                assertEquals(']', s.charAt(i - 1), "array end at " + i);
            } else if (c == '"') {
                string();
            } else if (s.startsWith("true", i)) {
                i += 4;
            } else if (s.startsWith("false", i)) {
                i += 5;
            } else if (s.startsWith("null", i)) {
                i += 4;
            } else {
                int start = i;
                while (i < s.length() && "+-.eE0123456789".indexOf(s.charAt(i)) >= 0) {
                    i++;
                }
                assertTrue(i > start, "value expected at " + start);
            }
        }

        private void string() {
            expect('"');
            while (s.charAt(i) != '"') {
                if (s.charAt(i) == '\\') {
                    i++;
                }
                assertTrue(s.charAt(i) >= 0x20, "control character in string at " + i);
                i++;
            }
            i++;
        }

        private void expect(char c) {
            assertEquals(c, s.charAt(i), "at " + i);
            i++;
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
