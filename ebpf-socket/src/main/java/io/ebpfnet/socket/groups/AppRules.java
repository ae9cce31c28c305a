package io.ebpfnet.socket.groups;

/**
 * Rules that name a process's application from its command name and command line, such as the
 * patterns of Netdata's {@code apps_groups.conf}. {@link AppGrouper} applies them up the process tree.
 */
@FunctionalInterface
public interface AppRules {
    /** The application of a process with this command name ({@code comm}) and command line, or null when no rule matches. */
    String match(String comm, String cmdline);
}
