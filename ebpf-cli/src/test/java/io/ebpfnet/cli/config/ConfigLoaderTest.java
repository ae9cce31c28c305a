package io.ebpfnet.cli.config;

import io.ebpfnet.cli.config.CoreTracing;
import io.ebpfnet.cli.config.TypeFormat;
import io.ebpfnet.socket.LoadMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void defaultsAreNetdatas() {
        CollectorConfig c = CollectorConfig.defaults();
        assertEquals(5, c.updateEvery());
        assertEquals(LoadMode.ENTRY, c.loadMode());
        assertFalse(c.apps());
        assertFalse(c.cgroups());
        assertEquals(16384, c.bandwidthTableSize());
        assertEquals(16384, c.ipv4ConnectionTableSize());
        assertEquals(16384, c.ipv6ConnectionTableSize());
        assertEquals(4096, c.udpConnectionTableSize());
        assertEquals(TypeFormat.AUTO, c.typeFormat());
        assertEquals(CoreTracing.TRAMPOLINE, c.coreTracing());
        assertTrue(c.mapsPerCore());
        assertEquals(300, c.lifetime());
    }

    /** Every option, none at its default (ConfigFuzzTest mutates it too). */
    static final String ALL_NETDATA = """
            # every option, none at its default
            [global]
                update every = 2
                ebpf load mode = return
                apps = yes
                cgroups = yes
              bandwidth table size = 100
                ipv4 connection table size = 200
                ipv6 connection table size = 300
                udp connection table size = 400
                ebpf type format = co-re
                ebpf co-re tracing = tracepoint
                maps per core = no
                lifetime = 60
                apps groups file = /etc/netdata/apps_groups.conf
            [network connections]
                enabled = no
                ports = 80 443
                ips = !127.0.0.1/8 10.0.0.0/8
                hostnames = *.example
                include loopback = no
                resolve hostnames = yes
                resolve service names = yes
            [service name]
                19999 = Netdata
            """;

    private static final String ALL_TOML = """
            [global]
            update_every = 2
            ebpf_load_mode = "return"
            apps = true
            cgroups = "yes"
            bandwidth_table_size = 100
            ipv4_connection_table_size = 200
            ipv6_connection_table_size = 300
            udp_connection_table_size = 400
            ebpf_type_format = "co-re"
            ebpf_co_re_tracing = "tracepoint"
            maps_per_core = false
            lifetime = 60
            apps_groups_file = "/etc/netdata/apps_groups.conf"
            [network_connections]
            enabled = false
            ports = "80 443"
            ips = "!127.0.0.1/8 10.0.0.0/8"
            hostnames = "*.example"
            include_loopback = false
            resolve_hostnames = true
            resolve_service_names = true
            """;

    @Test
    void everyOptionInBothFormats() throws Exception {
        for (Path p : new Path[] {write("network.conf", ALL_NETDATA), write("ebpfnet.toml", ALL_TOML),
                write("netdata-without-extension", ALL_NETDATA), write("toml-without-extension", ALL_TOML)}) {
            CollectorConfig c = ConfigLoader.load(p);
            assertEquals(2, c.updateEvery(), p.toString());
            assertEquals(LoadMode.RETURN, c.loadMode());
            assertTrue(c.apps());
            assertTrue(c.cgroups());
            assertEquals(100, c.bandwidthTableSize());
            assertEquals(200, c.ipv4ConnectionTableSize());
            assertEquals(300, c.ipv6ConnectionTableSize());
            assertEquals(400, c.udpConnectionTableSize());
            assertEquals(TypeFormat.CORE, c.typeFormat());
            assertEquals(CoreTracing.TRACEPOINT, c.coreTracing());
            assertFalse(c.mapsPerCore());
            assertEquals(60, c.lifetime());
            assertEquals("/etc/netdata/apps_groups.conf", c.appsGroupsFile());
            assertFalse(c.connectionsEnabled());
            assertEquals("80 443", c.connectionPorts());
            assertEquals("!127.0.0.1/8 10.0.0.0/8", c.connectionIps());
            assertEquals("*.example", c.connectionHostnames());
            assertFalse(c.connectionsIncludeLoopback());
            assertTrue(c.resolveHostnames());
            assertTrue(c.resolveServiceNames());
            assertEquals(java.util.List.of(), c.warnings());
        }
    }

    @Test
    void theShippedExamplesAreValidAndDefault() throws Exception {
        Path docs = Path.of(System.getProperty("user.dir")).getParent().resolve("docs");
        for (String example : new String[] {"network.conf.example", "ebpfnet.toml.example"}) {
            Path copy = write(example.replace(".example", ""), Files.readString(docs.resolve(example)));
            CollectorConfig c = ConfigLoader.load(copy);
            assertEquals(CollectorConfig.defaults().updateEvery(), c.updateEvery());
            assertEquals(CollectorConfig.defaults().bandwidthTableSize(), c.bandwidthTableSize());
            assertEquals(java.util.List.of(), c.warnings(), example);
        }
    }

    @Test
    void unknownKeysWarnWithTheNearestName() throws Exception {
        CollectorConfig c = ConfigLoader.load(write("n.conf", "[global]\n  update evry = 3\n"));
        assertEquals(5, c.updateEvery());
        assertEquals(1, c.warnings().size());
        assertTrue(c.warnings().getFirst().contains("n.conf:2: unknown key 'update evry'"), c.warnings().toString());
        assertTrue(c.warnings().getFirst().contains("did you mean [global] update every?"), c.warnings().toString());
        CollectorConfig t = ConfigLoader.load(write("t.toml", "[global]\nmaps_per_cor = true\n"));
        assertTrue(t.warnings().getFirst().contains("did you mean global.maps_per_core?"), t.warnings().toString());
    }

    /** The corpus of bad files: each names file, line, key, value and what is allowed. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "wrong type (toml)      | bad.toml | [global]\\nupdate_every = \"fast\"                 | bad.toml:2: global.update_every = 'fast' is a TOML string; expected a whole number from 1 to 3600",
            "wrong type (netdata)   | bad.conf | [global]\\n  update every = fast                 | bad.conf:2: [global] update every = 'fast' is not a whole number; expected a whole number from 1 to 3600",
            "negative size          | bad.conf | [global]\\nbandwidth table size = -5            | bad.conf:2: [global] bandwidth table size = '-5' is out of range; expected a whole number from 1 to 4194304",
            "huge size              | bad.toml | [global]\\nipv4_connection_table_size = 99999999999 | bad.toml:2: global.ipv4_connection_table_size = '99999999999' is out of range; expected a whole number from 1 to 4194304",
            "unknown mode           | bad.conf | [global]\\nebpf co-re tracing = kprobe          | bad.conf:2: [global] ebpf co-re tracing = 'kprobe' is not allowed; expected one of trampoline, probe, tracepoint",
            "unknown load mode      | bad.toml | [global]\\nebpf_load_mode = \"exit\"             | bad.toml:2: global.ebpf_load_mode = 'exit' is not allowed; expected one of entry, return",
            "bad boolean            | bad.conf | [global]\\napps = maybe                         | bad.conf:2: [global] apps = 'maybe' is not yes or no",
            "duplicate key          | bad.conf | [global]\\napps = yes\\napps = no               | bad.conf:3: key 'apps' in [global] is set twice (first at line 2)",
            "duplicate key (toml)   | bad.toml | [global]\\napps = true\\napps = false           | bad.toml:3: not valid TOML",
            "not name = value       | bad.conf | [global]\\nthis is not an option               | bad.conf:2: 'this is not an option' is not a 'name = value' line",
            "option before section  | bad.conf | update every = 1                              | bad.conf:1: 'update every' comes before any [section]",
            "empty file             | bad.toml | \\n                                            | bad.toml: the file is empty",
    })
    void badFilesNameEverything(String what, String name, String text, String expected) throws IOException {
        Path p = write(name, text.strip().replace("\\n", "\n"));
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(p));
        assertTrue(e.getMessage().startsWith(dir.resolve(expected.substring(0, expected.indexOf(':'))).toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected.substring(expected.indexOf(':'))), what + ": " + e.getMessage());
    }

    @Test
    void garbageBytesAreNotAConfiguration() throws IOException {
        Path p = Files.write(dir.resolve("garbage.conf"), new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x41, (byte) 0x80});
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(p));
        assertTrue(e.getMessage().contains("not a text configuration file"), e.getMessage());
        Path latin = Files.write(dir.resolve("latin1.toml"), new byte[] {'a', '=', (byte) 0xe9});
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.load(latin)).getMessage().contains("not UTF-8"));
    }

    @Test
    void missingFileSaysSo() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.conf")));
        assertTrue(e.getMessage().contains("nope.conf: cannot be read"), e.getMessage());
    }
}
