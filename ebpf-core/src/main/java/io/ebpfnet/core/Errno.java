package io.ebpfnet.core;

import java.util.HashMap;
import java.util.Map;

/**
 * Linux error numbers that BPF syscalls and libbpf return, with their symbolic names.
 *
 * <p>libbpf (1.0 and later) returns {@code -errno} from its int functions and sets {@code errno}
 * for the ones returning pointers; both end up here. Codes from 4000 are libbpf's own.
 */
public enum Errno {
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    ESRCH(3, "No such process"),
    EINTR(4, "Interrupted system call"),
    EIO(5, "Input/output error"),
    E2BIG(7, "Argument list too long"),
    ENOEXEC(8, "Exec format error"),
    EBADF(9, "Bad file descriptor"),
    EAGAIN(11, "Resource temporarily unavailable"),
    ENOMEM(12, "Cannot allocate memory"),
    EACCES(13, "Permission denied"),
    EFAULT(14, "Bad address"),
    EBUSY(16, "Device or resource busy"),
    EEXIST(17, "File exists"),
    ENODEV(19, "No such device"),
    EINVAL(22, "Invalid argument"),
    ENFILE(23, "Too many open files in system"),
    EMFILE(24, "Too many open files"),
    ENOSPC(28, "No space left on device"),
    ERANGE(34, "Numerical result out of range"),
    ENOSYS(38, "Function not implemented"),
    ELOOP(40, "Too many levels of symbolic links"),
    ENODATA(61, "No data available"),
    EPROTO(71, "Protocol error"),
    EBADMSG(74, "Bad message"),
    EOVERFLOW(75, "Value too large for defined data type"),
    EOPNOTSUPP(95, "Operation not supported"),
    ENOTSUPP(524, "Operation is not supported (kernel-internal ENOTSUPP)"),
    LIBBPF_ERRNO__LIBELF(4000, "Something wrong in libelf"),
    LIBBPF_ERRNO__FORMAT(4001, "BPF object format invalid"),
    LIBBPF_ERRNO__KVERSION(4002, "'version' section incorrect or lost"),
    LIBBPF_ERRNO__ENDIAN(4003, "Endian mismatch"),
    LIBBPF_ERRNO__INTERNAL(4004, "Internal error in libbpf"),
    LIBBPF_ERRNO__RELOC(4005, "Relocation failed"),
    LIBBPF_ERRNO__LOAD(4006, "Load BPF program failed"),
    LIBBPF_ERRNO__VERIFY(4007, "Kernel verifier blocks program loading"),
    LIBBPF_ERRNO__PROG2BIG(4008, "Program too big"),
    LIBBPF_ERRNO__KVER(4009, "Incorrect kernel version"),
    LIBBPF_ERRNO__PROGTYPE(4010, "Kernel doesn't support this program type"),
    LIBBPF_ERRNO__WRNGPID(4011, "Wrong pid in netlink message"),
    LIBBPF_ERRNO__INVSEQ(4012, "Invalid netlink sequence"),
    LIBBPF_ERRNO__NLPARSE(4013, "Incorrect netlink message parsing");

    private static final Map<Integer, Errno> BY_CODE = new HashMap<>();

    static {
        for (Errno e : values()) {
            BY_CODE.put(e.code, e);
        }
    }

    private final int code;
    private final String description;

    Errno(int code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The positive error number. */
    public int code() {
        return code;
    }

    /** The C library's description, e.g. "Operation not permitted". */
    public String description() {
        return description;
    }

    /** The constant for {@code code} (sign ignored), or null when it is not one we name. */
    public static Errno of(int code) {
        return BY_CODE.get(Math.abs(code));
    }

    /** "EPERM" for 1, "errno 1234" for a code we do not name. */
    public static String nameOf(int code) {
        Errno e = of(code);
        return e != null ? e.name() : "errno " + Math.abs(code);
    }
}
