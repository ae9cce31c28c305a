package io.ebpfnet.socket;

import java.io.IOException;
import java.util.List;

/** Runs system commands (ip, nft, bash) for the kernel tests, failing with their output. */
final class Commands {
    private Commands() {
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + out.strip());
        }
        return out;
    }

    /** Starts a bash child that writes {@code bytes} bytes in {@code writes} UDP sends to 127.0.0.1:port, then exits. */
    static Process udpSender(int port, int writes, int bytes) throws IOException {
        String script = "exec 3<>/dev/udp/127.0.0.1/" + port + "; for i in $(seq " + writes + "); do printf '%0" + bytes
                + "d' 0 >&3; done";
        return new ProcessBuilder(List.of("bash", "-c", script)).redirectErrorStream(true).start();
    }
}
