package io.ebpfnet.core.detect;

/** Loads and attaches a probe program of one kind; {@code io.ebpfnet.core.LiveFeatureProber} does it for real. */
@FunctionalInterface
public interface FeatureProber {
    ProbeResult probe(FeatureProbe feature);
}
