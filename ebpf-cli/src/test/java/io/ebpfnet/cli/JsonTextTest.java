package io.ebpfnet.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonTextTest {
    @Test
    void quotesAndEscapesSoTheTextRoundTrips() {
        String nasty = "say \"hi\" \\ path\nnext\tline\r\b\f\u0001\u001f é ✓";
        String quoted = JsonText.quote(nasty);
        assertEquals("\"say \\\"hi\\\" \\\\ path\\nnext\\tline\\r\\b\\f\\u0001\\u001f é ✓\"", quoted);
        assertEquals(nasty, JsonParser.parse(quoted));
    }

    @Test
    void nullIsJsonNull() {
        assertEquals("null", JsonText.quote(null));
    }

    @Test
    void theCheckerRejectsWhatJsonForbids() {
        for (String bad : new String[] {"{\"a\":1,}", "{\"a\":\"x\ny\"}", "{\"a\":1}x", "{\"a\":1,\"a\":2}", "[01]", "\"\\q\""}) {
            assertThrows(IllegalArgumentException.class, () -> JsonParser.parse(bad), bad);
        }
    }
}
