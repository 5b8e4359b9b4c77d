"""repcam: counts reps, times holds and spots form faults in physiotherapy exercises."""

import os as _os

__version__ = "0.1.0"

# OpenCV and its FFmpeg print warnings straight to the terminal (probing camera indexes, a
# stream that ends); a person gets repcam's own sentence instead. REPCAM_DEBUG=1 shows them.
if not _os.environ.get("REPCAM_DEBUG"):
    _os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")
    _os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET
