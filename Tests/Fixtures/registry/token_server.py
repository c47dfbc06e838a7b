#!/usr/bin/env python3
"""A token server for docker-registry's `auth.token`: signs RS256 JWTs with an x5c header.

Usage: token_server.py --port P (0: the system chooses; the port is printed) --cert-out CERT.pem --issuer I --service S
                       [--user U --password PW] [--expires-in N|none]
Writes its self-signed certificate to CERT.pem (the registry's rootcertbundle) before listening.
GET /token?service=S&scope=repository:NAME:ACTIONS grants the requested actions (checking Basic
credentials when --user is given). GET /count answers {"token": <token requests so far>,
"denied": <requests refused>}.
"""
import argparse, base64, datetime, json, threading, time, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_cert():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "trackbot test token issuer")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cert-out", required=True)
    ap.add_argument("--issuer", default="trackbot-test-issuer")
    ap.add_argument("--service", default="trackbot-test-registry")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--expires-in", default="300")
    args = ap.parse_args()

    key, cert = make_cert()
    with open(args.cert_out, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    x5c = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
    counts = {"token": 0, "denied": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def reply(self, status, body, headers=()):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urlparse(self.path)
            if url.path == "/count":
                with lock:
                    return self.reply(200, dict(counts))
            if url.path != "/token":
                return self.reply(404, {"error": "not found"})
            q = parse_qs(url.query)
            subject = "anonymous"
            if args.user:
                expected = "Basic " + base64.b64encode(f"{args.user}:{args.password}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    with lock:
                        counts["denied"] += 1
                    return self.reply(401, {"details": "incorrect username or password"},
                                      [("WWW-Authenticate", 'Basic realm="token"')])
                subject = args.user
            with lock:
                counts["token"] += 1
            access = []
            for scope in q.get("scope", []):
                parts = scope.split(":")
                if len(parts) >= 3:
                    access.append({"type": parts[0], "name": ":".join(parts[1:-1]), "actions": parts[-1].split(",")})
            now = int(time.time())
            lifetime = 300 if args.expires_in == "none" else max(int(args.expires_in), 1)
            claims = {"iss": args.issuer, "sub": subject, "aud": q.get("service", [args.service])[0],
                      "exp": now + lifetime + 60, "nbf": now - 10, "iat": now, "jti": str(uuid.uuid4()), "access": access}
            header = {"typ": "JWT", "alg": "RS256", "x5c": [x5c]}
            signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
            signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
            token = signing_input + "." + b64url(signature)
            body = {"token": token, "access_token": token, "issued_at": datetime.datetime.now(datetime.timezone.utc).isoformat()}
            if args.expires_in != "none":
                body["expires_in"] = int(args.expires_in)
            self.reply(200, body)

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    # With --port 0 the system chooses: the tests read the port from this line.
    print("listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
