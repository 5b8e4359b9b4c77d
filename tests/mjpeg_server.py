"""Test helper, run as its own process: serve a video file as an MJPEG stream on 127.0.0.1.

    python mjpeg_server.py VIDEO [--drop-after N]

Prints the port, then serves `multipart/x-mixed-replace` JPEG frames at the file's frame
rate. Each connection continues where the last one stopped; with --drop-after N the
connection is closed after N frames (a camera unplugged mid-set), and later connections
resume. It must not share a process with the reader: OpenCV holds the GIL while it opens
the stream.
"""

from __future__ import annotations

import argparse
import http.server
import time

import cv2

BOUNDARY = "repcamframe"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("video")
    parser.add_argument("--drop-after", type=int, default=0)
    args = parser.parse_args()
    capture = cv2.VideoCapture(args.video)
    fps = capture.get(cv2.CAP_PROP_FPS) or 25.0
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes())
    position = {"next": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            self.send_response(200)
            self.send_header("Content-Type", f"multipart/x-mixed-replace; boundary={BOUNDARY}")
            self.end_headers()
            sent = 0
            started = time.monotonic()
            while position["next"] < len(frames):
                if args.drop_after and sent >= args.drop_after:
                    return  # the camera "unplugged": later connections resume
                data = frames[position["next"]]
                try:
                    self.wfile.write(f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                                     f"Content-Length: {len(data)}\r\n\r\n".encode())
                    self.wfile.write(data + b"\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    return
                position["next"] += 1
                sent += 1
                delay = started + sent / fps - time.monotonic()
                if delay > 0:
                    time.sleep(delay)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
