package io.ebpfnet.core.detect;

/**
 * What the kernel did with one probe program.
 *
 * @param stage  where it was refused: "load" or "attach" (empty otherwise)
 * @param errno  the errno name of the refusal, e.g. "EPERM" (empty otherwise)
 * @param detail one sentence: the error, or why the probe did not run
 */
public record ProbeResult(FeatureProbe feature, Outcome outcome, String stage, String errno, String detail) {
    public enum Outcome { ALLOWED, REFUSED, NOT_RUN }

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
