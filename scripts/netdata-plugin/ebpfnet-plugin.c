/*
 * ebpfnet.plugin: the Netdata agent's external plugin that starts the ebpfnet collector (a JVM) with
 * CAP_BPF and CAP_PERFMON (and CAP_NET_ADMIN if installed with it) and nothing else.
 *
 * scripts/install-netdata-plugin.sh compiles this file with the java binary, the jar and the JVM options
 * file fixed at build time (-DEBPFNET_JAVA, -DEBPFNET_JAR, -DEBPFNET_JVM_OPTIONS), installs it root:netdata 0750 and gives it those capabilities as
 * file capabilities in its permitted set only. This program raises each of them that it holds into the
 * ambient set and execs that java with that jar: the collector's JVM is the only process that ends up with
 * them, and it runs as the agent's user, never as root.
 *
 * Whoever runs it (a member of group netdata) chooses nothing that runs with the capabilities: the java
 * binary, the jar and the JVM's options (a root-owned file) are fixed; the environment is replaced by a fixed one (LD_PRELOAD,
 * LD_LIBRARY_PATH, JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS would otherwise load the caller's code into the JVM,
 * which the kernel does not treat as a privileged exec); the JVM's attach mechanism is off (a process of the
 * same user could otherwise load an agent into it). The only inputs are the update frequency (digits) and
 * the directory of ebpf.d/network.conf, which the collector only reads as the calling user.
 *
 * Usage, as the agent runs it: ebpfnet.plugin [UPDATE_EVERY]
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef EBPFNET_JAVA
#error "build with -DEBPFNET_JAVA='\"/path/to/jdk/bin/java\"' (scripts/install-netdata-plugin.sh does)"
#endif
#ifndef EBPFNET_JAR
#error "build with -DEBPFNET_JAR='\"/usr/lib/ebpfnet/ebpf-cli.jar\"' (scripts/install-netdata-plugin.sh does)"
#endif
#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

#ifndef EBPFNET_JVM_OPTIONS
#error "build with -DEBPFNET_JVM_OPTIONS='\"/usr/lib/ebpfnet/jvm.options\"' (scripts/install-netdata-plugin.sh does)"
#endif
#ifndef EBPFNET_CDS_ARCHIVE
#error "build with -DEBPFNET_CDS_ARCHIVE='\"/usr/lib/ebpfnet/ebpf-cli.jsa\"' (scripts/install-netdata-plugin.sh does)"
#endif

/* The collector's JVM options (heap, GC: the project's jvm.options, installed root's beside the jar),
 * then what this launcher needs, last so that nothing before overrides it: no attach listener (a process
 * of the same user could load an agent into the JVM through it), no hsperfdata file, and the VM's own
 * output (a thread dump on SIGQUIT, warnings) on stderr, as stdout carries the plugin protocol. */
#define JVM_FLAGS "@" EBPFNET_JVM_OPTIONS, "-XX:SharedArchiveFile=" EBPFNET_CDS_ARCHIVE, "-XX:+DisableAttachMechanism", \
                  "-XX:-UsePerfData", "-XX:+DisplayVMOutputToStderr"

/* The capabilities the collector may use, if the file capabilities grant them. */
static const struct {
    int cap;
    const char *name;
} WANTED[] = {{CAP_BPF, "CAP_BPF"}, {CAP_PERFMON, "CAP_PERFMON"}, {CAP_NET_ADMIN, "CAP_NET_ADMIN"}};

/* Adds every wanted capability this process holds to its inheritable and ambient sets, so that it
 * survives the exec of java; says on stderr (the agent's error.log) which ones. */
static void raise_ambient(void) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    if (syscall(SYS_capget, &header, data) != 0) {
        fprintf(stderr, "ebpfnet.plugin: capget: %s\n", strerror(errno));
        return;
    }
    char raised[128] = "";
    for (size_t i = 0; i < sizeof WANTED / sizeof WANTED[0]; i++) {
        int cap = WANTED[i].cap;
        __u32 bit = 1u << (cap % 32);
        if (!(data[cap / 32].permitted & bit)) {
            continue;
        }
        data[cap / 32].inheritable |= bit;
        if (syscall(SYS_capset, &header, data) != 0
                || prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long) cap, 0, 0) != 0) {
            fprintf(stderr, "ebpfnet.plugin: cannot pass %s on to the collector: %s\n", WANTED[i].name, strerror(errno));
            continue;
        }
        strncat(raised, " ", sizeof raised - strlen(raised) - 1);
        strncat(raised, WANTED[i].name, sizeof raised - strlen(raised) - 1);
    }
    fprintf(stderr, "ebpfnet.plugin: starting the collector as uid %u with%s\n", (unsigned) getuid(),
            raised[0] ? raised : " no capabilities from this plugin's file");
}

/* "NAME=value" for the agent's configuration directory NAME, which the collector reads its files from (as the
 * calling user), when it is an absolute path; else NULL (the collector then uses Netdata's default). */
static char *config_dir(const char *name) {
    const char *dir = getenv(name);
    if (dir == NULL || dir[0] != '/' || strlen(dir) > 4000) {
        return NULL;
    }
    char *entry = malloc(strlen(name) + strlen(dir) + 2);
    if (entry != NULL) {
        sprintf(entry, "%s=%s", name, dir);
    }
    return entry;
}

int main(int argc, char **argv) {
    const char *every = argc > 1 ? argv[1] : "5";
    if (argc > 2 || strlen(every) == 0 || strlen(every) > 4 || strspn(every, "0123456789") != strlen(every)) {
        fprintf(stderr, "ebpfnet.plugin: usage: ebpfnet.plugin [UPDATE_EVERY]\n");
        return 2; /* the collector's usage exit code */
    }
    char *user_dir = config_dir("NETDATA_USER_CONFIG_DIR");
    char *stock_dir = config_dir("NETDATA_STOCK_CONFIG_DIR");
    raise_ambient();
    if (chdir("/") != 0) {
        fprintf(stderr, "ebpfnet.plugin: chdir /: %s\n", strerror(errno));
        return 1;
    }
    /* One C heap, large freed blocks (libbpf's BTF parses) returned to the system, and huge pages asked for
     * for them, as scripts/jvm-env.sh sets them for run.sh: see ebpf-cli/jvm.options. */
    char *env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", "MALLOC_ARENA_MAX=1", "MALLOC_MMAP_THRESHOLD_=131072",
                   "GLIBC_TUNABLES=glibc.malloc.hugetlb=1", NULL, NULL, NULL};
    size_t n = 5;
    if (user_dir != NULL) {
        env[n++] = user_dir;
    }
    if (stock_dir != NULL) {
        env[n++] = stock_dir;
    }
    char *args[] = {EBPFNET_JAVA, JVM_FLAGS, "-jar", EBPFNET_JAR, "--netdata-plugin", "--interval", (char *) every, NULL};
    execve(EBPFNET_JAVA, args, env);
    fprintf(stderr, "ebpfnet.plugin: cannot run %s: %s; run scripts/install-netdata-plugin.sh again\n",
            EBPFNET_JAVA, strerror(errno));
    puts("DISABLE");
    return 1;
}
