package io.ebpfnet.socket.groups;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Names of systemd services and container runtimes' cgroups, on a fixture tree. */
class CgroupNamesTest {
    private static final String ID = "4e3c1b2a9f8d7e6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170615f4";

    @Test
    void servicesAndContainersGetReadableNames() {
        assertEquals("nginx", CgroupNames.service("system.slice/nginx.service"));
        assertEquals("nginx.service", CgroupNames.name("system.slice/nginx.service"));
        assertNull(CgroupNames.service("user.slice/user-0.slice/session-3.scope"));
        assertEquals("user.slice/user-0.slice/session-3.scope", CgroupNames.name("user.slice/user-0.slice/session-3.scope"));
        assertEquals("docker-4e3c1b2a9f8d", CgroupNames.name("system.slice/docker-" + ID + ".scope"));
        assertEquals("docker-4e3c1b2a9f8d", CgroupNames.name("docker/" + ID));
        assertEquals("podman-4e3c1b2a9f8d", CgroupNames.name("machine.slice/libpod-" + ID + ".scope"));
        assertEquals("crio-4e3c1b2a9f8d", CgroupNames.name("kube.slice/crio-" + ID + ".scope"));
        assertEquals("k8s-pod-1a2b3c4d/containerd-4e3c1b2a9f8d", CgroupNames.name(
                "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1a2b3c4d_5e6f_7a8b.slice/cri-containerd-" + ID + ".scope"));
        assertEquals("/", CgroupNames.name(""));
    }

    @Test
    void v1PathsGetTheSameNamesAndServices() {
        // paths from /proc/<pid>/cgroup on v1 hosts, as CgroupV1Paths hands them over (leading '/' dropped)
        for (String line : new String[] {"4:cpu,cpuacct:/docker/" + ID, "4:cpu,cpuacct:/system.slice/docker-" + ID + ".scope"}) {
            assertEquals("docker-4e3c1b2a9f8d", CgroupNames.name(CgroupV1Paths.parse(List.of(line)).get("cpuacct")), line);
        }
        assertEquals("podman-4e3c1b2a9f8d", CgroupNames.name("machine.slice/libpod-" + ID + ".scope"));
        assertEquals("nginx.service", CgroupNames.name("system.slice/nginx.service"));
        assertEquals("nginx", CgroupNames.service(CgroupV1Paths.parse(List.of("1:name=systemd:/system.slice/nginx.service")).get("name=systemd")));
        // Kubernetes' cgroupfs driver: no runtime in the path
        assertEquals("k8s-pod-1a2b3c4d/container-4e3c1b2a9f8d", CgroupNames.name("kubepods/burstable/pod1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d/" + ID));
        assertEquals("k8s-pod-1a2b3c4d/container-4e3c1b2a9f8d", CgroupNames.name("kubepods/pod1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d/" + ID));
        // the systemd driver under v1 writes the same paths as under v2
        assertEquals("k8s-pod-1a2b3c4d/docker-4e3c1b2a9f8d", CgroupNames.name(
                "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1a2b3c4d_5e6f_7a8b.slice/docker-" + ID + ".scope"));
        assertNull(CgroupNames.service("docker/" + ID));
        assertEquals("", CgroupV1Paths.parse(List.of("4:cpu,cpuacct:/")).get("cpu"), "the root");
        assertEquals("/", CgroupNames.name(""));
    }

    @Test
    void idsAreInodeNumbersOfTheTree(@TempDir Path root) throws IOException {
        Path service = Files.createDirectories(root.resolve("system.slice/nginx.service"));
        long ino = ((Number) Files.getAttribute(service, "unix:ino")).longValue();
        CgroupResolver r = new CgroupResolver(root);
        assertEquals("system.slice/nginx.service", r.pathOf(ino).orElseThrow());
        Path later = Files.createDirectories(root.resolve("system.slice/late.service"));
        long lateIno = ((Number) Files.getAttribute(later, "unix:ino")).longValue();
        assertEquals("system.slice/late.service", r.pathOf(lateIno).orElseThrow(), "an unknown id rescans");
        assertTrue(r.pathOf(-5).isEmpty());
    }

    @Test
    void findsTheCgroup2MountInHybridAndUnifiedLayouts(@TempDir Path proc) throws IOException {
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("self/mounts"), "cgroup /sys/fs/cgroup/cpu cgroup rw 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n");
        assertEquals(Path.of("/sys/fs/cgroup/unified"), CgroupResolver.findMount(proc).orElseThrow());
        Files.writeString(proc.resolve("self/mounts"), "cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n");
        assertEquals(Path.of("/sys/fs/cgroup"), CgroupResolver.findMount(proc).orElseThrow());
    }
}
