"""The real servers of bench/checker: one process listening on many ports of
every address (bind to 0.0.0.0), run in the guest's "rs" namespace.

    python3 bench_checker_backend.py FIRST_PORT COUNT READY_FILE

It serves TCP_CHECK and HTTP_GET alike: a connection that sends a request
gets "HTTP/1.0 200 OK" and is closed; one closed by the client (TCP_CHECK
connects and hangs up) is closed too.  Plain non-blocking sockets and one
epoll loop, no asyncio: under TCG every Python instruction counts, and the
backend must keep up with 10,000 checks a second.  SO_REUSEPORT lets a
second copy share the load on the second CPU.

The backend does not time anything: check times are the SYNs' kernel
timestamps, captured by tcpdump at the backends' interface, so a backend
that falls behind does not distort them.  SIGTERM or SIGINT: prints
"accepted N answered M" and exits.
"""

import os
import select
import signal
import socket
import sys

RESPONSE = (b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
            b"Content-Length: 3\r\nConnection: close\r\n\r\nok\n")


def listeners(first_port, count):
    socks = {}
    for port in range(first_port, first_port + count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        s.bind(("0.0.0.0", port))
        s.listen(4096)
        s.setblocking(False)
        socks[s.fileno()] = s
    return socks


def serve(socks, counts):
    ep = select.epoll()
    for fd in socks:
        ep.register(fd, select.EPOLLIN)
    conns = {}
    while True:
        for fd, _ in ep.poll(1.0, 1024):
            lsock = socks.get(fd)
            if lsock is not None:
                accept_all(lsock, ep, conns, counts)
                continue
            c = conns.pop(fd)
            ep.unregister(fd)
            try:
                if c.recv(4096):
                    c.send(RESPONSE)
                    counts[1] += 1
            except OSError:
                pass
            c.close()


def accept_all(lsock, ep, conns, counts):
    while True:
        try:
            c, _ = lsock.accept()
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            return
        counts[0] += 1
        c.setblocking(False)
        conns[c.fileno()] = c
        ep.register(c.fileno(), select.EPOLLIN)


def main():
    first, count, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    counts = [0, 0]

    def bye(signum, frame):
        print("accepted %d answered %d" % tuple(counts), flush=True)
        os._exit(0)
    signal.signal(signal.SIGTERM, bye)
    signal.signal(signal.SIGINT, bye)
    socks = listeners(first, count)
    open(ready, "w").close()
    serve(socks, counts)


if __name__ == "__main__":
    main()
