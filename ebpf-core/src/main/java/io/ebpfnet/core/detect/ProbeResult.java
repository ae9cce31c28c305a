package io.ebpfnet.core.detect;

import java.util.Objects;

/**
 * What the kernel did with one probe program.
 *
 * @param feature the kind of program probed
 * @param outcome allowed, refused, or not run at all
 * @param stage   where it was refused: "load" or "attach" (empty otherwise)
 * @param errno   the errno name of the refusal, e.g. "EPERM" (empty when unknown or not refused)
 * @param detail  one sentence: the error, or why the probe did not run (empty when allowed)
 */
public record ProbeResult(FeatureProbe feature, Outcome outcome, String stage, String errno, String detail) {
    /** Whether the program loaded and attached, was refused, or was not tried. */
    public enum Outcome { ALLOWED, REFUSED, NOT_RUN }

    public ProbeResult {
        Objects.requireNonNull(feature, "feature");
        Objects.requireNonNull(outcome, "outcome");
        // Empty rather than null, so reports and reasons never print "null".
        stage = stage == null ? "" : stage;
        errno = errno == null ? "" : errno;
        detail = detail == null ? "" : detail;
    }

    public static ProbeResult allowed(FeatureProbe feature) {
        return new ProbeResult(feature, Outcome.ALLOWED, "", "", "");
    }

    public static ProbeResult refused(FeatureProbe feature, String stage, String errno, String detail) {
        return new ProbeResult(feature, Outcome.REFUSED, stage, errno, detail);
    }

    public static ProbeResult notRun(FeatureProbe feature, String why) {
        return new ProbeResult(feature, Outcome.NOT_RUN, "", "", why);
    }

    public boolean allowed() {
        return outcome == Outcome.ALLOWED;
    }

    /** "allowed", "refused at load (EPERM): …", "not run: …". */
    public String summary() {
        return switch (outcome) {
            case ALLOWED -> "allowed";
            case REFUSED -> "refused at " + stage + (errno.isEmpty() ? "" : " (" + errno + ")")
                    + (detail.isEmpty() ? "" : ": " + detail);
            case NOT_RUN -> "not run: " + detail;
        };
    }
}
