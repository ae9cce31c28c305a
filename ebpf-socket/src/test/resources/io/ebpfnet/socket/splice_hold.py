# splice() reads of a TCP socket, for AttachModesKernelTest. argv: N [close] (N at most 65536: one send
# that fits the socket buffers). N bytes sent over loopback TCP are received with splice() only (socket
# -> pipe, then read from the pipe). Prints "pid" and waits for a line on stdin before it closes the
# sockets, so that the collector reads the process while the receiving socket is still open; with
# "close", closes them at once.
import os, socket, sys

n = int(sys.argv[1])
if n > 65536:
    sys.exit("N must be at most 65536")
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
client = socket.create_connection(server.getsockname())
accepted, _ = server.accept()
server.close()
client.sendall(b"s" * n)
r, w = os.pipe()
got = 0
while got < n:
    moved = os.splice(accepted.fileno(), w, n - got)
    if moved == 0:
        break
    got += moved
    left = moved
    while left:
        left -= len(os.read(r, left))
if got != n:
    sys.exit(f"spliced {got} of {n}")
print(os.getpid(), flush=True)
if sys.argv[2:] != ["close"]:
    sys.stdin.readline()
client.close()
accepted.close()
