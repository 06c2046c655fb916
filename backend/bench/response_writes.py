"""What writing an answer costs the web worker and its client: gunicorn's response (the head, then
the body: two sends) against config/gunicorn_workers.py's ``OneWriteResponse`` (one send).

Over a real loopback TCP connection with TCP_NODELAY, as gunicorn's: the writer sends answers one at
a time and waits for the reader (another process) to have read each whole, as a client does before
its next request on a kept-alive connection. Prints, per answer, the writer's CPU (user + system,
the send system calls included), the round trip, and how many reads the client needed (each read
that returned data is one wake-up of the client). Rounds alternate the two classes; each figure is
the median of its rounds.

    cd backend && ../.venv/bin/python bench/response_writes.py [--answers 20000] [--rounds 6]
"""

import argparse
import multiprocessing
import os
import socket
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from gunicorn.http import wsgi

from config.gunicorn_workers import OneWriteResponse

# The ceiling view's answer through the whole stack (its nine headers), and a cached product
# list's (~7 KB of JSON).
HEAD = [
    ("Content-Type", "application/json"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    (
        "Permissions-Policy",
        "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
        'magnetometer=(), microphone=(), midi=(), payment=(self "https://js.stripe.com"), usb=(), '
        "xr-spatial-tracking=()",
    ),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("X-Request-ID", "cf4782ee1a83477d940ebfb41cced671"),
]
BODIES = {
    "ceiling": b'{"status":"ok"}',
    "list": b'{"count":20000,"results":[' + b'{"id":1,"name":"x"},' * 360 + b"{}]}",
}


class _Request:
    method, version = "GET", (1, 1)

    def should_close(self) -> bool:
        return False


class _Config:
    sendfile, is_ssl, protocol = True, False, "http"


def _reader(port: int, answer_bytes: int, answers: int, reads_out) -> None:
    """The client: reads each answer whole, then says so (one byte), counting its reads."""
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        reads = 0
        for _ in range(answers):
            got = 0
            while got < answer_bytes:
                got += len(conn.recv(65536))
                reads += 1
            conn.sendall(b"!")
        reads_out.put(reads)


def _round(response_class, body: bytes, answers: int) -> tuple[float, float, float]:
    headers = [*HEAD, ("Content-Length", str(len(body)))]
    probe = _Socket()
    _answer(response_class, probe, headers, body)
    answer_bytes = len(probe.data)
    with socket.create_server(("127.0.0.1", 0)) as server:
        reads_out: multiprocessing.Queue = multiprocessing.Queue()
        client = multiprocessing.Process(
            target=_reader, args=(server.getsockname()[1], answer_bytes, answers, reads_out)
        )
        client.start()
        conn, _ = server.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with conn:
            cpu, wall = time.thread_time(), time.perf_counter()
            for _ in range(answers):
                _answer(response_class, conn, headers, body)
                conn.recv(1)
            cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
        reads = reads_out.get()
        client.join()
    return cpu / answers * 1e6, wall / answers * 1e6, reads / answers


class _Socket:
    def __init__(self) -> None:
        self.data = b""

    def sendall(self, data: bytes) -> None:
        self.data += data


def _answer(response_class, sock, headers, body: bytes) -> None:
    response = response_class(_Request(), sock, _Config())
    response.start_response("200 OK", headers)
    response.write(body)
    response.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    classes = {"gunicorn (head, then body)": wsgi.Response, "OneWriteResponse": OneWriteResponse}
    print(
        f"{args.answers} answers a round, {args.rounds} rounds each, alternating; load average {os.getloadavg()[0]:.2f}"
    )
    for name, body in BODIES.items():
        figures: dict[str, list[tuple[float, float, float]]] = {label: [] for label in classes}
        for _ in range(args.rounds):
            for label, response_class in classes.items():
                figures[label].append(_round(response_class, body, args.answers))
        print(f"\n## {name} answer ({len(body)} bytes of body)\n")
        print("| response | writer CPU µs/answer | round trip µs/answer | client reads/answer |")
        print("|---|---|---|---|")
        for label, rows in figures.items():
            cpu, wall, reads = (statistics.median(column) for column in zip(*rows, strict=True))
            print(f"| {label} | {cpu:.1f} | {wall:.1f} | {reads:.2f} |")


if __name__ == "__main__":
    main()
