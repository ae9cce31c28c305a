/**
 * BPF and kernels from Java: libbpf through the FFM API, and what the running kernel allows.
 *
 * <ul>
 *   <li>{@link io.ebpfnet.core}: load a BPF object ({@code BpfObject}), attach its programs
 *       ({@code BpfProgram}, {@code BpfLink}), read its maps in batches without copying
 *       ({@code BpfMap}, {@code MapReader}, {@code PerCpuValues}), and the typed
 *       {@code BpfException}s carrying the errno.</li>
 *   <li>{@link io.ebpfnet.core.detect}: what the kernel is and allows ({@code KernelDetection} makes a
 *       {@code DetectionReport} by loading real probe programs) and the attach-mode choice
 *       ({@code AttachModeChooser}).</li>
 * </ul>
 * The jextract bindings ({@code io.ebpfnet.core.internal.libbpf}) and the layer over them are not exported.
 * Native access must be enabled for this module ({@code --enable-native-access=io.ebpfnet.core}, or
 * {@code ALL-UNNAMED} on the class path).
 */
module io.ebpfnet.core {
    exports io.ebpfnet.core;
    exports io.ebpfnet.core.detect;
}
