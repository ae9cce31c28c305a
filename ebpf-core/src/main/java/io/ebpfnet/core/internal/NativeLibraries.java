package io.ebpfnet.core.internal;

import io.ebpfnet.core.NativeLibraryException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Finds libbpf and libelf by soname before any generated binding touches them, so that a missing or
 * old library, or native access that is not enabled, gives a sentence naming the fix instead of an
 * {@code ExceptionInInitializerError} from the generated class.
 */
public final class NativeLibraries {
    public static final String LIBBPF = "libbpf.so.1";
    public static final String LIBELF = "libelf.so.1";

    private static volatile SymbolLookup libbpf;

    private NativeLibraries() {
    }

    /** The lookup over libbpf, libelf and libc; checks everything on first use. */
    public static SymbolLookup lookup() {
        SymbolLookup l = libbpf;
        if (l == null) {
            synchronized (NativeLibraries.class) {
                l = libbpf;
                if (l == null) {
                    l = check();
                    // Before any other call into libbpf: its messages go to LibbpfLog, never straight to stderr.
                    LibbpfLog.install();
                    libbpf = l;
                    BindingWarmUp.start();
                }
            }
        }
        return l;
    }

    /** Ensures libbpf and libelf are present, new enough and callable. */
    public static void ensureAvailable() {
        lookup();
    }

    /** The flag that enables native access for the module this class is in. */
    public static String nativeAccessFlag() {
        Module module = NativeLibraries.class.getModule();
        return "--enable-native-access=" + (module.isNamed() ? module.getName() : "ALL-UNNAMED");
    }

    private static SymbolLookup check() {
        Module module = NativeLibraries.class.getModule();
        if (!module.isNativeAccessEnabled()) {
            throw new NativeLibraryException("native access is not enabled for ebpfnet. Add " + nativeAccessFlag()
                    + " to the java command line (or 'Enable-Native-Access: ALL-UNNAMED' to the manifest of an executable jar)");
        }
        SymbolLookup bpf;
        SymbolLookup elf;
        try {
            bpf = SymbolLookup.libraryLookup(LIBBPF, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new NativeLibraryException(LIBBPF + " (libbpf 1.0 or newer) was not found. Install it:"
                    + " Debian/Ubuntu 'apt-get install libbpf1', RHEL/Fedora 'dnf install libbpf'", e);
        } catch (IllegalCallerException e) {
            throw new NativeLibraryException("native access is denied. Add " + nativeAccessFlag() + " to the java command line", e);
        }
        try {
            elf = SymbolLookup.libraryLookup(LIBELF, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new NativeLibraryException(LIBELF + " was not found. Install it:"
                    + " Debian/Ubuntu 'apt-get install libelf1', RHEL/Fedora 'dnf install elfutils-libelf'", e);
        }
        int major = callIntNoArgs(bpf, "libbpf_major_version");
        int minor = callIntNoArgs(bpf, "libbpf_minor_version");
        if (major < 1) {
            throw new NativeLibraryException("libbpf " + major + "." + minor + " is too old; ebpfnet needs libbpf 1.0 or newer"
                    + " (Debian 12+/Ubuntu 22.10+ 'libbpf1', RHEL 9 'libbpf')");
        }
        return bpf.or(elf).or(Linker.nativeLinker().defaultLookup());
    }

    private static int callIntNoArgs(SymbolLookup lookup, String name) {
        MemorySegment fn = lookup.find(name).orElseThrow(() -> new NativeLibraryException(
                LIBBPF + " has no symbol " + name + "; it is older than libbpf 1.0. Install libbpf 1.0 or newer"));
        MethodHandle mh = Linker.nativeLinker().downcallHandle(fn, FunctionDescriptor.of(ValueLayout.JAVA_INT));
        try {
            return (int) mh.invokeExact();
        } catch (Throwable t) {
            throw new NativeLibraryException("calling " + name + " failed", t);
        }
    }
}
