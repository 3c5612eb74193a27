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
  query PROM_URL EXPR [TIME]
        a Prometheus instant query: print each result as 'labels value'
  freeport                  print a free loopback TCP port
"""
import json
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


cmds = {"get": get, "raw": raw, "hold": hold, "query": query, "freeport": freeport}
if len(sys.argv) < 2 or sys.argv[1] not in cmds:
    sys.exit(__doc__)
cmds[sys.argv[1]](sys.argv[2:])
