package io.ebpfnet.core.internal;

import io.ebpfnet.core.NativeLibraryException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A JVM without --enable-native-access gets a message naming the flag, not a JVM warning or a crash. */
class NativeAccessTest {
    /** Run in a child JVM: prints the exception message. */
    public static void main(String[] args) {
        try {
            NativeLibraries.ensureAvailable();
            System.out.println("no exception");
        } catch (NativeLibraryException e) {
            System.out.println(e.getMessage());
        }
    }

    @Test
    void missingNativeAccessNamesTheFlag() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", classPath, NativeAccessTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("native access is not enabled for ebpfnet. Add --enable-native-access=ALL-UNNAMED"), out);
    }
}
