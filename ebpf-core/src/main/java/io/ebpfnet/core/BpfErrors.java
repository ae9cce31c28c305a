package io.ebpfnet.core;

/**
 * Turns an errno from libbpf or the kernel into the exception a user can act on. The messages say
 * what was refused and what to do about it; the subtypes let callers fall back to another mode.
 */
public final class BpfErrors {
    private static final String CAPABILITIES =
            "loading BPF programs needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN), for example by running as root";

    /** What libbpf prints before the verifier's own log. */
    private static final String VERIFIER_LOG_START = "-- BEGIN PROG LOAD LOG --";

    private BpfErrors() {
    }

    /** Opening (parsing) an object failed. */
    public static BpfException open(String objectName, int errno, String log) {
        String op = "open BPF object '" + objectName + "'";
        return new BpfException(op, errno,
                "libbpf could not parse the object; it is damaged or uses features this libbpf lacks. Rebuild the project"
                        + (log.isBlank() ? "" : "\n" + log.strip()));
    }

    /** Loading (verifying) the object failed; {@code log} is what libbpf and the verifier printed. */
    public static BpfException load(String objectName, int errno, String log) {
        String op = "load BPF object '" + objectName + "'";
        Errno e = Errno.of(errno);
        if (log.contains(VERIFIER_LOG_START)) {
            // The verifier ran and refused (it answers EACCES or EINVAL): the log says why.
            return new BpfVerifierException(op, errno, "the kernel verifier rejected a program", log);
        }
        if (e == Errno.EPERM || e == Errno.EACCES) {
            String msg = CAPABILITIES + ". If the process already has them, the kernel's policy refuses this program type"
                    + " (lockdown, or BPF trampolines not allowed): choose another attach mode";
            return new BpfPermissionException(op, errno, msg + (log.isBlank() ? "" : "\n" + log.strip()));
        }
        if (e == Errno.ENOMEM) {
            return new BpfVerifierException(op, errno,
                    "the kernel could not allocate the maps or programs; lower the table sizes or raise RLIMIT_MEMLOCK"
                            + " (kernels before 5.11 account BPF memory there)", log);
        }
        if (e == Errno.ESRCH || e == Errno.ENOENT) {
            return new BpfUnsupportedException(op, errno,
                    "a kernel function, tracepoint or type the programs need is missing from this kernel (or its BTF);"
                            + " choose another attach mode" + (log.isBlank() ? "" : "\n" + log.strip()));
        }
        if (e == Errno.EOPNOTSUPP || e == Errno.ENOTSUPP || e == Errno.LIBBPF_ERRNO__PROGTYPE) {
            return new BpfUnsupportedException(op, errno,
                    "this kernel does not support one of the program or map types; choose another attach mode");
        }
        return new BpfVerifierException(op, errno, "the kernel rejected the programs", log);
    }

    /** Attaching a program failed. */
    public static BpfException attach(String program, ProgramKind kind, String target, int errno) {
        String op = "attach " + kind.name().toLowerCase(java.util.Locale.ROOT) + " program '" + program + "' to " + target;
        Errno e = Errno.of(errno);
        if (e == Errno.EPERM || e == Errno.EACCES) {
            return new BpfPermissionException(op, errno, CAPABILITIES);
        }
        if (e == Errno.ENOENT || e == Errno.ENODEV || e == Errno.EOPNOTSUPP || e == Errno.ENOTSUPP
                || e == Errno.ESRCH || e == Errno.ENOSYS) {
            String why = switch (kind) {
                case KPROBE, KRETPROBE -> "the kernel has no kprobe support (CONFIG_KPROBES is off)"
                        + " or '" + target + "' cannot be probed; use the trampoline or tracepoint mode";
                case TRACEPOINT -> "tracepoint '" + target + "' was not found; it needs tracefs mounted"
                        + " (mount -t tracefs none /sys/kernel/tracing) and a kernel that has the event";
                case FENTRY, FEXIT -> "the kernel cannot attach a BPF trampoline to '" + target + "'";
                case TP_BTF, RAW_TRACEPOINT -> "the kernel has no raw tracepoint '" + target + "'";
                case CGROUP_SKB, SOCKOPS, CGROUP_SOCK -> "the cgroup v2 directory '" + target
                        + "' cannot take BPF programs (is it a cgroup v2 mount?)";
                case ITERATOR -> "the kernel has no BPF iterator for " + target + " (map iterators need Linux 5.9+)";
                case OTHER -> "the kernel does not support this attachment";
            };
            return new BpfUnsupportedException(op, errno, why);
        }
        return new BpfException(op, errno, "the kernel refused the attachment");
    }

    /** A map operation failed for another reason than "no such key". */
    public static BpfException map(String operation, String mapName, int errno) {
        String op = operation + " on map '" + mapName + "'";
        Errno e = Errno.of(errno);
        if (e == Errno.E2BIG || e == Errno.ENOSPC) {
            return new BpfException(op, errno, "the map is full; raise its table size");
        }
        if (e == Errno.EPERM || e == Errno.EACCES) {
            return new BpfPermissionException(op, errno, CAPABILITIES);
        }
        if (e == Errno.EINVAL || e == Errno.EOPNOTSUPP || e == Errno.ENOTSUPP) {
            return new BpfUnsupportedException(op, errno, "the kernel does not support this operation on this map type");
        }
        return new BpfException(op, errno, "");
    }

    /** Creating or reading a BPF iterator failed. */
    public static BpfException iterator(String program, String stage, int errno) {
        String op = stage + " iterator '" + program + "'";
        Errno e = Errno.of(errno);
        if (e == Errno.EPERM || e == Errno.EACCES) {
            return new BpfPermissionException(op, errno, CAPABILITIES);
        }
        if (e == Errno.E2BIG) {
            return new BpfException(op, errno, "one element's output is larger than the kernel's iterator buffer");
        }
        return new BpfException(op, errno, "");
    }
}
