package io.ebpfnet.core.detect;

import java.util.List;

/**
 * The chosen attach mode and, step by step, why.
 *
 * @param fellBack true when an explicitly configured mode was refused and another was chosen
 */
public record AttachDecision(AttachMode mode, List<String> reasons, boolean fellBack) {
    /** The reasons as one paragraph. */
    public String explanation() {
        return String.join(" ", reasons);
    }
}
