#!/usr/bin/env python3
"""Load on a Prometheus endpoint over loopback: stalled connections, concurrent scrapers, and the
serving process's resident memory. Run by scripts/prometheus-bench.sh; prints each figure beside its
goal and exits 1 when a goal is missed. Every loop is bounded in count and time.

The clients are plain non-blocking sockets on one selector (an asyncio stream costs several times
more CPU per connection, and on 2 CPUs the clients' own cost shows in the latencies they measure)."""
import argparse
import errno
import gzip
import os
import selectors
import socket
import sys
import time
from urllib.parse import urlsplit

TIMEOUT = 5.0  # a scrape slower than this is a failure, not a figure


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid):
    """User + system CPU time of the process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def check_answer(data):
    head, _, body = data.partition(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0]
    if not status.startswith(b"HTTP/1.1 200"):
        return f"answer {status[:60]!r}"
    length = [int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.lower().startswith(b"content-length:")]
    if not length or length[0] != len(body):
        return f"body of {len(body)} bytes, Content-Length {length}"
    return None


class Scrapes:
    """Scrapes on new connections (Connection: close), many in flight on one selector. An answer is
    checked for its status and Content-Length, not decompressed (that would time the clients)."""

    def __init__(self, host, port, path, pid, no_gzip):
        self.addr = (host, port)
        # Prometheus's own request asks for gzip; --no-gzip asks for the text as it is.
        encoding = "" if no_gzip else "Accept-Encoding: gzip\r\n"
        self.request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{encoding}Connection: close\r\n\r\n".encode()
        self.pid = pid
        self.sel = selectors.DefaultSelector()
        self.peak_rss = 0
        self.next_sample = 0.0

    def start(self, on_done):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        started = time.perf_counter()
        err = s.connect_ex(self.addr)
        if err not in (0, errno.EINPROGRESS):
            s.close()
            on_done(None, os.strerror(err))
            return
        self.sel.register(s, selectors.EVENT_WRITE, [started, bytearray(), on_done, False])

    def sample(self):
        now = time.perf_counter()
        if self.pid and now >= self.next_sample:
            self.peak_rss = max(self.peak_rss, rss_kib(self.pid))
            self.next_sample = now + 0.05

    def run(self):
        """Drives every scrape in flight to its end (or TIMEOUT)."""
        while self.sel.get_map():
            self.sample()
            for key, events in self.sel.select(timeout=0.05):
                s, (started, buf, on_done, sent) = key.fileobj, key.data
                try:
                    if not sent:
                        err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                        if err:
                            raise OSError(err, os.strerror(err))
                        s.send(self.request)  # small: the socket takes it whole
                        key.data[3] = True
                        self.sel.modify(s, selectors.EVENT_READ, key.data)
                        continue
                    chunk = s.recv(262144)
                    if chunk:
                        buf += chunk
                        continue
                    self.finish(s)
                    bad = check_answer(bytes(buf))
                    on_done(None if bad else time.perf_counter() - started, bad)
                except OSError as e:
                    self.finish(s)
                    on_done(None, repr(e))
            now = time.perf_counter()
            for key in list(self.sel.get_map().values()):
                if now - key.data[0] > TIMEOUT:
                    self.finish(key.fileobj)
                    key.data[2](None, "timeout")

    def finish(self, s):
        self.sel.unregister(s)
        s.close()


def pct(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(round(p / 100 * (len(sorted_values) - 1))))]


def summary(results):
    ok = sorted(t for t, _ in results if t is not None)
    bad = [info for t, info in results if t is None]
    p = {q: (pct(ok, q) * 1000 if ok else float("inf")) for q in (50, 99, 100)}
    return ok, bad, p


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--pid", type=int, required=True, help="the serving process, for its RSS")
    ap.add_argument("--stalled", type=int, default=300)
    ap.add_argument("--scrapers", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--no-gzip", action="store_true", help="scrape without Accept-Encoding: gzip")
    ap.add_argument("--idle", type=float, default=15.0, help="seconds the collector is watched unscraped first")
    a = ap.parse_args()
    u = urlsplit(a.url)
    host, port, path = u.hostname, u.port, u.path or "/"
    missed = []

    def report(name, value, goal, ok, unit=""):
        print(f"{name:<52} {value:>10}{unit:<4} goal {goal:<12} {'ok' if ok else 'MISSED'}")
        if not ok:
            missed.append(name)

    scrapes = Scrapes(host, port, path, a.pid, a.no_gzip)
    results = []
    # Control: the collector's RSS grows without any scrape too (its own reads and allocation, which
    # follow the host's process and connection churn, and the JVM touching heap pages for the first
    # time). Watched for as long as the load below usually lasts, before any scrape.
    time.sleep(2)
    at_rest = rss_kib(a.pid)
    idle_peak = at_rest
    idle_end = time.perf_counter() + a.idle
    while time.perf_counter() < idle_end:
        time.sleep(0.05)
        idle_peak = max(idle_peak, rss_kib(a.pid))
    before_load = rss_kib(a.pid)
    scrapes.peak_rss = before_load
    load_started = time.perf_counter()

    def record(t, info):
        results.append((t, info))

    # Warm-up: 3000 scrapes, 50 in flight, so that the JIT has compiled the server's paths and the
    # heap has grown to its working size before the baseline is taken.
    left = [3000]

    def warm(t, info):
        record(t, info)
        if left[0] > 0:
            left[0] -= 1
            scrapes.start(warm)

    for _ in range(50):
        left[0] -= 1
        scrapes.start(warm)
    scrapes.run()
    warm_ok, warm_bad, _ = summary(results)
    if warm_bad:
        print(f"{len(warm_bad)} of {len(results)} warm-up scrapes (50 at once) failed: {warm_bad[0]}")
        missed.append("warm-up")
    time.sleep(2)
    baseline = rss_kib(a.pid)
    with socket.create_connection((host, port), TIMEOUT) as s:
        s.sendall(scrapes.request)
        head, _, body = b"".join(iter(lambda: s.recv(65536), b"")).partition(b"\r\n\r\n")
    sizes = f"{len(body)} bytes"
    if b"\r\ncontent-encoding: gzip" in head.lower():
        sizes = f"{len(gzip.decompress(body))} bytes, {len(body)} gzipped"
    print(f"endpoint {a.url}, body {sizes}, RSS before any scrape {before_load / 1024:.1f} MiB, after the warm-up {baseline / 1024:.1f} MiB, "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")

    # 1. Stalled connections: each sends half a request and waits; then scrapes, one at a time.
    stalled = []
    for _ in range(a.stalled):
        try:
            s = socket.create_connection((host, port), TIMEOUT)
        except OSError as e:
            print(f"stalled connection {len(stalled) + 1} could not connect: {e!r}")
            break
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n".encode())
        stalled.append(s)
    time.sleep(0.5)
    results.clear()
    for _ in range(20):
        scrapes.start(record)
        scrapes.run()
    still_open = 0
    for s in stalled:
        s.setblocking(False)
        try:
            s.recv(1)  # anything, or end of stream, means the server gave up on it already
        except BlockingIOError:
            still_open += 1
        except OSError:
            pass
        s.close()
    ok, bad, p = summary(results)
    report(f"scrape with {len(stalled)} stalled connections open, max", f"{p[100]:.1f}", "< 100 ms",
           p[100] < 100 and not bad and len(stalled) == a.stalled, " ms")
    print(f"  ({len(bad)} of 20 scrapes failed{': ' + bad[0] if bad else ''}; "
          f"{still_open} stalled connections were still open and unanswered at the end)")

    # 2. Concurrent scrapers: rounds of bursts, every scraper at the same instant (aligned scrape
    #    intervals, the worst case for a server), a round every 250 ms.
    results.clear()
    cpu_before, own_before = cpu_seconds(a.pid), time.process_time()
    started = time.perf_counter()
    for r in range(a.rounds):
        round_start = time.perf_counter()
        for _ in range(a.scrapers):
            scrapes.start(record)
        scrapes.run()
        time.sleep(max(0.0, round_start + 0.25 - time.perf_counter()))
    elapsed = time.perf_counter() - started
    server_cpu, client_cpu = cpu_seconds(a.pid) - cpu_before, time.process_time() - own_before
    ok, bad, p = summary(results)
    print(f"{a.scrapers} scrapers at once, {a.rounds} rounds: {len(results)} scrapes in {elapsed:.1f} s, "
          f"p50 {p[50]:.1f} ms, max {p[100]:.1f} ms, {len(bad)} failed{' (' + bad[0] + ')' if bad else ''}; "
          f"CPU: server {server_cpu:.2f} s, these clients {client_cpu:.2f} s")
    report(f"{a.scrapers} concurrent scrapers, p99", f"{p[99]:.1f}", "<= 100 ms", p[99] <= 100, " ms")
    report(f"{a.scrapers} concurrent scrapers, failed scrapes", str(len(bad)), "0", not bad)

    # 3. Not a goal, a figure: the same scrapers back to back (each starts again as soon as it is
    #    answered), which measures throughput on 2 CPUs shared by the server and these clients.
    results.clear()
    left = [a.rounds * a.scrapers]

    def again(t, info):
        record(t, info)
        if left[0] > 0:
            left[0] -= 1
            scrapes.start(again)

    cpu_before = cpu_seconds(a.pid)
    started = time.perf_counter()
    for _ in range(a.scrapers):
        left[0] -= 1
        scrapes.start(again)
    scrapes.run()
    elapsed = time.perf_counter() - started
    ok, bad, p = summary(results)
    print(f"(back to back, {a.scrapers} in flight: {len(results)} scrapes in {elapsed:.1f} s, {len(ok) / elapsed:.0f}/s, "
          f"p50 {p[50]:.1f} ms, p99 {p[99]:.1f} ms, {len(bad)} failed; server CPU "
          f"{(cpu_seconds(a.pid) - cpu_before) / max(1, len(results)) * 1e6:.0f} us per scrape)")

    load_seconds = time.perf_counter() - load_started
    growth = (scrapes.peak_rss - before_load) / 1024
    idle_growth = (idle_peak - at_rest) / 1024
    print(f"collector RSS: {at_rest / 1024:.1f} MiB at rest, +{idle_growth:.1f} MiB in {a.idle:.0f} s unscraped; "
          f"{before_load / 1024:.1f} MiB before the load, {baseline / 1024:.1f} after the warm-up, "
          f"peak {scrapes.peak_rss / 1024:.1f} (+{growth:.1f} MiB in {load_seconds:.0f} s of load), "
          f"{rss_kib(a.pid) / 1024:.1f} at the end")
    report("RSS growth under scrape load (peak - before)", f"{growth:.1f}", "<= 20 MiB", growth <= 20, " MiB")
    if missed:
        print(f"MISSED: {', '.join(missed)}")
        return 1
    print("all goals met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
