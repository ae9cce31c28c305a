/**
 * Totals per application, cgroup and systemd service from the collector's process rows:
 * {@link io.ebpfnet.socket.groups.SocketGroups} keeps them across snapshots (exited processes' final
 * counts included), applications named by any {@link io.ebpfnet.socket.groups.AppRules} up the process
 * tree ({@link io.ebpfnet.socket.groups.AppGrouper}), cgroups resolved from their v2 ids
 * ({@link io.ebpfnet.socket.groups.CgroupResolver}) or, on cgroup v1 and hybrid hosts, read from
 * {@code /proc/<pid>/cgroup} ({@link io.ebpfnet.socket.groups.CgroupV1Paths}); which one,
 * {@link io.ebpfnet.socket.groups.CgroupLayout} decides.
 */
package io.ebpfnet.socket.groups;
