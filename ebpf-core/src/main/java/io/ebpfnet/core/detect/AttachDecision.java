package io.ebpfnet.core.detect;

import java.util.List;
import java.util.Objects;

/**
 * The chosen attach mode and, step by step, why.
 *
 * @param mode     the mode to attach with
 * @param reasons  one sentence per step, in order; the last says why {@code mode} was chosen, or
 *                 (after a fallback) starts with "warning:"
 * @param fellBack true when an explicitly configured mode was refused and another was chosen
 */
public record AttachDecision(AttachMode mode, List<String> reasons, boolean fellBack) {
    public AttachDecision {
        Objects.requireNonNull(mode, "mode");
        reasons = List.copyOf(reasons);
    }

    /** The reasons as one paragraph. */
    public String explanation() {
        return String.join(" ", reasons);
    }
}
