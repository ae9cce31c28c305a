package io.ebpfnet.cli.config;

import io.ebpfnet.cli.config.AppsGroups;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Thousands of broken configuration and apps_groups files, through the code paths the CLI uses: each must load (with
 * at most 21 one-line warnings naming the file), or be refused with a {@link ConfigException} whose one-line message
 * starts with the file, within {@link #PER_CASE};
 * any other Throwable (StackOverflowError, OutOfMemoryError, a runtime exception) fails the test.
 * {@code -Debpfnet.fuzz.seed=N} replays or varies a run, {@code -Debpfnet.fuzz.cases=N} sets its length;
 * a failing input is kept under {@code target/fuzz-failures/}.
 */
class ConfigFuzzTest {
    private static final long SEED = Long.getLong("ebpfnet.fuzz.seed", 15L);
    private static final int CASES = Integer.getInteger("ebpfnet.fuzz.cases", 2500);
    private static final Duration PER_CASE = Duration.ofSeconds(3);
    private static final String[] NAMES = {"fuzz.toml", "fuzz.conf", "fuzz"};

    @TempDir
    Path dir;

    /** One of the CLI's ways of reading a file; it returns the warnings the CLI would print. */
    @FunctionalInterface
    private interface Load {
        List<String> load(Path file) throws ConfigException;
    }

    @Test
    void configurationFilesLoadOrAreRefusedInOneLine() throws IOException {
        Path docs = Path.of(System.getProperty("user.dir")).getParent().resolve("docs");
        List<byte[]> seeds = List.of(Files.readAllBytes(docs.resolve("network.conf.example")),
                Files.readAllBytes(docs.resolve("ebpfnet.toml.example")), utf8(ConfigLoaderTest.ALL_NETDATA), utf8(EVERY_TOML_OPTION));
        run("configuration", seeds, SEED, CASES, file -> ConfigLoader.load(file).warnings());
    }

    @Test
    void appsGroupsFilesLoadOrAreRefusedInOneLine() throws IOException {
        byte[] builtIn;
        try (InputStream in = AppsGroups.class.getResourceAsStream(AppsGroups.BUILT_IN)) {
            builtIn = in.readAllBytes();
        }
        run("apps groups", List.of(builtIn, utf8("web: nginx* *httpd* apache\n-hidden: cron\n"), utf8(QUOTED_GROUPS)), SEED + 1, CASES,
                file -> {
                    AppsGroupsFile.load(file.toString(), "network.conf");
                    return List.of();
                });
    }

    /** An ebpf.d.conf under ConfigLoaderTest's every-option network.conf, as --netdata-plugin and --global-config read them. */
    @Test
    void ebpfDConfUnderNetworkConfLoadsOrIsRefusedInOneLine() throws IOException {
        Path module = Files.writeString(dir.resolve("network.conf"), ConfigLoaderTest.ALL_NETDATA);
        // Half the cases: each reads two files, and the single-file paths are fuzzed above.
        run("ebpf.d.conf", List.of(utf8(EBPF_D_CONF), utf8(ConfigLoaderTest.ALL_NETDATA)), SEED + 2, CASES / 2,
                file -> ConfigLoader.load(file, module).warnings());
    }

    private void run(String what, List<byte[]> seeds, long seed, int cases, Load load) throws IOException {
        Random random = new Random(seed);
        Mutator mutator = new Mutator(random);
        int loaded = 0;
        int refused = 0;
        long slowest = 0;
        long start = System.nanoTime();
        for (int n = 0; n < cases; n++) {
            byte[] input = mutator.mutate(seeds.get(random.nextInt(seeds.size())));
            Path file = Files.write(dir.resolve(NAMES[random.nextInt(NAMES.length)]), input);
            List<String> lines; // the warnings, or the error alone
            long caseStart = System.nanoTime();
            try {
                lines = assertTimeoutPreemptively(PER_CASE, () -> {
                    try {
                        return load.load(file);
                    } catch (ConfigException e) {
                        return List.of("error: " + e.getMessage());
                    }
                });
            } catch (Throwable t) {
                fail(failure(what, seed, n, mutator, input, file) + ": " + t, t);
                return;
            }
            slowest = Math.max(slowest, System.nanoTime() - caseStart);
            boolean error = lines.size() == 1 && lines.getFirst().startsWith("error: ");
            if (error) {
                refused++;
            } else {
                loaded++;
            }
            int c = n;
            assertTrue(lines.size() <= RawConfig.MAX_WARNINGS + 1, () -> failure(what, seed, c, mutator, input, file) + ": " + lines.size());
            for (String line : lines) {
                assertTrue(line.startsWith((error ? "error: " : "") + file + ":") || line.endsWith(" not shown"),
                        () -> failure(what, seed, c, mutator, input, file) + ": " + line);
                assertFalse(line.contains("\n") || line.contains("\r") || line.length() > Quoted.MAX_MESSAGE + "error: ".length(),
                        () -> failure(what, seed, c, mutator, input, file) + ": " + line);
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("ConfigFuzzTest: %s files, seed %d (-Debpfnet.fuzz.seed), %d cases: %d loaded, %d refused, %d ms"
                + " (slowest case %d ms)%n", what, seed, cases, loaded, refused, ms, slowest / 1_000_000);
        // A fuzzer whose every case fails, or passes, exercises one path only.
        assertTrue(loaded > cases / 50 && refused > cases / 50, "loaded " + loaded + ", refused " + refused);
    }

    /** Describes a failing case and keeps its input for replaying. */
    private static String failure(String what, long seed, int n, Mutator mutator, byte[] input, Path file) {
        String kept = "";
        try {
            Path saved = Path.of("target", "fuzz-failures", what.replace(' ', '-') + "-seed" + seed + "-case" + n + "-" + file.getFileName());
            Files.createDirectories(saved.getParent());
            kept = ", input kept in " + Files.write(saved, input).toAbsolutePath();
        } catch (IOException e) {
            kept = ", input not kept: " + e;
        }
        return what + " case " + n + " of seed " + seed + " (" + String.join(", ", mutator.applied()) + ")" + kept;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Every key Netdata's ebpf.d.conf has, each ebpf.d.conf key this collector reads at a value not its default. */
    static final String EBPF_D_CONF = """
            [global]
                ebpf load mode = return
                apps = yes
                cgroups = yes
                update every = 7
                pid table size = 32768
                btf path = /sys/kernel/btf/
                ebpf object flavor = buffer
                maps per core = no
                lifetime = 30
                ebpf type format = co-re
                ebpf co-re tracing = probe
                collect pid = all
            [ebpf programs]
                socket = yes
                network connections = no
            """;

    /** apps.plugin's syntax: quoted patterns with blanks and the other quote, hidden and debug marks, inline comments. */
    static final String QUOTED_GROUPS = """
            aws-s3: '*aws s3*' s3cmd s5cmd
            gui: "*systemd --user*" xdg-* 'a "quoted" name'
            -hidden: -secret +debug *tail # a comment
            'quoted group': x y:z	w
            """;

    // ConfigLoaderTest.ALL_TOML's options in other TOML spellings (literal and multi-line strings) for the lexer
    private static final String EVERY_TOML_OPTION = """
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
            apps_groups_file = '/etc/netdata/apps_groups.conf'
            [network_connections]
            enabled = false
            ports = \"""80 443\"""
            ips = "!127.0.0.1/8 10.0.0.0/8"
            hostnames = "*.example"
            include_loopback = false
            resolve_hostnames = true
            resolve_service_names = true
            """;
}
