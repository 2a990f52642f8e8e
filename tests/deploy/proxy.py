"""A small reverse proxy for the deployment check, standing in for nginx (not installed in CI).

It does what the README's proxy must do for the app: pass every request on to the app, keep the
Host header, and append the connecting address to X-Forwarded-For (nginx's
``$proxy_add_x_forwarded_for``) with X-Forwarded-Proto, so that the app, told to trust one proxy
(``SURVEY_TRUSTED_PROXIES=1``), counts limits per real client and not per proxy.

    python tests/deploy/proxy.py --listen 127.0.0.1:8080 --upstream 127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import http.client
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Headers that belong to one connection, not to the request (RFC 9110, 7.6.1).
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
              "transfer-encoding", "upgrade", "proxy-connection"}


class Proxy(BaseHTTPRequestHandler):
    upstream: tuple[str, int]
    protocol_version = "HTTP/1.1"

    def _forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}
        forwarded = self.headers.get("X-Forwarded-For")
        headers["X-Forwarded-For"] = f"{forwarded}, {self.client_address[0]}" if forwarded else self.client_address[0]
        headers["X-Forwarded-Proto"] = "http"
        upstream = http.client.HTTPConnection(*self.upstream, timeout=60)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            answer = upstream.getresponse()
            content = answer.read()
        except OSError:
            self.send_error(502)
            return
        finally:
            upstream.close()
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in HOP_BY_HOP | {"content-length"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _forward

    def log_message(self, format, *args):  # noqa: A002  (the base class's name)
        pass  # the app logs what matters; a proxy line per request would drown it


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1:8080")
    parser.add_argument("--upstream", default="127.0.0.1:8000")
    args = parser.parse_args()
    host, port = args.listen.rsplit(":", 1)
    up_host, up_port = args.upstream.rsplit(":", 1)
    Proxy.upstream = (up_host, int(up_port))
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer((host, int(port)), Proxy).serve_forever()


if __name__ == "__main__":
    main()
