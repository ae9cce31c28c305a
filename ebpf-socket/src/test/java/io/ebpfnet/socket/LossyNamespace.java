package io.ebpfnet.socket;

import java.io.IOException;

/**
 * A private network namespace joined to ours by a veth pair, whose input drops a share of TCP
 * packets (nftables numgen), so that TCP from our namespace retransmits. Only our own addresses:
 * 10.213.77.1 here, 10.213.77.2 in the namespace.
 */
final class LossyNamespace implements AutoCloseable {
    static final String LOCAL = "10.213.77.1";
    static final String REMOTE = "10.213.77.2";
    final String name = "ebpfnet-rt-" + ProcessHandle.current().pid();
    private final String hostIf = "ebn" + (ProcessHandle.current().pid() % 100000) + "a";
    private final String nsIf = "ebn" + (ProcessHandle.current().pid() % 100000) + "b";

    LossyNamespace(int dropPercent) throws IOException, InterruptedException {
        try {
            Commands.run("ip", "netns", "add", name);
            Commands.run("ip", "link", "add", hostIf, "type", "veth", "peer", "name", nsIf);
            Commands.run("ip", "link", "set", nsIf, "netns", name);
            Commands.run("ip", "addr", "add", LOCAL + "/30", "dev", hostIf);
            Commands.run("ip", "link", "set", hostIf, "up");
            Commands.run("ip", "netns", "exec", name, "ip", "addr", "add", REMOTE + "/30", "dev", nsIf);
            Commands.run("ip", "netns", "exec", name, "ip", "link", "set", nsIf, "up");
            Commands.run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
            Commands.run("ip", "netns", "exec", name, "nft", "add table inet lossy; "
                    + "add chain inet lossy input { type filter hook input priority 0; policy accept; }; "
                    + "add rule inet lossy input meta l4proto tcp numgen random mod 100 < " + dropPercent + " drop");
        } catch (IOException | InterruptedException e) {
            close();
            throw e;
        }
    }

    /** Starts {@code command} inside the namespace. */
    Process start(String... command) throws IOException {
        String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = name;
        System.arraycopy(command, 0, full, 4, command.length);
        return new ProcessBuilder(full).redirectErrorStream(true).start();
    }

    @Override
    public void close() {
        try {
            Commands.run("ip", "link", "del", hostIf);
        } catch (IOException | InterruptedException ignored) {
            // already gone with the namespace
        }
        try {
            Commands.run("ip", "netns", "del", name);
        } catch (IOException | InterruptedException ignored) {
            // nothing to delete
        }
    }
}
