package io.ebpfnet.examples;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README shows each example verbatim, so what users copy is what compiles and runs here. */
class ReadmeShowsTheExamplesTest {
    @ParameterizedTest
    @ValueSource(strings = {"EmbeddedCollector.java", "CountSends.java"})
    void readmeHasTheWholeFile(String file) throws IOException {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        String readme = Files.readString(root.resolve("README.md"));
        String source = Files.readString(root.resolve("examples/src/main/java/io/ebpfnet/examples/" + file));
        assertTrue(readme.contains("```java\n" + source + "```\n"), "README.md must show examples/…/" + file
                + " verbatim in a ```java block");
    }
}
