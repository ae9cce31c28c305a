package io.ebpfnet.core.internal;

import io.ebpfnet.core.BpfException;
import io.ebpfnet.core.internal.libbpf.Elf64_Ehdr;
import io.ebpfnet.core.internal.libbpf.LibbpfBindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Checks with libelf that bytes are a BPF ELF object before libbpf parses them, so that a wrong or
 * truncated resource is reported as such instead of as a libbpf format error.
 */
public final class ElfCheck {
    private static volatile boolean initialised;

    private ElfCheck() {
    }

    /** Throws unless {@code image} is an ELF file for the BPF machine (EM_BPF). */
    public static void requireBpfObject(MemorySegment image, String name) {
        initialise();
        String op = "open BPF object '" + name + "'";
        MemorySegment elf = LibbpfBindings.elf_memory(image, image.byteSize());
        if (elf.equals(MemorySegment.NULL)) {
            throw new BpfException(op, 0, "libelf cannot read it: " + elfError());
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment header = arena.allocate(Elf64_Ehdr.layout());
            if (LibbpfBindings.gelf_getehdr(elf, header).equals(MemorySegment.NULL)) {
                throw new BpfException(op, 0, "it is not an ELF object: " + elfError());
            }
            int machine = Short.toUnsignedInt(Elf64_Ehdr.e_machine(header));
            if (machine != LibbpfBindings.EM_BPF()) {
                throw new BpfException(op, 0, "it is an ELF object for machine " + machine + ", not BPF ("
                        + LibbpfBindings.EM_BPF() + "); it was not compiled with clang -target bpf");
            }
        } finally {
            LibbpfBindings.elf_end(elf);
        }
    }

    private static void initialise() {
        if (!initialised) {
            synchronized (ElfCheck.class) {
                if (!initialised) {
                    // libelf refuses every call until the application states the ELF version it uses.
                    LibbpfBindings.elf_version(LibbpfBindings.EV_CURRENT());
                    initialised = true;
                }
            }
        }
    }

    private static String elfError() {
        MemorySegment msg = LibbpfBindings.elf_errmsg(-1);
        return msg.equals(MemorySegment.NULL) ? "unknown libelf error" : msg.reinterpret(Long.MAX_VALUE).getString(0);
    }
}
