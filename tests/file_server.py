"""Test helper, run as its own process: serve one file over HTTP on 127.0.0.1, with the
byte ranges a video player (FFmpeg) asks for, like a phone app or a NAS sharing a recording.

    python file_server.py FILE [--stall]

Prints the port, then serves FILE at any path. With --stall it accepts connections and
never answers (a stream that keeps the reader waiting).
"""

from __future__ import annotations

import argparse
import contextlib
import http.server
import re
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--stall", action="store_true")
    args = parser.parse_args()
    data = Path(args.file).read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            if args.stall:
                time.sleep(3600)
            first, last = 0, len(data) - 1
            asked = re.match(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
            if asked:
                first = int(asked.group(1))
                last = int(asked.group(2)) if asked.group(2) else last
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {first}-{last}/{len(data)}")
            else:
                self.send_response(200)
            self.send_header("Content-Type", "video/mp4")
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(last - first + 1))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data[first:last + 1])

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
