package io.ebpfnet.core;

/** The kernel refused for lack of privilege (EPERM, EACCES): missing capabilities or kernel policy. */
public class BpfPermissionException extends BpfException {
    private static final long serialVersionUID = 1L;

    public BpfPermissionException(String operation, int errno, String message) {
        super(operation, errno, message);
    }
}
