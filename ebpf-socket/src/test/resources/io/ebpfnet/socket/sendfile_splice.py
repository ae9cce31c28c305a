# sendfile() and splice() over loopback, in one process, for AttachModesKernelTest. argv: N M
# 1. TCP: sends an N-byte file with sendfile(); a thread receives it with recv().
# 2. UDP: sends the file's first M bytes (one datagram) with sendfile() on a connected socket; recv()s it.
# 3. TCP: a thread sends N bytes with send(); the first N/2 are received with splice() (socket -> pipe),
#    then read from the pipe (a pipe, not a socket: not socket traffic), the rest with recv().
# 4. TCP: N bytes written into a pipe are spliced into a socket (pipe -> socket); a thread recv()s them.
# Prints "pid": the process sent 3N TCP bytes and M UDP bytes, and received 3N TCP bytes (N/2 of them by
# splice()) and M UDP bytes.
import os, socket, sys, tempfile, threading

n, m = int(sys.argv[1]), int(sys.argv[2])


def tcp_pair():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname())
    accepted, _ = server.accept()
    server.close()
    return client, accepted


def receive_all(sock, total):
    got = 0
    while got < total:
        data = sock.recv(65536)
        if not data:
            break
        got += len(data)
    if got != total:
        sys.exit(f"received {got} of {total}")


with tempfile.TemporaryFile() as f:
    f.write(os.urandom(n))
    f.flush()

    client, accepted = tcp_pair()
    t = threading.Thread(target=receive_all, args=(accepted, n))
    t.start()
    offset = 0
    while offset < n:
        offset += os.sendfile(client.fileno(), f.fileno(), offset, n - offset)
    t.join()
    client.close()
    accepted.close()

    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.connect(receiver.getsockname())
    if os.sendfile(sender.fileno(), f.fileno(), 0, m) != m:
        sys.exit("a short UDP sendfile")
    if len(receiver.recv(65536)) != m:
        sys.exit("a short UDP datagram")
    sender.close()
    receiver.close()

client, accepted = tcp_pair()
t = threading.Thread(target=lambda: client.sendall(b"s" * n))
t.start()
r, w = os.pipe()
got = 0
while got < n // 2:
    moved = os.splice(accepted.fileno(), w, min(65536, n // 2 - got))
    if moved == 0:
        break
    got += moved
    left = moved
    while left:
        left -= len(os.read(r, left))
if got != n // 2:
    sys.exit(f"spliced {got} of {n // 2}")
receive_all(accepted, n - got)
t.join()
client.close()
accepted.close()

client, accepted = tcp_pair()
t = threading.Thread(target=receive_all, args=(accepted, n))
t.start()
left = n
while left:
    queued = os.write(w, b"p" * min(65536, left))  # at most a pipe's capacity
    while queued:
        moved = os.splice(r, client.fileno(), queued)
        queued -= moved
        left -= moved
t.join()
client.close()
accepted.close()
print(os.getpid(), flush=True)
