/**
 * BPF objects from Java, over libbpf: {@link io.ebpfnet.core.BpfObject} opens an object (from bytes or
 * a stream, e.g. a resource of the caller's), sizes its maps and chooses its programs before
 * {@link io.ebpfnet.core.BpfObject#load()}; {@link io.ebpfnet.core.BpfProgram} attaches
 * ({@link io.ebpfnet.core.BpfLink}), runs iterators ({@link io.ebpfnet.core.BpfIterator}) and cgroup
 * programs; {@link io.ebpfnet.core.BpfMap} reads and writes single entries, batches through
 * {@link io.ebpfnet.core.MapReader} (per-CPU values summed in place with {@link io.ebpfnet.core.PerCpuValues},
 * CPUs counted as libbpf does: {@link io.ebpfnet.core.PossibleCpus}) and ring buffers
 * ({@link io.ebpfnet.core.BpfRingBuffer}). {@link io.ebpfnet.core.Btf} reads kernel and object BTF;
 * {@link io.ebpfnet.core.KernelDetection} makes the {@link io.ebpfnet.core.detect.DetectionReport}.
 *
 * <p>Every failure is a {@link io.ebpfnet.core.BpfException} (or a subtype: permission, verifier,
 * unsupported) carrying the errno and what to do. Everything native has one owner and is
 * {@link java.lang.AutoCloseable}; an object nobody closed is freed by a cleaner, with a warning.
 */
package io.ebpfnet.core;
