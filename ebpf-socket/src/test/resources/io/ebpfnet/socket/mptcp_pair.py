# An MPTCP connection on loopback: the client sends N bytes, the server reads them and answers 7.
# Prints: pid sent received  (or "unsupported <reason>" when the kernel has no MPTCP).
import os, socket, sys, threading

IPPROTO_MPTCP = 262
n = int(sys.argv[1])
try:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
except OSError as e:
    print("unsupported", e, flush=True)
    sys.exit(0)
server.bind(("127.0.0.1", 0))
server.listen(1)
received = [0]

def serve():
    conn, _ = server.accept()
    while received[0] < n:
        data = conn.recv(65536)
        if not data:
            break
        received[0] += len(data)
    conn.sendall(b"a" * 7)
    conn.close()

t = threading.Thread(target=serve)
t.start()
client = socket.socket(socket.AF_INET, socket.SOCK_STREAM, IPPROTO_MPTCP)
client.connect(server.getsockname())
client.sendall(b"b" * n)
reply = 0
while reply < 7:
    data = client.recv(64)
    if not data:
        break
    reply += len(data)
client.close()
t.join()
print(os.getpid(), n + 7, received[0] + reply, flush=True)
