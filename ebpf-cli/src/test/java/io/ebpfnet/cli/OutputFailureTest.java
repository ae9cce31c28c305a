package io.ebpfnet.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A failed write, which PrintWriter hides, becomes an OutputFailure and its exit code. */
class OutputFailureTest {
    @Test
    void aWriterThatWorksPasses() {
        PrintWriter out = new PrintWriter(new StringWriter());
        out.println("ok");
        assertDoesNotThrow(() -> OutputFailure.check(out));
    }

    @Test
    void aFailedWriteIsARuntimeErrorUnlessTheReaderWentAway() {
        PrintWriter out = new PrintWriter(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        });
        out.println("lost");
        OutputFailure failure = assertThrows(OutputFailure.class, () -> OutputFailure.check(out));
        // Not standard output: nothing says a reader went away.
        assertFalse(failure.readerGone());
        assertEquals(ExitCode.RUNTIME_ERROR, FailureHandler.exitCodeFor(failure));
    }
}
