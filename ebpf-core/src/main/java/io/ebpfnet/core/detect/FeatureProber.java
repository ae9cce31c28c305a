package io.ebpfnet.core.detect;

/**
 * Loads and attaches one trivial program of a kind and reports what the kernel did. The live
 * implementation ({@code io.ebpfnet.core.LiveFeatureProber}) really does it; tests answer directly,
 * so detection logic is tested without privileges.
 */
@FunctionalInterface
public interface FeatureProber {
    /** Tries {@code feature}; reports refusals as a result rather than throwing. */
    ProbeResult probe(FeatureProbe feature);
}
