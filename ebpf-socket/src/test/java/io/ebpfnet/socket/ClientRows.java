package io.ebpfnet.socket;

import java.util.ArrayList;
import java.util.List;

/** This process's TCP rows from clientPort to serverPort in one connection read: the bytes sent of the open and of the closed ones. */
record ClientRows(List<Long> open, List<Long> closed) {
    static ClientRows of(ConnectionTable t, int clientPort, int serverPort) {
        List<Long> open = new ArrayList<>();
        List<Long> closed = new ArrayList<>();
        for (int r = 0; r < t.size(); r++) {
            if (t.tgid(r) == Deltas.PID && t.protocol(r) == 6 && t.localPort(r) == clientPort && t.remotePort(r) == serverPort) {
                (t.closed(r) ? closed : open).add(t.bytesSent(r));
            }
        }
        return new ClientRows(open, closed);
    }
}
