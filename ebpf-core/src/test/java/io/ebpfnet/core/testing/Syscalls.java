package io.ebpfnet.core.testing;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/** Makes exactly one syscall per call, so BPF counters can be checked against a known number. */
public final class Syscalls {
    private static final MethodHandle GETPPID = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("getppid").orElseThrow(), FunctionDescriptor.of(JAVA_INT));

    private Syscalls() {
    }

    /** Calls getppid(2) {@code times} times. */
    public static void getppid(int times) {
        try {
            for (int i = 0; i < times; i++) {
                int ignored = (int) GETPPID.invokeExact();
            }
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
