package io.ebpfnet.core;

/**
 * A BPF operation failed. Carries the errno (positive, 0 when there is none), the operation that
 * failed, and a message that says what to do about it.
 *
 * <p>Subtypes exist where a caller acts differently: {@link BpfPermissionException} (capabilities
 * or kernel policy), {@link BpfUnsupportedException} (the kernel lacks a feature: pick another
 * attach mode), {@link BpfVerifierException} (the program was rejected; the log is attached) and
 * {@link NativeLibraryException} (libbpf or libelf missing or too old).
 */
public class BpfException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String operation;

    public BpfException(String operation, int errno, String message) {
        this(operation, errno, message, null);
    }

    public BpfException(String operation, int errno, String message, Throwable cause) {
        super(format(operation, errno, message), cause);
        this.operation = operation;
        this.errno = Math.abs(errno);
    }

    /** The positive errno, or 0 when the failure had none. */
    public int errno() {
        return errno;
    }

    /** "EPERM" and so on; empty when there is no errno. */
    public String errnoName() {
        return errno == 0 ? "" : Errno.nameOf(errno);
    }

    /** What was being done, e.g. "load BPF object 'socket'". */
    public String operation() {
        return operation;
    }

    private static String format(String operation, int errno, String message) {
        StringBuilder sb = new StringBuilder();
        sb.append(operation).append(" failed");
        if (errno != 0) {
            Errno e = Errno.of(errno);
            sb.append(" (").append(Errno.nameOf(errno));
            if (e != null) {
                sb.append(": ").append(e.description());
            }
            sb.append(')');
        }
        if (message != null && !message.isEmpty()) {
            sb.append(": ").append(message);
        }
        return sb.toString();
    }
}
