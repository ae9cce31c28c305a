package io.ebpfnet.core.detect;

import java.util.List;

/** No usable attach mode: the configured one is refused (and fallback is off), or the kernel allows none. */
public class AttachModeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> reasons;

    public AttachModeException(String message, List<String> reasons) {
        super(message + " " + String.join(" ", reasons));
        this.reasons = List.copyOf(reasons);
    }

    public List<String> reasons() {
        return reasons;
    }
}
