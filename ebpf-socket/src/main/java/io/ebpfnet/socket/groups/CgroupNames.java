package io.ebpfnet.socket.groups;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Readable names for cgroup paths (v2 paths, and v1 paths from {@code /proc/<pid>/cgroup} without
 * their leading '/'): systemd services by their unit name, containers of docker, containerd, CRI-O,
 * podman and Kubernetes by runtime and short id; anything else by its path. Kubernetes' cgroupfs
 * driver ({@code kubepods/<qos>/pod<uid>/<id>}) does not say the runtime: those are {@code container-<id>}.
 */
public final class CgroupNames {
    private static final Pattern SERVICE = Pattern.compile("(?:^|/)([^/]+)\\.service$");
    private static final Pattern DOCKER = Pattern.compile("(?:docker-|(?:^|/)docker/)([0-9a-f]{12})[0-9a-f]*(?:\\.scope)?$");
    private static final Pattern CONTAINERD = Pattern.compile("cri-containerd-([0-9a-f]{12})[0-9a-f]*\\.scope$");
    private static final Pattern CRIO = Pattern.compile("crio-([0-9a-f]{12})[0-9a-f]*\\.scope$");
    private static final Pattern PODMAN = Pattern.compile("libpod-([0-9a-f]{12})[0-9a-f]*\\.scope$");
    private static final Pattern POD = Pattern.compile("pod([0-9a-f_-]{8})[0-9a-f_-]*(?:\\.slice|/)");
    private static final Pattern KUBE_CGROUPFS = Pattern.compile("(?:^|/)pod[0-9a-f_-]+/([0-9a-f]{12})[0-9a-f]{52}$");

    private CgroupNames() {
    }

    /** The systemd service a cgroup path is ("nginx" for ".../nginx.service"), or null. */
    public static String service(String path) {
        Matcher m = SERVICE.matcher(path);
        return m.find() ? m.group(1) : null;
    }

    /** A readable name for a cgroup path relative to its hierarchy's root ("" is the root: "/"). */
    public static String name(String path) {
        String container = container(path);
        if (container != null) {
            Matcher pod = POD.matcher(path);
            return path.contains("kubepods") && pod.find() ? "k8s-pod-" + pod.group(1).replace('_', '-') + "/" + container : container;
        }
        String service = service(path);
        if (service != null) {
            return service + ".service";
        }
        return path.isEmpty() ? "/" : path;
    }

    private static String container(String path) {
        Matcher m;
        if ((m = CONTAINERD.matcher(path)).find()) {
            return "containerd-" + m.group(1);
        }
        if ((m = CRIO.matcher(path)).find()) {
            return "crio-" + m.group(1);
        }
        if ((m = PODMAN.matcher(path)).find()) {
            return "podman-" + m.group(1);
        }
        if ((m = DOCKER.matcher(path)).find()) {
            return "docker-" + m.group(1);
        }
        if (path.contains("kubepods") && (m = KUBE_CGROUPFS.matcher(path)).find()) {
            return "container-" + m.group(1);
        }
        return null;
    }
}
