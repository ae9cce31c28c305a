package io.ebpfnet.core;

/** Loading failed; {@link #log()} holds what libbpf and the kernel verifier printed. */
public class BpfVerifierException extends BpfException {
    private static final long serialVersionUID = 1L;

    private final String log;

    public BpfVerifierException(String operation, int errno, String message, String log) {
        super(operation, errno, message + (log.isBlank() ? "" : "\n--- libbpf / verifier log ---\n" + log.strip()));
        this.log = log;
    }

    /** The libbpf and verifier output captured while loading; may be empty. */
    public String log() {
        return log;
    }
}
