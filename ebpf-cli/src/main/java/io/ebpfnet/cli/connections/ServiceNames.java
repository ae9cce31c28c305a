package io.ebpfnet.cli.connections;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Port numbers to service names, from {@code /etc/services} ("resolve service names"). */
public final class ServiceNames {
    private final Map<String, String> names;

    private ServiceNames(Map<String, String> names) {
        this.names = names;
    }

    /** Reads a services file; a missing file gives no names. */
    public static ServiceNames read(Path file) {
        Map<String, String> names = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                int hash = line.indexOf('#');
                String[] f = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
                if (f.length >= 2 && f[1].contains("/")) {
                    names.putIfAbsent(f[1], f[0]);
                }
            }
        } catch (IOException ignored) {
            // no services file: ports stay numbers
        }
        return new ServiceNames(names);
    }

    /** "https" for (443, 6), or the number when there is no name. */
    public String name(int port, int protocol) {
        return names.getOrDefault(port + "/" + (protocol == 17 ? "udp" : "tcp"), Integer.toString(port));
    }
}
