#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""serve-client: the HTTP clients the 'pfx serve' tests need, on loopback
only, each bounded in time.

  get URL [-H 'Name: value']... [-X METHOD] [-o FILE]
        print the status code; the body goes to FILE, the headers to
        FILE.headers (without -o both are dropped)
  raw HOST PORT TEXT        send TEXT (\\r\\n escapes allowed), print the reply
  hold HOST PORT SECONDS [BYTES]
        connect, send BYTES (default nothing), keep the connection SECONDS;
        print "closed after S" when the server closes it first
  flood HOST PORT SECONDS HOLD [RATE]
        for SECONDS, open connections (RATE a second at most; default: as
        fast as possible) that send nothing, keeping the last HOLD open
        (HOLD 0: connect and close at once); print how many were made
  crowd HOST PORT COUNT SECONDS BYTES
        open COUNT connections, each sending BYTES (e.g. half a request),
        print "ready", hold them SECONDS
  late HOST PORT COUNT      COUNT scrapes of /metrics, each waiting 5-50 ms
        between connecting and sending its request; print one line each:
        "ok MS" (a whole 200 answer within 1 s of connecting) or "fail WHY"
  pipeline HOST PORT COUNT  COUNT GETs in one write, one connection; print
        the status of each answer read (within 10 s), one a line
  query PROM_URL EXPR [TIME]
        a Prometheus instant query: print each result as 'labels value'
  freeport                  print a free loopback TCP port
"""
import collections
import json
import random
import signal
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


def get(args):
    url, headers, method, out = args[0], {}, "GET", None
    i = 1
    while i < len(args):
        if args[i] == "-H":
            k, v = args[i + 1].split(":", 1)
            headers[k.strip()] = v.strip()
        elif args[i] == "-X":
            method = args[i + 1]
        elif args[i] == "-o":
            out = args[i + 1]
        i += 2
    req = urllib.request.Request(url, headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            status, hdrs, body = r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        status, hdrs, body = e.code, e.headers, e.read()
    print(status, flush=True)
    if out:
        with open(out, "wb") as f:
            f.write(body)
        with open(out + ".headers", "w") as f:
            f.write(str(hdrs))


def raw(args):
    host, port, text = args[0], int(args[1]), args[2]
    data = text.encode().decode("unicode_escape").encode("latin-1")
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(data)
        reply = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                reply += chunk
        except (socket.timeout, ConnectionResetError):
            pass
    sys.stdout.buffer.write(reply)


def hold(args):
    host, port, secs = args[0], int(args[1]), float(args[2])
    data = args[3].encode().decode("unicode_escape").encode("latin-1") if len(args) > 3 else b""
    s = socket.create_connection((host, port), timeout=10)
    if data:
        s.sendall(data)
    t0 = time.monotonic()
    s.settimeout(0.2)
    while time.monotonic() - t0 < secs:
        try:
            # a client that does not read: peek only, never drain
            if s.recv(1, socket.MSG_PEEK) == b"":
                print("closed after %.1f" % (time.monotonic() - t0), flush=True)
                return
            time.sleep(0.2)
        except socket.timeout:
            pass
        except OSError:
            print("closed after %.1f" % (time.monotonic() - t0), flush=True)
            return
    s.close()
    print("held %.1f" % secs, flush=True)


def flood(args):
    host, port, secs, hold = args[0], int(args[1]), float(args[2]), int(args[3])
    rate = float(args[4]) if len(args) > 4 else 0
    socks, made, t0 = collections.deque(), 0, time.monotonic()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))  # stopped early: still count
    while time.monotonic() - t0 < secs and not stop:
        if rate and made % 10 == 0:
            ahead = t0 + made / rate - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
        try:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex((host, port))
        except OSError:
            time.sleep(0.001)  # out of descriptors or ports: let go
            if socks:
                socks.popleft().close()
            continue
        made += 1
        socks.append(s)
        while len(socks) > hold:
            socks.popleft().close()
    print(made, flush=True)


def crowd(args):
    host, port, count, secs = args[0], int(args[1]), int(args[2]), float(args[3])
    data = args[4].encode().decode("unicode_escape").encode("latin-1")
    socks = []
    for _ in range(count):
        try:
            s = socket.create_connection((host, port), timeout=2)
            s.sendall(data)
            socks.append(s)
        except OSError:
            pass
    print("ready", flush=True)
    time.sleep(secs)


def read_answer(s, deadline):
    """One HTTP answer on s: (status, whole), reading until Content-Length
    bytes of body are in or the deadline passes."""
    data = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None, False
        s.settimeout(left)
        head_end = data.find(b"\r\n\r\n")
        if head_end >= 0:
            head = data[:head_end].decode("latin-1").split("\r\n")
            length = 0
            for line in head[1:]:
                k, _, v = line.partition(":")
                if k.strip().lower() == "content-length":
                    length = int(v.strip())
            if len(data) >= head_end + 4 + length:
                return int(head[0].split()[1]), True
        chunk = s.recv(65536)
        if not chunk:
            return None, False
        data += chunk


def late(args):
    host, port, count = args[0], int(args[1]), int(args[2])
    for _ in range(count):
        t0 = time.monotonic()
        try:
            s = socket.create_connection((host, port), timeout=1)
            time.sleep(random.uniform(0.005, 0.050))
            s.sendall(b"GET /metrics HTTP/1.1\r\nHost: pfx\r\nConnection: close\r\n\r\n")
            status, whole = read_answer(s, t0 + 1.0)
            s.close()
            ms = (time.monotonic() - t0) * 1000
            if status == 200 and whole:
                print("ok %.0f" % ms, flush=True)
            else:
                print("fail status %s whole %s after %.0f ms" % (status, whole, ms), flush=True)
        except OSError as e:
            print("fail %s after %.0f ms" % (e, (time.monotonic() - t0) * 1000), flush=True)
        time.sleep(0.1)


def pipeline(args):
    host, port, count = args[0], int(args[1]), int(args[2])
    req = b"GET /metrics HTTP/1.1\r\nHost: pfx\r\n\r\n"
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(req * count)
    deadline = time.monotonic() + 10
    data = b""
    got = 0
    while got < count and time.monotonic() < deadline:
        # one answer at a time: head, then Content-Length bytes
        while b"\r\n\r\n" not in data:
            s.settimeout(max(deadline - time.monotonic(), 0.01))
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                chunk = b""
            if not chunk:
                return
            data += chunk
        head, _, data = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        length = 0
        for line in lines[1:]:
            k, _, v = line.partition(":")
            if k.strip().lower() == "content-length":
                length = int(v.strip())
        while len(data) < length:
            s.settimeout(max(deadline - time.monotonic(), 0.01))
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                chunk = b""
            if not chunk:
                return
            data += chunk
        data = data[length:]
        print(lines[0].split()[1], flush=True)
        got += 1


def query(args):
    url = args[0].rstrip("/") + "/api/v1/query?" + urllib.parse.urlencode(
        {"query": args[1], **({"time": args[2]} if len(args) > 2 else {})})
    with urllib.request.urlopen(url, timeout=10) as r:
        doc = json.load(r)
    if doc.get("status") != "success":
        sys.exit("query failed: %s" % doc)
    for res in doc["data"]["result"]:
        labels = ",".join("%s=%s" % kv for kv in sorted(res["metric"].items()))
        print(labels, res["value"][1])


def freeport(args):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])


cmds = {"get": get, "raw": raw, "hold": hold, "query": query, "freeport": freeport,
        "flood": flood, "crowd": crowd, "late": late, "pipeline": pipeline}
if len(sys.argv) < 2 or sys.argv[1] not in cmds:
    sys.exit(__doc__)
cmds[sys.argv[1]](sys.argv[2:])
