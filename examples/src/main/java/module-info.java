/** The README's examples, compiled as a named module against the libraries' exported API only. */
module io.ebpfnet.examples {
    requires io.ebpfnet.socket;
}
