package io.ebpfnet.core.detect;

import java.nio.file.Path;

/**
 * Whether libbpf can parse a kernel BTF file. A present but unparsable {@code vmlinux} is as good as
 * none for CO-RE, so presence alone is not enough. The live implementation asks libbpf; tests answer
 * directly.
 */
@FunctionalInterface
public interface BtfInspector {
    /** True when libbpf parses {@code vmlinuxBtf}. */
    boolean vmlinuxParses(Path vmlinuxBtf);
}
