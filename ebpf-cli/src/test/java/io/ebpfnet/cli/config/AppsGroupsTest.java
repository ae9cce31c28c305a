package io.ebpfnet.cli.config;

import io.ebpfnet.core.testing.KernelTests;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Netdata's apps_groups.conf: its pattern syntax and its errors. */
class AppsGroupsTest {
    private static final AppsGroups GROUPS = AppsGroups.parse("""
            # comment
            web: nginx* httpd
            db: *sql
            -hidden: secret
            batch: *backup.sh*
            web: caddy
            """, "test");

    @Test
    void patternsMatchLikeNetdata() {
        assertEquals("web", GROUPS.match("nginx", ""));
        assertEquals("web", GROUPS.match("nginx-worker", ""));
        assertEquals("web", GROUPS.match("httpd", ""));
        assertNull(GROUPS.match("httpd2", ""));
        assertEquals("db", GROUPS.match("mysql", ""));
        assertEquals("batch", GROUPS.match("sh", "/bin/sh /opt/nightly-backup.sh --full"));
        assertEquals("web", GROUPS.match("caddy", ""), "a group named twice keeps both lines");
        assertTrue(GROUPS.isHidden("hidden"));
        assertEquals("hidden", GROUPS.match("secret", ""));
    }

    @Test
    void badLinesAreRefusedAndTheDefaultsParse() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AppsGroups.parse("web nginx\n", "f.conf"));
        assertTrue(e.getMessage().contains("f.conf:1"), e.getMessage());
        assertEquals("ssh", AppsGroups.defaults().match("sshd", ""));
        assertEquals("java", AppsGroups.defaults().match("java", ""));
    }

    @Test
    void quotedPatternsKeepTheirBlanksAsInAppsPlugin() {
        AppsGroups g = AppsGroups.parse("""
                aws-s3: '*aws s3*' s3cmd
                gui: "*systemd --user*" 'Plex Media Serv'
                quotes: "it's" 'say "hi"'
                """, "q.conf");
        assertEquals("aws-s3", g.match("python3", "/usr/bin/python3 /usr/bin/aws s3 cp a b"));
        assertNull(g.match("python3", "/usr/bin/python3 /usr/bin/aws ec2 describe"), "not split into '*aws' and 's3*'");
        assertNull(g.match("s3", ""), "no stray 's3*' prefix pattern");
        assertEquals("aws-s3", g.match("s3cmd", ""));
        assertEquals("gui", g.match("systemd", "/lib/systemd/systemd --user"));
        assertNull(g.match("systemd", "/sbin/init"));
        assertEquals("gui", g.match("Plex Media Serv", ""), "an exact name with blanks");
        assertEquals("quotes", g.match("it's", ""), "double quotes keep a single quote");
        assertEquals("quotes", g.match("say \"hi\"", ""), "single quotes keep double quotes");
    }

    @Test
    void wordsSplitOnColonsAndTabsAndStopAtAComment() {
        AppsGroups g = AppsGroups.parse("a:one:two\tthree # four\nb :five\n", "w.conf");
        assertEquals("a", g.match("one", ""));
        assertEquals("a", g.match("two", ""), "':' separates patterns too, as in apps.plugin");
        assertEquals("a", g.match("three", ""));
        assertNull(g.match("four", ""), "a word starting with # ends the line");
        assertNull(g.match("#", ""));
        assertEquals("b", g.match("five", ""), "blanks before the colon");
    }

    @Test
    void hiddenGroupsAreMarkedByTheirNameOrTheirFirstPattern() {
        AppsGroups g = AppsGroups.parse("""
                -byname: a
                bypattern: -b c
                notfirst: d -e
                +debug: f
                byname: g
                -visible: h
                visible: i
                """, "h.conf");
        assertTrue(g.isHidden("byname"));
        assertEquals("byname", g.match("a", ""), "a hidden group still owns its processes");
        assertEquals("byname", g.match("g", ""));
        assertTrue(g.isHidden("bypattern"));
        assertEquals("bypattern", g.match("b", ""), "the '-' is not part of the pattern");
        assertEquals("bypattern", g.match("c", ""));
        assertFalse(g.isHidden("notfirst"), "only the pattern that creates the group hides it");
        assertEquals("notfirst", g.match("e", ""));
        assertFalse(g.isHidden("debug"));
        assertEquals("debug", g.match("f", ""), "'+' (apps.plugin's debugging) is dropped");
        assertTrue(g.isHidden("visible"), "the first line naming a group decides");
        assertTrue(g.hasHidden());
        assertFalse(AppsGroups.parse("x: y\n", "n").hasHidden());
    }

    @Test
    void aPatternGivenTwiceKeepsItsFirstGroup() {
        AppsGroups g = AppsGroups.parse("first: foo\nsecond: foo* bar\n", "d.conf");
        assertEquals("first", g.match("foo", ""));
        assertNull(g.match("foobar", ""), "'foo*' repeats the pattern 'foo': apps.plugin ignores it");
        assertEquals("second", g.match("bar", ""));
    }

    @Test
    void netdatasStockFileParses() throws Exception {
        Path stock = Path.of("/usr/lib/netdata/conf.d/apps_groups.conf");
        if (!Files.isRegularFile(stock)) {
            KernelTests.skipOrFail("Netdata's stock apps_groups.conf is not installed (Debian: apt-get install netdata)");
        }
        String text = Files.readString(stock);
        AppsGroups g = AppsGroupsFile.load(stock.toString(), "test");
        // Figures from the file itself, not from our parser: its first group line, and a quoted pattern if it has one.
        String firstLine = text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst().orElseThrow();
        String firstGroup = firstLine.substring(0, firstLine.indexOf(':')).replaceFirst("^[-+]+", "");
        String firstPattern = firstLine.substring(firstLine.indexOf(':') + 1).strip().split("\\s+")[0];
        assertTrue(g.groups().contains(firstGroup), firstGroup + " in " + g.groups());
        if (!firstPattern.contains("*") && !firstPattern.startsWith("'") && !firstPattern.startsWith("\"")) {
            assertEquals(firstGroup, g.match(firstPattern, ""), firstLine);
        }
        java.util.regex.Matcher quoted = java.util.regex.Pattern.compile("^([A-Za-z0-9._-]+):.*'\\*([^'*]+ [^'*]+)\\*'", java.util.regex.Pattern.MULTILINE)
                .matcher(text);
        if (quoted.find()) { // Debian's 1.37 has aws-s3: '*aws s3*'
            assertEquals(quoted.group(1), g.match("zzqq", "zzqq " + quoted.group(2) + " ls"), quoted.group());
        }
        System.out.println("AppsGroupsTest: " + stock + ": " + g.groups().size() + " groups");
    }
}
