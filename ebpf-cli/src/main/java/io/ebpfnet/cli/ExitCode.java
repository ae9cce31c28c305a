package io.ebpfnet.cli;

/** The CLI's exit codes; {@code --help} lists them. */
public enum ExitCode {
    /**
     * Finished normally, or stopped after detaching everything by SIGINT, SIGTERM or SIGHUP, or by the
     * reader of standard output going away (see {@link OutputFailure}).
     */
    OK(0, "ok"),
    /** Something failed while running (a map read, a write to standard output other than to a reader that left). */
    RUNTIME_ERROR(1, "runtime error"),
    /** Bad command line or configuration file, found before anything touched the kernel; nothing was loaded. */
    USAGE(2, "usage or configuration error"),
    /** The process lacks CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN): run as root. */
    MISSING_PRIVILEGES(3, "missing privileges (CAP_BPF, CAP_PERFMON)"),
    /** The kernel allows none of the attach modes, or not the one asked for. */
    KERNEL_UNSUPPORTED(4, "kernel not supported");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    /** What the code means, as --help lists it. */
    public String meaning() {
        return meaning;
    }
}
