package io.ebpfnet.cli.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Netdata's two configuration directories, found as its plugins find them: the user's
 * ({@code NETDATA_USER_CONFIG_DIR}, else {@code /etc/netdata}) and the stock one
 * ({@code NETDATA_STOCK_CONFIG_DIR}, else {@code /usr/lib/netdata/conf.d}). The agent passes both variables
 * to its plugins; the defaults are those of Debian's package. An empty variable counts as unset.
 */
public record NetdataDirs(Path user, Path stock) {
    public static final Path DEFAULT_USER = Path.of("/etc/netdata");
    public static final Path DEFAULT_STOCK = Path.of("/usr/lib/netdata/conf.d");

    /** The directories {@code environment} names (System.getenv() in the CLI). */
    public static NetdataDirs from(Map<String, String> environment) {
        return new NetdataDirs(dir(environment.get("NETDATA_USER_CONFIG_DIR"), DEFAULT_USER),
                dir(environment.get("NETDATA_STOCK_CONFIG_DIR"), DEFAULT_STOCK));
    }

    private static Path dir(String value, Path otherwise) {
        return value == null || value.isEmpty() || value.indexOf('\0') >= 0 ? otherwise : Path.of(value);
    }

    /**
     * {@code relative} in the user directory when it exists there, else in the stock directory when it exists
     * there, else null: as Netdata, the user's file replaces the stock one whole (they are not merged).
     */
    public Path find(String relative) {
        for (Path dir : new Path[] {user, stock}) {
            Path file = dir.resolve(relative);
            if (Files.exists(file)) {
                return file;
            }
        }
        return null;
    }
}
