#!/usr/bin/env python3
"""Loopback HTTP server for tests: serves ROOT with Range support, and faults
chosen by a path prefix:
  /dropfirst/<n>/<path>  the first GET of this whole URL path is cut after n
                         body bytes (later ones, whatever their Range, are not)
  /corrupt/<path>        one byte of the body is flipped
  /norange/<path>        Range is ignored (always 200 with the whole file)
  /endless/<path>        200 without Content-Length: the file, then filler
                         bytes until the client hangs up (64 MB at most);
                         logs "endless sent N"
  /throttle/<bps>/<path> the body is sent at about bps bytes per second
  /status/<code>/...     answers with that status
  /redirect-loop/...     answers 302 pointing at itself, forever
  /hold/<name>/<path>    sends the headers, then holds the body until the file
                         ROOT/.release-<name> exists (tests see who is connected)
usage: httpd.py ROOT PORTFILE [--tls CERT KEY]
  binds 127.0.0.1:0, writes the port, logs "GET path range=..." per request;
  with --tls it speaks HTTPS with that certificate and key"""
import http.server, os, re, ssl, sys, threading, time

ROOT, PORTFILE = sys.argv[1], sys.argv[2]
TLS = sys.argv[4:6] if len(sys.argv) >= 6 and sys.argv[3] == "--tls" else None
seen = {}
lock = threading.Lock()

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, fmt, *a):
        sys.stdout.write("%s %s range=%s\n" % (self.command, self.path, self.headers.get("Range"))); sys.stdout.flush()

    def do_GET(self):
        path, drop, corrupt, norange, bps, hold = self.path.split("?")[0], None, False, False, None, None
        whole, endless = path, False
        while True:
            m = (re.match(r"^/(dropfirst|throttle)/(\d+)(/.*)$", path) or re.match(r"^/(corrupt|norange|endless)()(/.*)$", path)
                 or re.match(r"^/(hold)/(\w+)(/.*)$", path))
            s = re.match(r"^/status/(\d+)/", path)
            if s:
                self.send_response(int(s.group(1))); self.send_header("Content-Length", "0"); self.end_headers(); return
            if path.startswith("/redirect-loop/"):
                self.send_response(302); self.send_header("Location", self.path)
                self.send_header("Content-Length", "0"); self.end_headers(); return
            if not m: break
            kind, arg, path = m.group(1), m.group(2), m.group(3)
            if kind == "hold":
                hold = arg; continue
            if kind == "dropfirst":
                with lock:
                    first = whole not in seen
                    seen[whole] = True
                if first: drop = int(arg)
            elif kind == "throttle": bps = int(arg)
            elif kind == "corrupt": corrupt = True
            elif kind == "endless": endless = True
            else: norange = True
        f = os.path.join(ROOT, path.lstrip("/"))
        if ".." in path or not os.path.isfile(f):
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
        size = os.path.getsize(f)
        if endless:
            self.send_response(200); self.send_header("Connection", "close"); self.end_headers()
            self.close_connection = True
            sent = 0
            try:
                self.wfile.write(open(f, "rb").read()); sent = size
                while sent < 64 << 20:
                    self.wfile.write(b"\0" * 65536); sent += 65536
            except OSError:
                pass
            sys.stdout.write("endless sent %d\n" % sent); sys.stdout.flush()
            return
        start, end, status = 0, size - 1, 200
        r = self.headers.get("Range")
        if r and not norange:
            m = re.match(r"bytes=(\d+)-(\d*)$", r)
            if m:
                start = int(m.group(1)); end = int(m.group(2)) if m.group(2) else size - 1
                if start >= size:
                    self.send_response(416); self.send_header("Content-Range", "bytes */%d" % size)
                    self.send_header("Content-Length", "0"); self.end_headers(); return
                status = 206
        self.send_response(status)
        self.send_header("Content-Length", str(end - start + 1))
        if status == 206: self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
        self.end_headers()
        while hold and not os.path.exists(os.path.join(ROOT, ".release-" + hold)):
            time.sleep(0.05)
        with open(f, "rb") as fh:
            fh.seek(start); left = end - start + 1; sent = 0
            while left > 0:
                chunk = fh.read(min(65536, left, bps or 65536))
                if corrupt and sent == 0 and chunk:
                    chunk = bytes([chunk[0] ^ 0xff]) + chunk[1:]
                if drop is not None and sent + len(chunk) > drop:
                    self.wfile.write(chunk[: drop - sent]); self.wfile.flush()
                    self.close_connection = True; self.connection.shutdown(2); return
                try: self.wfile.write(chunk)
                except OSError: return
                sent += len(chunk); left -= len(chunk)
                if bps: time.sleep(len(chunk) / bps)

srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
if TLS:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(TLS[0], TLS[1])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
open(PORTFILE + ".tmp", "w").write(str(srv.server_address[1])); os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
