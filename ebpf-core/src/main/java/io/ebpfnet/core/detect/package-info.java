/**
 * What the running kernel is and allows, and the attach mode to use. A
 * {@link io.ebpfnet.core.detect.DetectionReport} holds the release, config flags, BTF, capabilities,
 * tracefs and the outcome of loading and attaching a real program of each kind
 * ({@link io.ebpfnet.core.detect.FeatureProbe}); {@link io.ebpfnet.core.detect.AttachModeChooser} turns an
 * {@link io.ebpfnet.core.detect.AttachRequest} (the best mode, or exactly one) into an
 * {@link io.ebpfnet.core.detect.AttachDecision} with its reasons, never choosing a mode the kernel refused.
 */
package io.ebpfnet.core.detect;
