package io.ebpfnet.cli.charts;

/** Chart units as Netdata shows them, with the factor from the counter's own unit (events or bytes). */
public enum Unit {
    CALLS_PER_SECOND("calls/s", 1.0),
    CONNECTIONS_PER_SECOND("connections/s", 1.0),
    /** bytes × 8 / 1000. */
    KILOBITS_PER_SECOND("kilobits/s", 8.0 / 1000.0);

    private final String text;
    private final double factor;

    Unit(String text, double factor) {
        this.text = text;
        this.factor = factor;
    }

    /** "calls/s", "connections/s", "kilobits/s". */
    public String text() {
        return text;
    }

    /** Converts a per-second rate of the source counter into this unit. */
    public double convert(double perSecond) {
        return perSecond * factor;
    }
}
