package io.ebpfnet.core;

/** The kernel lacks what was asked for (no kprobes, no such tracepoint, no batch operations…). */
public class BpfUnsupportedException extends BpfException {
    private static final long serialVersionUID = 1L;

    public BpfUnsupportedException(String operation, int errno, String message) {
        super(operation, errno, message);
    }
}
