/**
 * Totals per application, cgroup and systemd service from the collector's process rows:
 * {@link io.ebpfnet.socket.groups.SocketGroups} keeps them across snapshots (exited processes' final
 * counts included), applications named by any {@link io.ebpfnet.socket.groups.AppRules} up the process
 * tree ({@link io.ebpfnet.socket.groups.AppGrouper}), cgroups resolved from their ids
 * ({@link io.ebpfnet.socket.groups.CgroupResolver}).
 */
package io.ebpfnet.socket.groups;
