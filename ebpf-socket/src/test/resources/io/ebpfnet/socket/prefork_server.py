# A pre-fork TCP server for AttachModesKernelTest: the parent listens on 127.0.0.1 (port 0, printed
# first), forks WORKERS workers and only waits for them; it never accepts. Each worker accepts in a loop
# until no connection came for IDLE seconds, reads each connection to EOF, closes it, and finally prints
# "<its pid> <connections it accepted>".
# Usage: python3 prefork_server.py [WORKERS] [IDLE_SECONDS]
import os
import socket
import sys

workers = int(sys.argv[1]) if len(sys.argv) > 1 else 3
idle = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0

listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(("127.0.0.1", 0))
listener.listen(64)
print(listener.getsockname()[1], flush=True)

children = []
for _ in range(workers):
    pid = os.fork()
    if pid == 0:
        accepted = 0
        listener.settimeout(idle)
        while True:
            try:
                conn, _ = listener.accept()
            except socket.timeout:
                break
            with conn:
                conn.settimeout(None)
                while conn.recv(65536):
                    pass
            accepted += 1
        os.write(1, ("%d %d\n" % (os.getpid(), accepted)).encode())  # one write: workers print at once
        os._exit(0)
    children.append(pid)

listener.close()
status = 0
for pid in children:
    _, code = os.waitpid(pid, 0)
    status |= code
sys.exit(1 if status else 0)
