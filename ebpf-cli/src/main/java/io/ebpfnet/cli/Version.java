package io.ebpfnet.cli;

/** {@code --version}: the version from the jar manifest (set by the build). */
final class Version {
    private Version() {
    }

    static String text() {
        String v = Version.class.getPackage().getImplementationVersion();
        return "ebpf-cli " + (v != null ? v : "(development build)");
    }
}
