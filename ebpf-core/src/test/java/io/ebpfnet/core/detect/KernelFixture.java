package io.ebpfnet.core.detect;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Copies a fake kernel root from {@code src/test/resources/fixtures/kernels/<name>} into a temporary
 * directory, gzipping each {@code *.gz.plain} into {@code *.gz}: the fixtures stay text, and tests may
 * change their copy (delete a file, add one) without touching the originals.
 */
final class KernelFixture {
    private static final String PLAIN_GZ = ".gz.plain";

    private KernelFixture() {
    }

    /** The copied tree's root under {@code dir}. */
    static Path copy(String name, Path dir) {
        Path source = resource(name);
        Path root = dir.resolve(name);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path from : files.toList()) {
                Path to = root.resolve(source.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else if (from.getFileName().toString().endsWith(PLAIN_GZ)) {
                    String gz = to.getFileName().toString();
                    gzip(from, to.resolveSibling(gz.substring(0, gz.length() - ".plain".length())));
                } else {
                    Files.copy(from, to);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return root;
    }

    /** {@link SystemPaths} over a fresh copy of fixture {@code name}. */
    static SystemPaths paths(String name, Path dir) {
        return SystemPaths.under(copy(name, dir));
    }

    /** Every fixture's name. */
    static List<String> names() {
        return List.of("kprobes-no-btf", "btf-no-kprobes", "no-config", "unprivileged");
    }

    static void gzip(Path plain, Path gz) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(plain, out);
        }
    }

    private static Path resource(String name) {
        URL url = KernelFixture.class.getResource("/fixtures/kernels/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no fixture kernel '" + name + "' on the test classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
