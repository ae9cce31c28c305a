# One process moving known bytes through io_uring, for AttachModesKernelTest. Prints "pid", or
# "unavailable: reason" (exit 3) where the kernel refuses io_uring. Raw system calls, no liburing.
# TCP (a connected pair): IORING_OP_SEND 1,000, IORING_OP_WRITE 200, IORING_OP_SENDMSG 300 and, where the
# kernel has it (6.0+), IORING_OP_SEND_ZC 400 (1,900 bytes, 4 calls), each received at once by
# IORING_OP_RECV, IORING_OP_READ, IORING_OP_RECVMSG and IORING_OP_RECV (4 calls). UDP (a connected pair):
# IORING_OP_SEND 111 and IORING_OP_SENDMSG 222, received by IORING_OP_RECV and IORING_OP_RECVMSG.
# Every operation is submitted and waited for alone, so each moves exactly its bytes.
import ctypes, ctypes.util, mmap, os, socket, struct, sys

libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
libc.syscall.restype = ctypes.c_long
SYS_IO_URING_SETUP, SYS_IO_URING_ENTER = 425, 426
OP_READ, OP_WRITE, OP_SENDMSG, OP_RECVMSG, OP_SEND, OP_RECV, OP_SEND_ZC = 22, 23, 9, 10, 26, 27, 47
ENTER_GETEVENTS = 1
CQE_F_MORE = 2


class Iovec(ctypes.Structure):
    _fields_ = [("iov_base", ctypes.c_void_p), ("iov_len", ctypes.c_size_t)]


class Msghdr(ctypes.Structure):
    _fields_ = [("msg_name", ctypes.c_void_p), ("msg_namelen", ctypes.c_uint32),
                ("msg_iov", ctypes.POINTER(Iovec)), ("msg_iovlen", ctypes.c_size_t),
                ("msg_control", ctypes.c_void_p), ("msg_controllen", ctypes.c_size_t), ("msg_flags", ctypes.c_int)]


class Ring:
    """One io_uring of 8 entries: submit one SQE, wait for its CQE(s)."""

    def __init__(self):
        params = ctypes.create_string_buffer(120)  # struct io_uring_params
        fd = libc.syscall(SYS_IO_URING_SETUP, 8, params)
        if fd < 0:
            err = ctypes.get_errno()
            print("unavailable: io_uring_setup: " + os.strerror(err))
            sys.exit(3)
        self.fd = fd
        raw = params.raw
        self.sq_entries, self.cq_entries = struct.unpack_from("II", raw, 0)
        self.features = struct.unpack_from("I", raw, 20)[0]
        sq = struct.unpack_from("IIIIIIIIQ", raw, 40)  # head, tail, ring_mask, ring_entries, flags, dropped, array
        cq = struct.unpack_from("IIIIIIIIQ", raw, 80)  # head, tail, ring_mask, ring_entries, overflow, cqes
        self.sq_head, self.sq_tail, self.sq_mask, self.sq_array = sq[0], sq[1], sq[2], sq[6]
        self.cq_head, self.cq_tail, self.cq_mask, self.cq_cqes = cq[0], cq[1], cq[2], cq[5]
        shared = mmap.MAP_SHARED | getattr(mmap, "MAP_POPULATE", 0x8000)
        self.sq = mmap.mmap(fd, self.sq_array + self.sq_entries * 4, shared, mmap.PROT_READ | mmap.PROT_WRITE, offset=0)
        self.cq = mmap.mmap(fd, self.cq_cqes + self.cq_entries * 16, shared, mmap.PROT_READ | mmap.PROT_WRITE,
                            offset=0x8000000)
        self.sqes = mmap.mmap(fd, self.sq_entries * 64, shared, mmap.PROT_READ | mmap.PROT_WRITE, offset=0x10000000)
        # The offsets name where the masks are; the masks are in the rings.
        self.sq_mask = struct.unpack_from("I", self.sq, self.sq_mask)[0]
        self.cq_mask = struct.unpack_from("I", self.cq, self.cq_mask)[0]

    def run(self, opcode, fd, addr, length, op_flags=0):
        """Submits one operation; returns its result (and waits for a zero-copy send's notification)."""
        tail = struct.unpack_from("I", self.sq, self.sq_tail)[0]
        index = tail & self.sq_mask
        sqe = struct.pack("BBHiQQIIQHHi16x", opcode, 0, 0, fd, 0, addr, length, op_flags, 1, 0, 0, 0)
        self.sqes[index * 64:index * 64 + 64] = sqe
        struct.pack_into("I", self.sq, self.sq_array + index * 4, index)
        struct.pack_into("I", self.sq, self.sq_tail, tail + 1)
        result, more = None, True
        submit = 1
        while more:
            if libc.syscall(SYS_IO_URING_ENTER, self.fd, submit, 1, ENTER_GETEVENTS, None, 0) < 0:
                raise OSError(ctypes.get_errno(), "io_uring_enter")
            submit = 0
            head = struct.unpack_from("I", self.cq, self.cq_head)[0]
            while head != struct.unpack_from("I", self.cq, self.cq_tail)[0]:
                _, res, flags = struct.unpack_from("QiI", self.cq, self.cq_cqes + (head & self.cq_mask) * 16)
                head += 1
                struct.pack_into("I", self.cq, self.cq_head, head)
                if result is None:
                    result = res
                    more = bool(flags & CQE_F_MORE)  # a zero-copy send posts a notification after
                else:
                    more = False
        if result < 0:
            raise OSError(-result, os.strerror(-result))
        return result


def buffer(n, fill=b"x"):
    b = ctypes.create_string_buffer(fill * n, n)
    return b, ctypes.addressof(b)


def msghdr(b, n):
    vector = Iovec(ctypes.cast(b, ctypes.c_void_p), n)
    header = Msghdr()
    header.msg_iov = ctypes.pointer(vector)
    header.msg_iovlen = 1
    return header, vector


def exactly(n, got, what):
    if got != n:
        raise SystemExit("%s moved %d bytes, not %d" % (what, got, n))


ring = Ring()
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
client = socket.create_connection(server.getsockname())
peer, _ = server.accept()
out, out_addr = buffer(1000)
into, into_addr = buffer(1000, b"\0")
exactly(1000, ring.run(OP_SEND, client.fileno(), out_addr, 1000), "SEND")
exactly(1000, ring.run(OP_RECV, peer.fileno(), into_addr, 1000), "RECV")
exactly(200, ring.run(OP_WRITE, client.fileno(), out_addr, 200), "WRITE")
exactly(200, ring.run(OP_READ, peer.fileno(), into_addr, 200), "READ")
sent, _v1 = msghdr(out, 300)
received, _v2 = msghdr(into, 300)
exactly(300, ring.run(OP_SENDMSG, client.fileno(), ctypes.addressof(sent), 1), "SENDMSG")
exactly(300, ring.run(OP_RECVMSG, peer.fileno(), ctypes.addressof(received), 1), "RECVMSG")
zero_copy = os.uname().release.split(".")[:2]
if (int(zero_copy[0]), int(zero_copy[1].split("-")[0])) >= (6, 0):
    exactly(400, ring.run(OP_SEND_ZC, client.fileno(), out_addr, 400), "SEND_ZC")
    exactly(400, ring.run(OP_RECV, peer.fileno(), into_addr, 400), "RECV after SEND_ZC")
else:
    # Before 6.0 there is no SEND_ZC: the same bytes and calls through a plain SEND.
    exactly(400, ring.run(OP_SEND, client.fileno(), out_addr, 400), "SEND")
    exactly(400, ring.run(OP_RECV, peer.fileno(), into_addr, 400), "RECV")

a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
a.bind(("127.0.0.1", 0))
b.bind(("127.0.0.1", 0))
a.connect(b.getsockname())
b.connect(a.getsockname())
exactly(111, ring.run(OP_SEND, a.fileno(), out_addr, 111), "UDP SEND")
exactly(111, ring.run(OP_RECV, b.fileno(), into_addr, 1000), "UDP RECV")
sent, _v3 = msghdr(out, 222)
received, _v4 = msghdr(into, 1000)
exactly(222, ring.run(OP_SENDMSG, a.fileno(), ctypes.addressof(sent), 1), "UDP SENDMSG")
exactly(222, ring.run(OP_RECVMSG, b.fileno(), ctypes.addressof(received), 1), "UDP RECVMSG")
print(os.getpid())
