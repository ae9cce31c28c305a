package io.ebpfnet.cli.prometheus;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PrometheusTextTest {
    @Test
    void labelValuesAreEscaped() {
        // A command name can contain anything a process chose to call itself.
        assertEquals("a\\\\b\\\"c\\nd", PrometheusText.escape("a\\b\"c\nd"));
        assertEquals("nginx: worker", PrometheusText.escape("nginx: worker"));
    }
}
