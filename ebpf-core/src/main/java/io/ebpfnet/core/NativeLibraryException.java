package io.ebpfnet.core;

/** libbpf or libelf cannot be used: missing, too old, or native access is not enabled. */
public class NativeLibraryException extends BpfException {
    private static final long serialVersionUID = 1L;

    public NativeLibraryException(String message) {
        super("load native libraries", 0, message);
    }

    public NativeLibraryException(String message, Throwable cause) {
        super("load native libraries", 0, message, cause);
    }
}
