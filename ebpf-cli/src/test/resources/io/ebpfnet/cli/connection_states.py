# Loopback TCP connections in a prefork server's shape, for ConnectionStatesTest: this process listens and
# connects N clients plus one more; a forked worker accepts them (after a pause, so that a read sees them
# unclaimed, owned by the listener's process), sends 3 bytes on each, then the N pairs close, the clients
# first or the worker first (ORDER: client_first | server_first). The extra pair stays open until stdin
# closes. Prints "port P", then "closed" once both sides of the N pairs are closed.
import os, socket, sys, time

n, order = int(sys.argv[1]), sys.argv[2]
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1024)
print("port", srv.getsockname()[1], flush=True)
clients = [socket.create_connection(srv.getsockname()) for _ in range(n + 1)]
to_worker_r, to_worker_w = os.pipe()
to_parent_r, to_parent_w = os.pipe()
worker = os.fork()
if worker == 0:
    for c in clients:
        c.close()                        # the parent's: only it holds them
    time.sleep(1.5)
    accepted = [srv.accept()[0] for _ in range(n + 1)]
    for a in accepted:
        a.sendall(b"abc")
    os.write(to_parent_w, b"s")          # sent
    if order == "client_first":
        os.read(to_worker_r, 1)          # the clients closed
    for a in accepted[:n]:
        a.close()
    os.write(to_parent_w, b"c")
    sys.stdin.read()                     # until the test is done: keeps the open pair open
    os._exit(0)
os.read(to_parent_r, 1)
for c in clients:
    assert c.recv(3) == b"abc"
if order == "server_first":
    os.read(to_parent_r, 1)              # the worker closed
for c in clients[:n]:
    c.close()
if order == "client_first":
    os.write(to_worker_w, b"g")
    os.read(to_parent_r, 1)
print("closed", flush=True)
sys.stdin.read()
os.waitpid(worker, 0)
