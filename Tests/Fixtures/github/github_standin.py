#!/usr/bin/env python3
"""A stand-in for the GitHub issues REST API, for trackbot's tests only.

Usage: github_standin.py PORT TOKEN   (PORT 0: the system chooses; the port is printed)

Keeps issues in memory, paginates lists at 30 per page with Link headers, requires
`Authorization: Bearer TOKEN` (or `token TOKEN`) on /repos/, and records every request.
Speaks HTTP/1.1 and keeps connections alive, like the real API.
Control endpoints (no auth):
  GET  /_control/requests           every recorded request: [{method, path, body, connection}]
                                    (connection: serial number of the TCP connection it came on)
  POST /_control/seed   {"repo", "issues": [{title, body, state, labels}]}
  POST /_control/fail   {"mode": "create-then-stall"|"create-then-502"|"create-then-drop"|"rate-limit"|"primary-rate-limit"|"502"|"foreign-link",
                         "method": "POST"|"GET"|"PATCH"|null, "count": N, "stall": seconds,
                         "retry": seconds (retry-after, or x-ratelimit-reset from now)}
  GET  /_control/issues?repo=o/r  every stored issue, all fields
  POST /_control/close  {"repo", "number", "by"}   closes an issue as another user would (closed_by = by)
Issues closed through the API are closed by "trackbot-token-user"; GET /repos/o/r/issues/N
answers closed_by and closed_at as the real API does (the list endpoint leaves closed_by out).
create-then-drop: the request takes effect, then the connection is closed without a byte of
answer (what GitHub sometimes does to a kept-alive connection; libcurl resends the request on a
new connection when the dropped one was reused).
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs, urlencode

PORT = int(sys.argv[1])
TOKEN = sys.argv[2]
PER_PAGE_MAX = 30  # like the real API, whatever per_page asks for beyond it here

lock = threading.Lock()
repos = {}          # "o/r" -> list of issue dicts
requests_log = []   # {method, path, body, authorized, time, connection}
failures = []       # pending failure rules
comments = {}       # ("o/r", number) -> [body]
pulls = {}          # "o/r" -> [{"number", "state"}] for GET /repos/o/r/pulls
connections = 0     # TCP connections accepted so far


def issue_json(repo, issue, single=False):
    out = {
        "number": issue["number"], "title": issue["title"], "body": issue["body"],
        "state": issue["state"], "labels": [{"name": n} for n in issue["labels"]],
        "url": f"http://127.0.0.1:{PORT}/repos/{repo}/issues/{issue['number']}",
        "closed_at": issue.get("closed_at"),
    }
    if single:
        by = issue.get("closed_by")
        out["closed_by"] = {"login": by} if by else None
    return out


def close(issue, by):
    issue["state"] = "closed"
    issue["closed_by"] = by
    issue["closed_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def new_issue(repo, title, body, labels, state="open"):
    issues = repos.setdefault(repo, [])
    issue = {"number": len(issues) + 1, "title": title, "body": body,
             "labels": list(labels), "state": state}
    issues.append(issue)
    return issue


def take_failure(method):
    for rule in failures:
        if rule.get("method") in (None, method):
            rule["count"] -= 1
            if rule["count"] <= 0:
                failures.remove(rule)
            return rule
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        global connections
        super().setup()
        with lock:
            connections += 1
            self.connection_number = connections

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.command, self.path))

    def send_json(self, status, value, headers=None):
        data = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n).decode() if n else ""

    def handle_any(self):
        raw = self.read_body()
        url = urlsplit(self.path)
        if url.path.startswith("/_control/"):
            return self.control(url, raw)
        auth = self.headers.get("Authorization", "")
        authorized = auth in ("Bearer " + TOKEN, "token " + TOKEN)
        with lock:
            # The header itself is not recorded, so the record can be searched for the token.
            requests_log.append({"method": self.command, "path": self.path, "body": raw,
                                 "authorized": authorized, "time": time.time(),
                                 "connection": self.connection_number})
        if not authorized:
            return self.send_json(401, {"message": "Bad credentials"})
        parts = url.path.strip("/").split("/")
        if self.command == "GET" and len(parts) == 4 and parts[0] == "repos" and parts[3] == "pulls":
            return self.list_pulls(parts[1] + "/" + parts[2], url)
        if len(parts) < 4 or parts[0] != "repos" or parts[3] != "issues":
            return self.send_json(404, {"message": "Not Found"})
        repo = parts[1] + "/" + parts[2]
        with lock:
            rule = take_failure(self.command)
        if rule and rule["mode"] == "rate-limit":
            return self.send_json(403, {"message": "You have exceeded a secondary rate limit"},
                                  {"retry-after": str(rule.get("retry", 1))})
        if rule and rule["mode"] == "primary-rate-limit":
            return self.send_json(403, {"message": "API rate limit exceeded"},
                                  {"x-ratelimit-remaining": "0",
                                   "x-ratelimit-reset": str(int(time.time()) + int(rule.get("retry", 1)))})
        if rule and rule["mode"] == "502":
            return self.send_json(502, {"message": "Server Error"})
        body = json.loads(raw) if raw else {}
        with lock:
            if self.command == "GET" and len(parts) == 4:
                return self.list_issues(repo, url, foreign=bool(rule and rule["mode"] == "foreign-link"))
            if self.command == "GET" and len(parts) == 5:
                issue = self.find(repo, parts[4])
                if issue is None:
                    return self.send_json(404, {"message": "Not Found"})
                return self.send_json(200, issue_json(repo, issue, single=True))
            if self.command == "POST" and len(parts) == 4:
                issue = new_issue(repo, body["title"], body.get("body", ""), body.get("labels", []))
                answer = issue_json(repo, issue)
            elif self.command == "PATCH" and len(parts) == 5:
                issue = self.find(repo, parts[4])
                if issue is None:
                    return self.send_json(404, {"message": "Not Found"})
                for k in ("title", "body"):
                    if k in body and body[k] is not None:
                        issue[k] = body[k]
                if body.get("state") == "closed" and issue["state"] != "closed":
                    close(issue, "trackbot-token-user")
                elif body.get("state") == "open":
                    issue["state"] = "open"
                    issue.pop("closed_by", None)
                    issue["closed_at"] = None
                answer = issue_json(repo, issue)
            elif self.command == "POST" and len(parts) == 6 and parts[5] == "comments":
                if self.find(repo, parts[4]) is None:
                    return self.send_json(404, {"message": "Not Found"})
                comments.setdefault((repo, int(parts[4])), []).append(body.get("body", ""))
                answer = {"id": len(requests_log), "body": body.get("body", "")}
            else:
                return self.send_json(404, {"message": "Not Found"})
        if rule and rule["mode"] == "create-then-stall":
            time.sleep(float(rule.get("stall", 5)))
        if rule and rule["mode"] == "create-then-502":
            return self.send_json(502, {"message": "Server Error"})
        if rule and rule["mode"] == "create-then-drop":
            # No answer at all; the server then shuts the socket down (FIN, body fully read).
            self.close_connection = True
            return
        self.send_json(201 if self.command == "POST" else 200, answer)

    def find(self, repo, number):
        for issue in repos.get(repo, []):
            if str(issue["number"]) == number:
                return issue
        return None

    def list_issues(self, repo, url, foreign=False):
        q = parse_qs(url.query)
        state = q.get("state", ["open"])[0]
        labels = [l for l in q.get("labels", [""])[0].split(",") if l]
        per_page = min(int(q.get("per_page", ["30"])[0]), PER_PAGE_MAX)
        page = int(q.get("page", ["1"])[0])
        matching = [i for i in repos.get(repo, [])
                    if (state == "all" or i["state"] == state) and all(l in i["labels"] for l in labels)]
        matching.sort(key=lambda i: -i["number"])
        chunk = matching[(page - 1) * per_page: page * per_page]
        headers = {}
        if page * per_page < len(matching):
            params = {k: v[0] for k, v in q.items()}
            params["page"] = str(page + 1)
            host = "127.0.0.2" if foreign else "127.0.0.1"  # foreign: a next link off the API host
            headers["Link"] = '<http://%s:%d%s?%s>; rel="next"' % (host, PORT, url.path, urlencode(params))
        self.send_json(200, [issue_json(repo, i) for i in chunk], headers)

    def list_pulls(self, repo, url):
        q = parse_qs(url.query)
        state = q.get("state", ["open"])[0]
        per_page = min(int(q.get("per_page", ["30"])[0]), PER_PAGE_MAX)
        page = int(q.get("page", ["1"])[0])
        with lock:
            matching = [p for p in pulls.get(repo, []) if state == "all" or p["state"] == state]
        chunk = matching[(page - 1) * per_page: page * per_page]
        headers = {}
        if page * per_page < len(matching):
            params = {k: v[0] for k, v in q.items()}
            params["page"] = str(page + 1)
            headers["Link"] = '<http://127.0.0.1:%d%s?%s>; rel="next"' % (PORT, url.path, urlencode(params))
        self.send_json(200, [{"number": p["number"], "state": p["state"]} for p in chunk], headers)

    def control(self, url, raw):
        with lock:
            if url.path == "/_control/requests":
                return self.send_json(200, requests_log)
            if url.path == "/_control/issues":
                repo = parse_qs(url.query)["repo"][0]
                out = [dict(issue_json(repo, i), comments=comments.get((repo, i["number"]), []))
                       for i in repos.get(repo, [])]
                return self.send_json(200, out)
            body = json.loads(raw) if raw else {}
            if url.path == "/_control/seed":
                for i in body["issues"]:
                    new_issue(body["repo"], i["title"], i.get("body", ""), i.get("labels", []), i.get("state", "open"))
                return self.send_json(200, {"count": len(repos[body["repo"]])})
            if url.path == "/_control/close":
                issue = self.find(body["repo"], str(body["number"]))
                if issue is None:
                    return self.send_json(404, {"message": "no such issue"})
                close(issue, body["by"])
                return self.send_json(200, issue_json(body["repo"], issue, single=True))
            if url.path == "/_control/pulls":
                pulls[body["repo"]] = body["pulls"]
                return self.send_json(200, {"count": len(body["pulls"])})
            if url.path == "/_control/fail":
                body.setdefault("count", 1)
                failures.append(body)
                return self.send_json(200, body)
        self.send_json(404, {"message": "no such control endpoint"})

    do_GET = do_POST = do_PATCH = handle_any


ThreadingHTTPServer.daemon_threads = True
server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
# With PORT 0 the system chooses: the URLs above use the real one, and the tests read it here.
PORT = server.server_address[1]
print("listening on 127.0.0.1:%d" % PORT, flush=True)
server.serve_forever()
