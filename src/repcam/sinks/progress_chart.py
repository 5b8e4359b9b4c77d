"""`repcam history --plot`: reps and range of motion per session, over the weeks."""

from __future__ import annotations

import base64
import html
import io
from datetime import datetime
from pathlib import Path

from repcam.errors import InputError
from repcam.io.files import write_bytes, write_text
from repcam.io.logbook import SessionSummary


def check_chart_path(path: Path) -> None:
    if path.suffix.lower() not in (".png", ".html"):
        raise InputError(f"--plot must end in .png or .html, not '{path.suffix or path.name}'.")
    if path.is_dir():
        raise InputError(f"--plot {path} is a folder; give a file name such as chart.png.")


def write_chart(summaries: list[SessionSummary], path: Path) -> None:
    check_chart_path(path)
    png = _chart_png(summaries)
    if path.suffix.lower() == ".png":
        write_bytes(path, png)
        return
    image = base64.b64encode(png).decode()
    write_text(path,
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>repcam progress</title></head><body style='font-family: sans-serif'>"
        f"<h1>Progress of {html.escape(summaries[0].session.profile)}</h1>"
        f"<img alt='progress' style='max-width: 100%' src='data:image/png;base64,{image}'>"
        "</body></html>\n")


def _chart_png(summaries: list[SessionSummary]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (reps_axis, rom_axis) = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
    for exercise in dict.fromkeys(s.session.exercise for s in summaries):
        mine = [s for s in summaries if s.session.exercise == exercise]
        dates = [datetime.fromisoformat(s.session.started) for s in mine]
        reps_axis.plot(dates, [s.reps for s in mine], marker="o", label=exercise)
        for unit in dict.fromkeys(s.rom_unit for s in mine):  # filmed from the side or feet
            alike = [s for s in mine if s.rom_unit == unit]
            rom_axis.plot([datetime.fromisoformat(s.session.started) for s in alike],
                          [s.mean_rom_deg for s in alike], marker="o",
                          label=f"{exercise} ({unit})")
    reps_axis.set_ylabel("reps in the session")
    rom_axis.set_ylabel("mean range of motion")
    reps_axis.set_title("Progress over the weeks", loc="left")
    for axis in (reps_axis, rom_axis):
        axis.grid(alpha=0.3)
        if axis.get_legend_handles_labels()[0]:
            axis.legend(fontsize=8)
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    return buffer.getvalue()
