package io.ebpfnet.cli.prometheus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * One client connection of the metrics endpoint, driven by the server's selector thread: it never
 * blocks. A request head that arrives whole (the usual case) is read into the server's scratch buffer
 * and answered at once; only the unanswered part of a head (a slow or stalled client) is kept, in a
 * buffer of the connection's own. Requests on one connection are answered in order (keep-alive,
 * pipelining). Each state has a deadline, so a client that stops sending or reading is closed
 * instead of holding anything.
 */
final class ScrapeConnection {
    /** Longest request head accepted; Prometheus sends about 250 bytes. */
    static final int MAX_HEAD = 4096;
    /** A started request must be complete within this time, and an answer read within it. */
    static final long IO_TIMEOUT_NANOS = 10_000_000_000L;
    /** An open connection with no request in progress is closed after this time. */
    static final long IDLE_TIMEOUT_NANOS = 60_000_000_000L;
    /** The first size of a kept partial head; it grows to MAX_HEAD when needed. */
    private static final int FIRST_PENDING = 1024;

    private final SocketChannel channel;
    private final SelectionKey key;
    private final Responses responses;
    /** The selector thread's read buffer, MAX_HEAD bytes, shared by all connections: empty between calls. */
    private final ByteBuffer scratchBuffer;
    private final byte[] scratch;
    /** The start of a request head that has not arrived whole, or null. */
    private byte[] pending;
    private int pendingLength;
    /** The answer being written (status and headers, body), or nulls. */
    private final ByteBuffer[] response = new ByteBuffer[2];
    private boolean closeAfterWrite;
    /** The last answer is out and our side closed: what the client still sends is discarded until it closes. */
    private boolean draining;
    private long deadline;
    private final long opened;

    ScrapeConnection(SocketChannel channel, SelectionKey key, Responses responses, ByteBuffer scratch, long now) {
        this.channel = channel;
        this.key = key;
        this.responses = responses;
        this.scratchBuffer = scratch;
        this.scratch = scratch.array();
        this.opened = now;
        this.deadline = now + IDLE_TIMEOUT_NANOS;
    }

    long deadline() {
        return deadline;
    }

    /** When the connection was accepted: the oldest goes first when the server is full. */
    long opened() {
        return opened;
    }

    void close() {
        key.cancel();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket the peer already reset: nothing left to release
        }
    }

    /** Reads what arrived and answers every complete request; closes on end of stream or an error. */
    void readable(long now) {
        try {
            if (draining) {
                drain();
                return;
            }
            byte[] buf = pending != null ? pending : scratch;
            int have = pending != null ? pendingLength : 0;
            if (have == buf.length) {
                buf = pending = Arrays.copyOf(pending, MAX_HEAD); // a full pending head is shorter than MAX_HEAD: serve() answered 431 otherwise
            }
            int n = channel.read(buf == scratch ? scratchBuffer.clear() : ByteBuffer.wrap(buf, have, buf.length - have));
            if (n < 0) {
                close();
                return;
            }
            if (n > 0 && have == 0) {
                deadline = Math.min(deadline, now + IO_TIMEOUT_NANOS); // a request has started
            }
            serve(buf, have + n, now);
        } catch (IOException e) {
            close(); // reset by the peer: its business, not the operator's
        }
    }

    /** Writes what the socket takes of the answer in progress, then answers what is waiting. */
    void writable(long now) {
        try {
            if (flush(now)) {
                serve(pending != null ? pending : scratch, pendingLength, now);
            }
        } catch (IOException e) {
            close();
        }
    }

    /** Answers the complete heads in {@code buf[0, length)} while the socket takes the answers; keeps the rest. */
    private void serve(byte[] buf, int length, long now) throws IOException {
        int from = 0;
        while (true) {
            int end = RequestHead.end(buf, from, length);
            if (end < 0) {
                if (length - from >= MAX_HEAD) {
                    responses.tooLarge(response);
                    closeAfterWrite = true;
                    from = length;
                    flush(now);
                }
                break;
            }
            RequestHead request = RequestHead.parse(buf, from, end);
            from = end;
            closeAfterWrite = responses.answer(request, response);
            if (!flush(now)) {
                break;
            }
        }
        keep(buf, from, length);
        if (pendingLength > 0 && response[0] == null && !draining) {
            deadline = Math.min(deadline, now + IO_TIMEOUT_NANOS); // the next request has started
        }
    }

    /** Keeps {@code buf[from, length)}, what is not answered yet, as the pending head. */
    private void keep(byte[] buf, int from, int length) {
        int left = length - from;
        if (left == 0 || draining || !channel.isOpen()) {
            pending = null;
            pendingLength = 0;
            return;
        }
        if (buf == scratch) {
            pending = Arrays.copyOfRange(scratch, from, from + Math.max(left, FIRST_PENDING));
        } else {
            System.arraycopy(buf, from, buf, 0, left);
        }
        pendingLength = left;
    }

    /** Writes; true when the answer is out and the connection is ready for the next request. */
    private boolean flush(long now) throws IOException {
        channel.write(response);
        if (response[0].hasRemaining() || response[1].hasRemaining()) {
            interest(SelectionKey.OP_WRITE);
            deadline = now + IO_TIMEOUT_NANOS;
            return false;
        }
        response[0] = null;
        response[1] = null;
        interest(SelectionKey.OP_READ);
        if (closeAfterWrite) {
            // Unread bytes (a request body) at close would make the kernel reset the connection and
            // the client could lose the answer: close our side, then discard until the client closes.
            channel.shutdownOutput();
            draining = true;
            deadline = now + IO_TIMEOUT_NANOS;
            drain();
            return false;
        }
        deadline = now + IDLE_TIMEOUT_NANOS;
        return true;
    }

    /** Changing the interest set costs a system call at the next select: only when it changes. */
    private void interest(int ops) {
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    /** One read per readiness event, so a client that keeps sending cannot hold the selector thread. */
    private void drain() throws IOException {
        if (channel.read(scratchBuffer.clear()) < 0) {
            close();
        }
    }
}
