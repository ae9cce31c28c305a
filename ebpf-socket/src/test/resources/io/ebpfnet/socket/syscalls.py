# One process moving known bytes through many system calls, for AttachModesKernelTest. Prints "pid".
# TCP (a connected pair): send 100, write 200, writev 300+400, sendmsg 500+600 (2,100 bytes), peeked at
# (recv with MSG_PEEK, 50 bytes: a call that consumes nothing), then received with recv, read, readv,
# recvmsg and recv_into until all 2,100 are in. UDP (a connected pair): sendto 11,
# send 22, write 33, writev 44+55, sendmsg 66, sendmmsg 77 and 88 (396 bytes, 7 datagrams, 7 calls: one per
# message), peeked at (recv with MSG_PEEK: a call that consumes nothing), received with recvfrom, recv,
# read, readv, recvmsg (one each) and recvmmsg (two messages).
import ctypes, ctypes.util, os, socket, sys

libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


class Iovec(ctypes.Structure):
    _fields_ = [("iov_base", ctypes.c_void_p), ("iov_len", ctypes.c_size_t)]


class Msghdr(ctypes.Structure):
    _fields_ = [("msg_name", ctypes.c_void_p), ("msg_namelen", ctypes.c_uint32),
                ("msg_iov", ctypes.POINTER(Iovec)), ("msg_iovlen", ctypes.c_size_t),
                ("msg_control", ctypes.c_void_p), ("msg_controllen", ctypes.c_size_t), ("msg_flags", ctypes.c_int)]


class Mmsghdr(ctypes.Structure):
    _fields_ = [("msg_hdr", Msghdr), ("msg_len", ctypes.c_uint)]


def messages(buffers):
    """An array of mmsghdr, one message per buffer (the buffers and vectors must outlive the call)."""
    vectors = [Iovec(ctypes.cast(b, ctypes.c_void_p), len(b)) for b in buffers]
    array = (Mmsghdr * len(buffers))()
    for i, v in enumerate(vectors):
        array[i].msg_hdr.msg_iov = ctypes.pointer(v)
        array[i].msg_hdr.msg_iovlen = 1
    return array, vectors

server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
client = socket.create_connection(server.getsockname())
peer, _ = server.accept()
c = client.fileno()
sent = client.send(b"a" * 100)
sent += os.write(c, b"b" * 200)
sent += os.writev(c, [b"c" * 300, b"d" * 400])
sent += client.sendmsg([b"e" * 500, b"f" * 600])
if sent != 2100:
    sys.exit(f"a short TCP send: {sent}")
got = 0
readers = [lambda: len(peer.recv(150)), lambda: len(os.read(peer.fileno(), 250)),
           lambda: os.readv(peer.fileno(), [bytearray(100), bytearray(200)]), lambda: len(peer.recvmsg(400)[0])]
buffer = bytearray(4096)
if len(peer.recv(50, socket.MSG_PEEK)) != 50:  # a call that reads nothing: the data stays queued
    sys.exit("a short peek")
i = 0
while got < 2100:
    got += readers[i]() if i < len(readers) else peer.recv_into(buffer, min(len(buffer), 2100 - got))
    i += 1
if got != 2100:
    sys.exit(f"TCP received {got}")

receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
receiver.bind(("127.0.0.1", 0))
sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sender.connect(receiver.getsockname())
receiver.connect(sender.getsockname())
u = sender.fileno()
sent = sender.sendto(b"g" * 11, receiver.getsockname())
sent += sender.send(b"h" * 22)
sent += os.write(u, b"i" * 33)
sent += os.writev(u, [b"j" * 44, b"k" * 55])
sent += sender.sendmsg([b"l" * 66])
out = [ctypes.create_string_buffer(b"m" * 77, 77), ctypes.create_string_buffer(b"n" * 88, 88)]
array, vectors = messages(out)
if libc.sendmmsg(u, array, 2, 0) != 2:
    sys.exit(f"sendmmsg: errno {ctypes.get_errno()}")
sent += array[0].msg_len + array[1].msg_len
if sent != 396:
    sys.exit(f"a short UDP send: {sent}")
r = receiver.fileno()
if len(receiver.recv(100, socket.MSG_PEEK)) != 11:  # a call that reads nothing: the datagram stays queued
    sys.exit("a short UDP peek")
got = len(receiver.recvfrom(100)[0]) + len(receiver.recv(100)) + len(os.read(r, 100))
got += os.readv(r, [bytearray(50), bytearray(50)]) + len(receiver.recvmsg(100)[0])
into = [ctypes.create_string_buffer(100), ctypes.create_string_buffer(100)]
array, vectors = messages(into)
if libc.recvmmsg(r, array, 2, 0, None) != 2:
    sys.exit(f"recvmmsg: errno {ctypes.get_errno()}")
got += array[0].msg_len + array[1].msg_len
if got != 396:
    sys.exit(f"UDP received {got}")
print(os.getpid(), flush=True)
