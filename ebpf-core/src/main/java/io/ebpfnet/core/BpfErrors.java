package io.ebpfnet.core;

import io.ebpfnet.core.detect.Capabilities;
import io.ebpfnet.core.detect.SystemPaths;

import java.util.stream.Collectors;

/**
 * Turns an errno from libbpf or the kernel into the exception a user can act on. The messages say
 * what was refused and what to do about it; the subtypes let callers fall back to another mode.
 */
final class BpfErrors {
    private static final String POLICY = "lockdown or an LSM policy refuses it";

    /** What libbpf prints before the verifier's own log. */
    private static final String VERIFIER_LOG_START = "-- BEGIN PROG LOAD LOG --";

    private BpfErrors() {
    }

    /**
     * What an EPERM or EACCES means for this process: the capabilities it lacks and how to grant them to it
     * alone, or, when it has them, the kernel's {@code policy} (blaming privileges there misleads).
     */
    static String refusal(Capabilities caps, String policy) {
        if (!caps.canLoadBpf()) {
            String missing = caps.missingForBpf().stream().map(Enum::name).collect(Collectors.joining(" and "));
            return "this process lacks " + missing + " (or CAP_SYS_ADMIN), which BPF programs need. " + Capabilities.GRANT_ADVICE;
        }
        return "this process has CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN), so the refusal is the kernel's: " + policy;
    }

    private static String refusal(String policy) {
        return refusal(Capabilities.read(SystemPaths.live()), policy);
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
        if (e == Errno.EAGAIN) {
            // The verifier stops when a signal is pending; libbpf tries five times. SIGPROF and SIGVTALRM
            // (sampling profilers) are held back during loads, so another signal kept coming.
            return new BpfVerifierException(op, errno, "the kernel's verifier was interrupted by a signal on each of libbpf's"
                    + " five attempts: something signals this thread many times a second (a profiler or a timer using"
                    + " a signal other than SIGPROF or SIGVTALRM, which are held back while programs load); stop it"
                    + " while the collector starts", log);
        }
        if (log.contains(VERIFIER_LOG_START)) {
            // The verifier ran and refused (it answers EACCES or EINVAL): the log says why.
            return new BpfVerifierException(op, errno, "the kernel verifier rejected a program", log);
        }
        if (e == Errno.EPERM || e == Errno.EACCES) {
            String msg = refusal("lockdown, an LSM policy, BPF trampolines not allowed, or a program type that needs"
                    + " CAP_NET_ADMIN (cgroup socket programs); choose another attach mode");
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
            String policy = switch (kind) {
                case KPROBE, KRETPROBE, TRACEPOINT -> "kprobes and classic tracepoints attach through perf events and"
                        + " tracefs, which this user may not use here (tracefs readable by root only,"
                        + " kernel.perf_event_paranoid); choose another attach mode";
                case FENTRY, FEXIT -> "BPF trampolines are not allowed here; choose another attach mode";
                case CGROUP_SKB, SOCKOPS, CGROUP_SOCK -> "cgroup programs also need CAP_NET_ADMIN";
                default -> POLICY;
            };
            return new BpfPermissionException(op, errno, refusal(policy));
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
            return new BpfPermissionException(op, errno, refusal(POLICY));
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
            return new BpfPermissionException(op, errno, refusal(POLICY));
        }
        if (e == Errno.E2BIG) {
            return new BpfException(op, errno, "one element's output is larger than the kernel's iterator buffer");
        }
        return new BpfException(op, errno, "");
    }
}
