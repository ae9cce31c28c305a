package io.ebpfnet.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;

/**
 * Standard output for the commands. PrintWriter (like System.out) swallows a failed write and only
 * sets a flag ({@link #checkError()}); this one also keeps the IOException, for the error message.
 */
final class Stdout extends PrintWriter {
    private final Recording stream;

    private Stdout(Recording stream) {
        super(new OutputStreamWriter(stream, System.out.charset()), true);
        this.stream = stream;
    }

    static Stdout open() {
        return new Stdout(new Recording(new FileOutputStream(FileDescriptor.out)));
    }

    /** The first write failure, or null. */
    IOException failure() {
        return stream.failure;
    }

    /** Passes writes through and remembers the first that failed. */
    private static final class Recording extends FilterOutputStream {
        private volatile IOException failure;

        Recording(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw remember(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw remember(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw remember(e);
            }
        }

        private IOException remember(IOException e) {
            if (failure == null) {
                failure = e;
            }
            return e;
        }
    }
}
