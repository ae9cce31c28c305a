package io.ebpfnet.cli.config;

import io.ebpfnet.socket.LoadMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Netdata's configuration as ebpf.plugin and apps.plugin find and layer it, on a temporary tree of a user and a
 * stock directory named by NETDATA_USER_CONFIG_DIR and NETDATA_STOCK_CONFIG_DIR: a user's file replaces the stock
 * one whole; ebpf.d.conf gives its [global] keys; network.conf overrides them.
 */
class NetdataConfigLayersTest {
    @TempDir
    Path tree;

    private Path user;
    private Path stock;

    private Map<String, String> env() throws IOException {
        user = Files.createDirectories(tree.resolve("etc/netdata"));
        stock = Files.createDirectories(tree.resolve("usr/lib/netdata/conf.d"));
        Map<String, String> env = new HashMap<>();
        env.put("NETDATA_USER_CONFIG_DIR", user.toString());
        env.put("NETDATA_STOCK_CONFIG_DIR", stock.toString());
        return env;
    }

    private static Path write(Path dir, String name, String text) throws IOException {
        Files.createDirectories(dir.resolve(name).getParent());
        return Files.writeString(dir.resolve(name), text);
    }

    private static CollectorConfig load(NetdataDirs dirs) throws ConfigException {
        return ConfigLoader.load(dirs.find("ebpf.d.conf"), dirs.find("ebpf.d/network.conf"));
    }

    @Test
    void theDirectoriesComeFromTheAgentsVariablesElseDebiansDefaults() throws IOException {
        NetdataDirs dirs = NetdataDirs.from(env());
        assertEquals(user, dirs.user());
        assertEquals(stock, dirs.stock());
        assertEquals(new NetdataDirs(Path.of("/etc/netdata"), Path.of("/usr/lib/netdata/conf.d")), NetdataDirs.from(Map.of()));
        Map<String, String> empty = Map.of("NETDATA_USER_CONFIG_DIR", "", "NETDATA_STOCK_CONFIG_DIR", "");
        assertEquals(NetdataDirs.from(Map.of()), NetdataDirs.from(empty), "an empty variable counts as unset");
    }

    @Test
    void stockEbpfDConfTurnsAppsOnUnderAStockNetworkConf() throws Exception {
        NetdataDirs dirs = NetdataDirs.from(env());
        // Debian's stock pair: ebpf.d.conf has apps = yes, network.conf does not say.
        Path global = write(stock, "ebpf.d.conf", "[global]\n    ebpf load mode = entry\n    apps = yes\n    cgroups = no\n"
                + "    update every = 5\n    pid table size = 32768\n    btf path = /sys/kernel/btf/\n"
                + "[ebpf programs]\n    socket = yes\n");
        Path module = write(stock, "ebpf.d/network.conf", "[global]\n    bandwidth table size = 16384\n"
                + "    ebpf type format = auto\n    ebpf co-re tracing = trampoline\n");
        assertEquals(global, dirs.find("ebpf.d.conf"));
        assertEquals(module, dirs.find("ebpf.d/network.conf"));
        CollectorConfig c = load(dirs);
        assertTrue(c.apps());
        assertEquals(global + ":3", c.origin(ConfigKey.APPS));
        assertEquals(module + ":4", c.origin(ConfigKey.EBPF_CORE_TRACING));
        assertEquals(List.of(), c.warnings(), "Netdata's keys for other threads are no mistake");
        assertEquals(global + " then " + module, c.source());
    }

    @Test
    void networkConfOverridesEbpfDConfAndTheUsersFilesReplaceTheStockOnes() throws Exception {
        NetdataDirs dirs = NetdataDirs.from(env());
        write(stock, "ebpf.d.conf", "[global]\n    apps = yes\n    cgroups = yes\n    lifetime = 40\n");
        write(stock, "ebpf.d/network.conf", "[global]\n    cgroups = no\n");
        Path userGlobal = write(user, "ebpf.d.conf", """
                [global]
                    update every = 9
                    ebpf load mode = return
                    maps per core = no
                    ebpf type format = co-re
                    ebpf co-re tracing = probe
                    lifetime = 50
                """);
        CollectorConfig c = load(dirs);
        assertFalse(c.apps(), "the user's ebpf.d.conf replaces the stock one whole: its apps = yes is not read");
        assertFalse(c.cgroups(), "the stock network.conf still applies: there is no user one");
        assertEquals(9, c.updateEvery());
        assertEquals(LoadMode.RETURN, c.loadMode());
        assertFalse(c.mapsPerCore());
        assertEquals(TypeFormat.CORE, c.typeFormat());
        assertEquals(CoreTracing.PROBE, c.coreTracing());
        assertEquals(50, c.lifetime());
        assertEquals(userGlobal + ":7", c.origin(ConfigKey.LIFETIME));

        Path userModule = write(user, "ebpf.d/network.conf", """
                [global]
                    update every = 3
                    apps = yes
                    ebpf co-re tracing = tracepoint
                    lifetime = 0
                """);
        c = load(dirs);
        assertEquals(3, c.updateEvery(), "network.conf overrides ebpf.d.conf");
        assertTrue(c.apps());
        assertEquals(CoreTracing.TRACEPOINT, c.coreTracing());
        assertEquals(TypeFormat.CORE, c.typeFormat(), "what network.conf leaves out still comes from ebpf.d.conf");
        assertEquals(LoadMode.RETURN, c.loadMode());
        assertEquals(0, c.lifetime());
        assertEquals(userModule + ":2", c.origin(ConfigKey.UPDATE_EVERY));
        assertFalse(c.isSet(ConfigKey.BANDWIDTH_TABLE_SIZE));
        assertEquals("(default)", c.origin(ConfigKey.BANDWIDTH_TABLE_SIZE));
    }

    @Test
    void eachOfTheEightGlobalKeysIsInheritedAndOnlyThey() throws Exception {
        Path global = write(tree, "ebpf.d.conf", ConfigFuzzTest.EBPF_D_CONF);
        Path only = write(tree, "e2.conf", "[global]\n    bandwidth table size = 100\n    apps groups file = /x\n");
        CollectorConfig c = ConfigLoader.load(global, null);
        assertEquals(7, c.updateEvery());
        assertEquals(LoadMode.RETURN, c.loadMode());
        assertTrue(c.apps());
        assertTrue(c.cgroups());
        assertFalse(c.mapsPerCore());
        assertEquals(30, c.lifetime());
        assertEquals(TypeFormat.CORE, c.typeFormat());
        assertEquals(CoreTracing.PROBE, c.coreTracing());
        assertEquals(ConfigKey.EBPF_D_CONF_KEYS, c.origins().keySet(), "every one of them, from the file");

        CollectorConfig d = ConfigLoader.load(only, null);
        assertEquals(16384, d.bandwidthTableSize(), "Netdata reads table sizes from the thread's file only");
        assertEquals("", d.appsGroupsFile());
        assertEquals(List.of(
                only + ":2: [global] bandwidth table size is not read from e2.conf (Netdata's ebpf.plugin reads it from the"
                        + " thread's file only); set it in network.conf",
                only + ":3: [global] apps groups file is not read from e2.conf (Netdata's ebpf.plugin reads it from the"
                        + " thread's file only); set it in network.conf"), d.warnings());
    }

    @Test
    void aBadValueInEitherLayerNamesItsFile() throws Exception {
        NetdataDirs dirs = NetdataDirs.from(env());
        Path global = write(user, "ebpf.d.conf", "[global]\n    update every = 0\n");
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> load(dirs));
        assertEquals(global + ":2: [global] update every = '0' is out of range; expected a whole number from 1 to 3600", e.getMessage());
        write(user, "ebpf.d.conf", "[global]\n    update every = 2\n");
        Path module = write(stock, "ebpf.d/network.conf", "[global]\n    ebpf co-re tracing = kprobe\n");
        e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> load(dirs));
        assertTrue(e.getMessage().startsWith(module + ":2: [global] ebpf co-re tracing = 'kprobe' is not allowed"), e.getMessage());
    }

    @Test
    void appsGroupsConfIsTheConfiguredFileElseTheUsersElseTheStockElseTheBuiltIn() throws Exception {
        NetdataDirs dirs = NetdataDirs.from(env());
        CollectorConfig none = CollectorConfig.defaults();
        AppsGroupsFile.Loaded builtIn = AppsGroupsFile.resolve(none, dirs);
        assertEquals(AppsGroupsFile.BUILT_IN, builtIn.from());
        assertEquals("ssh", builtIn.groups().match("sshd", ""));

        Path stockGroups = write(stock, "apps_groups.conf", "stockgroup: sshd\n");
        assertEquals(stockGroups.toString(), AppsGroupsFile.resolve(none, dirs).from());
        assertEquals("stockgroup", AppsGroupsFile.resolve(none, dirs).groups().match("sshd", ""));

        Path userGroups = write(user, "apps_groups.conf", "usergroup: sshd\n");
        assertEquals(userGroups.toString(), AppsGroupsFile.resolve(none, dirs).from());
        assertEquals("usergroup", AppsGroupsFile.resolve(none, dirs).groups().match("sshd", ""));

        Path own = write(tree, "mine.conf", "mine: sshd\n");
        Path conf = write(tree, "network.conf", "[global]\n    apps = yes\n    apps groups file = " + own + "\n");
        AppsGroupsFile.Loaded configured = AppsGroupsFile.resolve(ConfigLoader.load(conf), dirs);
        assertEquals(own.toString(), configured.from());
        assertEquals("mine", configured.groups().match("sshd", ""));

        write(user, "apps_groups.conf", "no colon\n");
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> AppsGroupsFile.resolve(none, dirs));
        assertEquals(userGroups + ":1: 'no colon' is not 'group: pattern …'", e.getMessage());
        Files.delete(userGroups);
        Files.createDirectory(userGroups);
        e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> AppsGroupsFile.resolve(none, dirs));
        assertEquals(userGroups + ": is a directory, not a regular file; give a configuration file (Netdata's apps_groups.conf,"
                + " found in " + user + ")", e.getMessage());
        assertNull(new NetdataDirs(tree.resolve("none"), tree.resolve("none2")).find("apps_groups.conf"));
    }
}
