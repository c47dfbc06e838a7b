#!/usr/bin/env python3
"""An HTTP endpoint that records what it receives (webhook POSTs, heartbeat GETs).

usage: recorder.py PORT   (0: the system chooses; prints "listening on 127.0.0.1:PORT")

Every request outside /_control/ is recorded (method, path, headers, body) and answered with the
current status (200, or what POST /_control/status?code=N set). Control requests:
  GET  /_control/requests        the recorded requests as JSON
  POST /_control/status?code=N   answer later requests with N
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

lock = threading.Lock()
recorded = []
status = [200]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("recorder: " + (fmt % args) + "\n")

    def answer(self, code, body=b""):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlparse(self.path)
        if url.path == "/_control/requests":
            with lock:
                data = json.dumps(recorded).encode()
            return self.answer(200, data)
        if url.path == "/_control/status":
            with lock:
                status[0] = int(parse_qs(url.query)["code"][0])
            return self.answer(200, b"{}")
        with lock:
            recorded.append({
                "method": self.command,
                "path": self.path,
                "contentType": self.headers.get("Content-Type") or "",
                "body": body.decode("utf-8", "replace"),
            })
            code = status[0]
        self.answer(code, b'{"ok":true}' if code < 300 else b'{"error":"failing on purpose"}')

    do_GET = do_POST = do_PUT = handle_any


server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
print(f"listening on 127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
