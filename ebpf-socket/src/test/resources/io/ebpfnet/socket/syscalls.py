# One process moving known bytes through many system calls, for AttachModesKernelTest. Prints "pid".
# TCP (a connected pair): send 100, write 200, writev 300+400, sendmsg 500+600 (2,100 bytes), peeked at
# (recv with MSG_PEEK, 50 bytes: a call that consumes nothing), then received with recv, read, readv,
# recvmsg and recv_into until all 2,100 are in. UDP (a connected pair): sendto 11,
# send 22, write 33, writev 44+55, sendmsg 66 (231 bytes, 5 datagrams), received with recvfrom, recv,
# read, readv and recvmsg (one each).
import os, socket, sys

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
if sent != 231:
    sys.exit(f"a short UDP send: {sent}")
r = receiver.fileno()
got = len(receiver.recvfrom(100)[0]) + len(receiver.recv(100)) + len(os.read(r, 100))
got += os.readv(r, [bytearray(50), bytearray(50)]) + len(receiver.recvmsg(100)[0])
if got != 231:
    sys.exit(f"UDP received {got}")
print(os.getpid(), flush=True)
