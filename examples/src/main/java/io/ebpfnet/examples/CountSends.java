package io.ebpfnet.examples;

import io.ebpfnet.core.BpfObject;
import io.ebpfnet.core.MapReader;
import io.ebpfnet.core.PerCpuValues;
import io.ebpfnet.core.PossibleCpus;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/** Counts this process's sendto() calls with a BPF program of its own, read through ebpf-core. */
public final class CountSends {
    public static void main(String[] args) throws IOException {
        System.out.println("sendto() calls counted: " + count(args.length > 0 ? Integer.parseInt(args[0]) : 10));
    }

    /** Sends {@code datagrams} UDP datagrams to a closed port on loopback and returns the calls the kernel counted. */
    public static long count(int datagrams) throws IOException {
        try (BpfObject obj = BpfObject.open(CountSends.class.getResourceAsStream("count_sends.bpf.o"), "count_sends")) {
            obj.map("sends").setMaxEntries(4096);             // before load
            obj.load();                                       // a BpfVerifierException carries the verifier log
            obj.program("count_sendto").attach();             // detached when the object is closed
            try (DatagramChannel udp = DatagramChannel.open()) {
                for (int i = 0; i < datagrams; i++) {
                    udp.send(ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress(InetAddress.getLoopbackAddress(), 9));
                }
            }
            int self = (int) ProcessHandle.current().pid();
            long[] calls = {0};
            try (MapReader reader = obj.map("sends").reader(1024)) {
                long stride = obj.map("sends").valueStride();   // each CPU's copy, rounded up to 8 bytes
                reader.read((keys, values, n) -> {
                    for (int i = 0; i < n; i++) {
                        if (keys.get(ValueLayout.JAVA_INT_UNALIGNED, (long) i * reader.keySize()) == self) {
                            calls[0] = PerCpuValues.sumLong(values, i * reader.valueBufferSize(), 0, stride, PossibleCpus.count());
                        }
                    }
                });
            }
            return calls[0];
        }
    }
}
