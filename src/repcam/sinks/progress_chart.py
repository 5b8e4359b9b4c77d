"""Reps and range of motion per session, over the weeks: `repcam history --plot` (PNG or
HTML) and the progress plot of `repcam serve` (inline SVG)."""

from __future__ import annotations

import base64
import html
import io
import math
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from repcam.core.kinematics import DEGREES
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


SVG_WIDTH, PANEL_HEIGHT, LEFT, RIGHT = 720, 150, 56, 24
PLOT_TOP, PLOT_HEIGHT = 22, 100  # within a panel: its title above, the plot below it
COLOURS = ("#1a5fb4", "#c64600", "#26a269", "#813d9c", "#a51d2d", "#5e5c64")


def chart_svg(summaries: list[SessionSummary], link: Callable[[int], str]) -> str:
    """Reps and mean range of motion per session, as inline SVG (a web page's progress plot):
    one line per exercise, each session a point that links to `link(session id)` and names
    itself on hover. Sessions measured in another unit (hip widths) are left off the ROM."""
    if not summaries:
        return "<p>No sessions yet.</p>"
    times = [datetime.fromisoformat(s.session.started).timestamp() for s in summaries]
    first, span = min(times), (max(times) - min(times)) or 1.0
    xs = [LEFT + (SVG_WIDTH - LEFT - RIGHT) * (t - first) / span for t in times]
    exercises = list(dict.fromkeys(s.session.exercise for s in summaries))
    panels = [("reps in the session", [s.reps for s in summaries]),
              ("mean range of motion (°)", [s.mean_rom_deg if s.rom_unit == DEGREES
                                            else math.nan for s in summaries])]
    bottom = 2 * PANEL_HEIGHT
    parts = [f"<svg class='progress' role='img' viewBox='0 0 {SVG_WIDTH} {bottom + 40}' "
             "aria-label='Reps and range of motion per session'>"]
    for row, (label, values) in enumerate(panels):
        parts += _panel(label, values, row * PANEL_HEIGHT, summaries, exercises, xs, link)
    dates = (summaries[0].session.started[:10], summaries[-1].session.started[:10])
    parts += [f"<text x='{LEFT}' y='{bottom - 12}' class='axis'>{dates[0]}</text>",
              f"<text x='{SVG_WIDTH - RIGHT}' y='{bottom - 12}' text-anchor='end' "
              f"class='axis'>{dates[1]}</text>"]
    parts += [f"<text x='{LEFT + 160 * i}' y='{bottom + 20}' "
              f"fill='{COLOURS[i % len(COLOURS)]}'>● {html.escape(name)}</text>"
              for i, name in enumerate(exercises)]
    return "".join([*parts, "</svg>"])


def _panel(label: str, values: list[float], top: int, summaries: list[SessionSummary],
           exercises: list[str], xs: list[float], link: Callable[[int], str]) -> list[str]:
    known = [v for v in values if not math.isnan(v)]
    low, high = min([*known, 0.0]), max([*known, 1.0])
    plot_top, plot_bottom = top + PLOT_TOP, top + PLOT_TOP + PLOT_HEIGHT
    def y(value: float) -> float:
        return plot_bottom - PLOT_HEIGHT * (value - low) / ((high - low) or 1.0)
    parts = [f"<text x='{LEFT}' y='{top + 14}' class='title'>{html.escape(label)}</text>",
             f"<line x1='{LEFT}' x2='{SVG_WIDTH - RIGHT}' y1='{plot_bottom}' "
             f"y2='{plot_bottom}' stroke='#888'/>",
             f"<text x='{LEFT - 8}' y='{plot_top + 4}' text-anchor='end' class='axis'>"
             f"{high:.0f}</text>",
             f"<text x='{LEFT - 8}' y='{plot_bottom}' text-anchor='end' class='axis'>"
             f"{low:.0f}</text>"]
    for index, exercise in enumerate(exercises):
        colour = COLOURS[index % len(COLOURS)]
        points = [(px, y(v), s) for px, v, s in zip(xs, values, summaries, strict=True)
                  if s.session.exercise == exercise and not math.isnan(v)]
        if len(points) > 1:
            line = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
            parts.append(f"<polyline points='{line}' fill='none' stroke='{colour}'/>")
        for px, py, summary in points:
            session = summary.session
            what = (f"{session.started[:10]} {exercise}: {summary.reps} reps, ROM "
                    f"{summary.mean_rom_deg:.0f}°")
            parts.append(f"<a href='{html.escape(link(session.id))}'><circle cx='{px:.1f}' "
                         f"cy='{py:.1f}' r='5' fill='{colour}' data-session='{session.id}'>"
                         f"<title>{html.escape(what)}</title></circle></a>")
    return parts
