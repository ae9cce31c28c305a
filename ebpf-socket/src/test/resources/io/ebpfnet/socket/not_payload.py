# A process whose only "traffic" is not TCP or UDP payload: a raw TCP socket sniffing loopback while the
# test makes TCP traffic, and a UDP socket reading transmit timestamps from its error queue. It also
# sends 20 x 100 bytes of UDP (real payload, to a sink it never reads). Prints: pid raw_bytes errqueue_bytes
import os, socket, sys, time

SO_TIMESTAMPING = 37
SOF_TIMESTAMPING_TX_SOFTWARE = 1 << 1
SOF_TIMESTAMPING_SOFTWARE = 1 << 4

raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
raw.settimeout(0.05)
sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sink.bind(("127.0.0.1", 0))
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPING, SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE)
print("ready", flush=True)
for _ in range(20):
    udp.sendto(b"x" * 100, sink.getsockname())
err_bytes = 0
deadline = time.time() + 2
while time.time() < deadline and err_bytes == 0:
    try:
        while True:
            data, _, _, _ = udp.recvmsg(4096, 1024, socket.MSG_ERRQUEUE | socket.MSG_DONTWAIT)
            err_bytes += len(data)
    except BlockingIOError:
        time.sleep(0.01)
raw_bytes = 0
deadline = time.time() + float(sys.argv[1])
while time.time() < deadline:
    try:
        raw_bytes += len(raw.recv(65535))
    except socket.timeout:
        pass
print(os.getpid(), raw_bytes, err_bytes, flush=True)
