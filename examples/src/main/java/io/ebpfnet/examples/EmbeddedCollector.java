package io.ebpfnet.examples;

import io.ebpfnet.core.KernelDetection;
import io.ebpfnet.core.detect.AttachDecision;
import io.ebpfnet.core.detect.AttachMode;
import io.ebpfnet.core.detect.AttachModeChooser;
import io.ebpfnet.core.detect.AttachRequest;
import io.ebpfnet.socket.GlobalCounter;
import io.ebpfnet.socket.LoadMode;
import io.ebpfnet.socket.ProcessCounter;
import io.ebpfnet.socket.ProcessTable;
import io.ebpfnet.socket.SocketCollector;
import io.ebpfnet.socket.SocketCollectorOptions;
import io.ebpfnet.socket.SocketMonitor;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** Prints, every second, the host's TCP send rate and the process that has sent the most TCP bytes. */
public final class EmbeddedCollector {
    public static void main(String[] args) throws InterruptedException {
        run(args.length > 0 ? Integer.parseInt(args[0]) : 5, System.out);
    }

    public static void run(int intervals, PrintStream out) throws InterruptedException {
        // Loads a few probe programs to see what the kernel allows; trampolines first, if allowed.
        AttachDecision decision = AttachModeChooser.choose(AttachRequest.best(AttachMode.TRAMPOLINE), KernelDetection.detect());
        out.println("attach mode: " + decision.mode().cliName() + " (" + decision.reasons().getLast() + ")");
        SocketCollectorOptions options = SocketCollectorOptions.defaults(decision.mode()).withLoadMode(LoadMode.RETURN);
        CountDownLatch printed = new CountDownLatch(intervals);
        try (SocketMonitor monitor = SocketMonitor.start(SocketCollector.start(options), Duration.ofSeconds(1), interval -> {
            double sentKbit = interval.rates().perSecond(GlobalCounter.TCP_SEND_BYTES) * 8 / 1000;
            ProcessTable processes = interval.current().processes(); // cumulative, one row per process and cgroup
            int top = -1;
            for (int row = 0; row < processes.size(); row++) {
                if (top < 0 || processes.get(row, ProcessCounter.TCP_BYTES_SENT) > processes.get(top, ProcessCounter.TCP_BYTES_SENT)) {
                    top = row;
                }
            }
            out.printf("TCP sent %.1f kbit/s; most TCP bytes sent: %s%n", sentKbit, top < 0 ? "nobody"
                    : processes.name(top) + " (" + processes.tgid(top) + "), " + processes.get(top, ProcessCounter.TCP_BYTES_SENT) + " bytes");
            printed.countDown();
        })) {
            printed.await();
        }
    }
}
