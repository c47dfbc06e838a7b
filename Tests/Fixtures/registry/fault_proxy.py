#!/usr/bin/env python3
"""A fault-injecting HTTP proxy in front of a registry, for tests.

Usage: fault_proxy.py --port P (0: the system chooses; the port is printed) --upstream http://127.0.0.1:R [--cdn-upstream http://127.0.0.1:R2]
                      [--token-upstream http://127.0.0.1:T]

Control API (JSON):
  POST /__control/rules   [rule, ...]   replaces the rules
  GET  /__control/log                    every request seen: method, path, host, authorization
Rule fields: "match" (substring of the path), "method" (optional), "anonymous" (true: only requests
without Authorization), "times" (how many requests it applies to; -1 = always) and "action":
  status      answer "status" with "headers" and a small JSON error body (or "body", sent as is
              as text/plain)
  echo-auth   answer 403 with a text/plain body that echoes the Basic credentials received in
              every form (user:password, the password raw, base64 and percent-encoded, and
              base64 of user:password), as a careless server would; 401 when there are none
  truncate    forward, but send only half the body (Content-Length announces all of it) and close
  corrupt     forward with the last byte of the body changed (headers, digest included, kept)
  huge        answer 200 with a 9 MiB JSON body
  redirect    answer 307 to "target" + path ("target" may be another host, e.g. localhost:P/__cdn)
  headers     forward and add "headers" to the answer
  stall       wait "seconds" before forwarding
  expire      answer 401 (with the registry's last challenge) to requests whose Authorization was
              already seen when the rule was installed: a token the registry suddenly refuses
Requests under /__cdn/ are forwarded to --cdn-upstream (or --upstream) without Authorization.
Requests for /token go to --token-upstream when given (a token realm on the registry's origin).
"""
import argparse, base64, http.client, json, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, urlparse

HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization", "proxy-authenticate"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--cdn-upstream")
    ap.add_argument("--token-upstream")
    args = ap.parse_args()
    lock = threading.Lock()
    state = {"rules": [], "log": [], "seen_auth": set(), "challenge": 'Bearer realm="unknown"'}

    def upstream_conn(base):
        u = urlparse(base)
        return http.client.HTTPConnection(u.hostname, u.port, timeout=30)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def send_json(self, status, body, headers=()):
            data = json.dumps(body).encode()
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            if not any(k.lower() == "content-type" for k, _ in headers):
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def send_text(self, status, text, headers=()):
            data = text.encode()
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def control(self):
            if self.path == "/__control/rules":
                length = int(self.headers.get("Content-Length", "0"))
                rules = json.loads(self.rfile.read(length) or b"[]")
                with lock:
                    for r in rules:
                        r.setdefault("times", -1)
                        if r.get("action") == "expire":
                            r["stale"] = list(state["seen_auth"])
                    state["rules"] = rules
                return self.send_json(200, {"rules": len(rules)})
            if self.path == "/__control/log":
                with lock:
                    return self.send_json(200, state["log"])
            return self.send_json(404, {})

        def pick_rule(self, auth):
            with lock:
                for r in state["rules"]:
                    if r["times"] == 0 or r.get("match", "") not in self.path:
                        continue
                    if r.get("method") and r["method"] != self.command:
                        continue
                    if r.get("anonymous") and auth:
                        continue
                    if r.get("action") == "expire" and auth not in r.get("stale", []):
                        continue
                    if r["times"] > 0:
                        r["times"] -= 1
                    return dict(r)
            return None

        def handle_any(self):
            if self.path.startswith("/__control/"):
                return self.control()
            auth = self.headers.get("Authorization")
            with lock:
                state["log"].append({"method": self.command, "path": self.path, "host": self.headers.get("Host", ""),
                                     "authorization": auth is not None})
            if self.path.startswith("/__cdn/"):
                return self.forward(args.cdn_upstream or args.upstream, self.path[len("/__cdn"):], None, drop_auth=True)
            if args.token_upstream and urlparse(self.path).path == "/token":
                return self.forward(args.token_upstream, self.path, None)
            rule = self.pick_rule(auth)
            if auth:
                with lock:
                    state["seen_auth"].add(auth)
            action = rule and rule.get("action")
            if action == "stall":
                import time
                time.sleep(rule.get("seconds", 5))
            if action == "status" and "body" in rule:
                return self.send_text(rule.get("status", 503), rule["body"], list(rule.get("headers", {}).items()))
            if action == "echo-auth":
                if not (auth or "").startswith("Basic "):
                    return self.send_json(401, {"errors": [{"code": "UNAUTHORIZED", "message": "no credentials"}]})
                pair = base64.b64decode(auth[len("Basic "):]).decode()
                password = pair.split(":", 1)[1]
                b64 = lambda s: base64.b64encode(s.encode()).decode()
                return self.send_text(403, "denied; you sent: %s; password %s, base64 %s, url-encoded %s, basic %s"
                                      % (pair, password, b64(password), quote(password, safe=""), b64(pair)))
            if action == "status":
                return self.send_json(rule.get("status", 503), {"errors": [{"code": "FAULT", "message": "injected"}]},
                                      list(rule.get("headers", {}).items()))
            if action == "expire":
                return self.send_json(401, {"errors": [{"code": "UNAUTHORIZED", "message": "token expired"}]},
                                      [("WWW-Authenticate", state["challenge"] + ',error="invalid_token"')])
            if action == "huge":
                body = b'{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],"pad":"' \
                       + b"x" * (9 << 20) + b'"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/vnd.oci.image.index.v1+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True
                return
            if action == "redirect":
                self.send_response(307)
                self.send_header("Location", rule["target"] + self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            return self.forward(args.upstream, self.path, rule)

        def forward(self, base, path, rule, drop_auth=False):
            length = int(self.headers.get("Content-Length", "0") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP and k.lower() != "host"}
            if drop_auth:
                headers.pop("Authorization", None)
            conn = upstream_conn(base)
            conn.request(self.command, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read() if self.command != "HEAD" else b""
            out_headers = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP and k.lower() != "content-length"]
            if resp.status == 401:
                challenge = resp.getheader("WWW-Authenticate")
                if challenge:
                    with lock:
                        state["challenge"] = challenge.split(",error=")[0]
            action = rule and rule.get("action")
            if action == "headers":
                out_headers += list(rule.get("headers", {}).items())
            if action == "corrupt" and data:
                data = data[:-1] + (b" " if data[-1:] != b" " else b"\n")
            declared = int(resp.getheader("Content-Length", len(data)) or 0) if self.command == "HEAD" else len(data)
            self.send_response(resp.status)
            for k, v in out_headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(declared))
            if action == "truncate":
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data[: len(data) // 2] if action == "truncate" else data)
            if action == "truncate":
                self.wfile.flush()
                self.close_connection = True
            conn.close()

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    # With --port 0 the system chooses: the tests read the port from this line.
    print("listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
