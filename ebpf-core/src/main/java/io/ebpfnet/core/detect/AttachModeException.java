package io.ebpfnet.core.detect;

import java.util.List;

/**
 * No usable attach mode: the configured one is refused (and fallback is off), or the kernel allows
 * none. The message says what was refused and what to do; {@link #reasons()} has each step.
 */
public class AttachModeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> reasons;

    /**
     * @param message the whole explanation, reasons and advice included
     * @param reasons one sentence per step of the choice, in order
     */
    public AttachModeException(String message, List<String> reasons) {
        super(message);
        this.reasons = List.copyOf(reasons);
    }

    /** Each step of the choice, one sentence each, in order. */
    public List<String> reasons() {
        return reasons;
    }
}
