package io.ebpfnet.core.detect;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes a fake /proc, /sys and /boot tree for detection tests. */
final class FixtureKernel {
    static final String ALL_CAPS_BUT_SYS_RESOURCE = "000001fffeffffff";
    private final Path root;

    FixtureKernel(Path root) throws IOException {
        this.root = root;
        write("proc/sys/kernel/osrelease", "6.1.0-test-amd64\n");
        write("proc/self/mounts", "proc /proc proc rw 0 0\nsysfs /sys sysfs rw 0 0\n");
        capabilities(ALL_CAPS_BUT_SYS_RESOURCE);
    }

    SystemPaths paths() {
        return SystemPaths.under(root);
    }

    FixtureKernel configGz(String text) throws IOException {
        Path p = root.resolve("proc/config.gz");
        Files.createDirectories(p.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return this;
    }

    FixtureKernel bootConfig(String text) throws IOException {
        return write("boot/config-6.1.0-test-amd64", text);
    }

    FixtureKernel btf() throws IOException {
        return write("sys/kernel/btf/vmlinux", "not really BTF; the inspector decides");
    }

    FixtureKernel tracefs() throws IOException {
        return write("proc/self/mounts", "proc /proc proc rw 0 0\ntracefs /sys/kernel/tracing tracefs rw 0 0\n");
    }

    FixtureKernel capabilities(String hexMask) throws IOException {
        return write("proc/self/status", "Name:\tjava\nCapInh:\t0000000000000000\nCapEff:\t" + hexMask + "\n");
    }

    FixtureKernel write(String relative, String text) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return this;
    }
}
