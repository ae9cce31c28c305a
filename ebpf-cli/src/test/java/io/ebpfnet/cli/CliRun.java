package io.ebpfnet.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process and keeps what it printed. */
record CliRun(int exitCode, String out, String err) {
    static CliRun of(String... args) {
        return withEnvironment(System.getenv(), args);
    }

    /** As {@link #of}, with {@code environment} in place of the process's (Netdata's directory variables). */
    static CliRun withEnvironment(java.util.Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), environment);
        return new CliRun(code, out.toString(), err.toString());
    }

    /**
     * Waits until a collector started in this JVM (by {@link #of} on another thread) has attached: this
     * process holds more BPF links than {@code before} and their number held still for 300 ms. A test's
     * traffic then starts after the attach, however slow the host.
     */
    static void awaitAttached(long before) throws InterruptedException {
        long last = -1;
        int still = 0;
        for (int i = 0; i < 600 && still < 6; i++) {
            Thread.sleep(50);
            long now = bpfLinks();
            still = now > before && now == last ? still + 1 : 0;
            last = now;
        }
        if (still < 6) {
            throw new AssertionError("the collector did not attach within 30 s");
        }
    }

    /** The BPF links this process holds (its descriptors of anon_inode:bpf_link). */
    static long bpfLinks() {
        java.io.File[] fds = new java.io.File("/proc/self/fd").listFiles();
        long n = 0;
        for (java.io.File fd : fds == null ? new java.io.File[0] : fds) {
            try {
                if (java.nio.file.Files.readSymbolicLink(fd.toPath()).toString().equals("anon_inode:bpf_link")) {
                    n++;
                }
            } catch (java.io.IOException | UnsupportedOperationException ignored) {
                // closed meanwhile
            }
        }
        return n;
    }
}
