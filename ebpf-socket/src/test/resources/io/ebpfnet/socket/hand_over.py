# One TCP socket used by several owners in turn, for AttachModesKernelTest. argv: PORT CGROUP_PROCS
# The parent connects to 127.0.0.1:PORT and sends 1000 bytes in 10 calls; a forked child sends 2000 in
# 4 calls and exits; the parent sends 300 in 3 calls; then, unless CGROUP_PROCS is "-", it moves itself
# into that cgroup (writes its pid there: a new cgroup, a new row) and sends 40 in 2 calls. Nothing
# reads the collector meanwhile, so each owner's share must be taken out of the socket's counts when
# the next owner takes it over. Prints "parent_pid child_pid".
import os, socket, sys

port, procs = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port))


def send(calls, size):
    for _ in range(calls):
        if s.send(b"x" * size) != size:
            sys.exit("a short send")


send(10, 100)
child = os.fork()
if child == 0:
    send(4, 500)
    os._exit(0)
os.waitpid(child, 0)
send(3, 100)
if procs != "-":
    with open(procs, "w") as f:
        f.write(str(os.getpid()))
    send(2, 20)
s.close()
print(os.getpid(), child, flush=True)
