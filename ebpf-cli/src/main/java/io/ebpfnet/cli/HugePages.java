package io.ebpfnet.cli;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Ends the collector's use of transparent huge pages once it has started. The launchers ask glibc for them
 * ({@code GLIBC_TUNABLES=glibc.malloc.hugetlb=1}) for the start's BTF parses, which then fault a few 2 MB
 * pages instead of thousands of small ones. After the start they only cost memory: the kernel's khugepaged
 * (every 10 s by default) fills the C heap's trimmed holes back into whole huge pages, up to ~10 MB of RSS
 * that the heap does not use (measured: RSS 53 MB between its runs, 60-64 MB after each).
 */
final class HugePages {
    private static final int PR_SET_THP_DISABLE = 41; // linux/prctl.h, Linux 3.15+

    private HugePages() {
    }

    /**
     * No more transparent huge pages for this process ({@code prctl(PR_SET_THP_DISABLE)}): none at page faults,
     * none made by khugepaged; those already mapped are split where the heap's trim returns part of them.
     * Returns false where the call failed or is not available (then nothing changes).
     */
    static boolean endForProcess() {
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find("prctl").map(prctl -> {
            // int prctl(int option, ...): variadic, its further arguments unsigned longs.
            MethodHandle call = linker.downcallHandle(prctl, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                    Linker.Option.firstVariadicArg(1));
            try {
                return (int) call.invokeExact(PR_SET_THP_DISABLE, 1L, 0L, 0L, 0L) == 0;
            } catch (Throwable e) {
                throw new AssertionError("prctl", e); // a downcall of this shape throws nothing
            }
        }).orElse(false);
    }
}
