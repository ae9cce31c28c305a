package io.ebpfnet.core.detect;

import java.nio.file.Path;

/** Whether libbpf can parse a kernel BTF file (the live one asks libbpf; tests answer directly). */
@FunctionalInterface
public interface BtfInspector {
    boolean vmlinuxParses(Path vmlinuxBtf);
}
