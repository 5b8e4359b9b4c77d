"""report.html: one self-contained page (plots and thumbnails embedded, no network)."""

from __future__ import annotations

import base64
import html
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from repcam.core.kinematics import DEGREES, View
from repcam.exercises.events import RepMetrics
from repcam.exercises.spec import ExerciseSpec, unit_of
from repcam.folds.records import rep_rows
from repcam.folds.set_analysis import AnalysisResult
from repcam.io.files import write_text

SIDE_COLOURS = {"left": "#d9822b", "right": "#2b7bb9"}
@dataclass(frozen=True)
class FaultThumbnail:
    time_s: float
    fault: str
    cue: str
    rep: int
    jpeg: bytes


def write_report(result: AnalysisResult, spec: ExerciseSpec, path: Path, *,
                 thumbnails: list[FaultThumbnail], details: dict[str, str],
                 video: str | None = None) -> None:
    write_text(path, render_report(result, spec, thumbnails=thumbnails, details=details,
                                   video=video))


def render_report(result: AnalysisResult, spec: ExerciseSpec, *,
                  thumbnails: list[FaultThumbnail], details: dict[str, str],
                  video: str | None = None) -> str:
    """`video`: the annotated video's file name beside the page, shown above the reps; each
    rep and fault then links to its moment in it."""
    angles = _angle_figure(result, spec)
    plots = [_png_tag(angles, "angles over time", _time_axis(angles)) + _trace_data(result, spec)]
    if result.reps:
        plots.append(_png_tag(_per_rep_figure(result, spec), "per-rep range and hold"))
    sections = [
        _header(result),
        _summary(result, spec),
        _notes(result),
        _player(video),
        "<h2>Angles over time</h2>" + "".join(plots),
        "<h2>Rep by rep</h2>" + _rep_table(result, spec, video),
        _gallery(thumbnails, video),
        _footer(details),
    ]
    return PAGE.format(title=html.escape(f"repcam: {result.title}"),
                       body="\n".join(s for s in sections if s), script=SEEK_SCRIPT)


def _player(video: str | None) -> str:
    if video is None:
        return ""
    name = html.escape(video, quote=True)
    return (f"<section class='player'><h2>The video</h2><video id='video' src='{name}' "
            "controls preload='metadata' playsinline></video><p class='hint'>Click a rep, a "
            "fault or a point of the angle plot to see that moment.</p></section>")


def _moment(seconds: float, text: str, video: str | None) -> str:
    """`text` linking to `seconds` into the video: the page's player seeks there, and
    without script the link opens the video itself at that time (a media fragment)."""
    if video is None:
        return html.escape(text)
    href = html.escape(f"{video}#t={seconds:.2f}", quote=True)
    return f"<a href='{href}' data-t='{seconds:.2f}'>{html.escape(text)}</a>"


# -- figures --------------------------------------------------------------------------------
def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only: no display is needed or wanted
    import matplotlib.pyplot as plt

    return plt


def _angle_figure(result: AnalysisResult, spec: ExerciseSpec):
    plt = _pyplot()
    trace = result.trace
    view = View(result.view)
    # The form angles are side-view angles: from the feet they would be noise.
    form = spec.form_signals if view is not View.FRONT else ()
    angles = (spec.signal_for(view).angle, *form)
    figure, axes = plt.subplots(len(angles), 1, figsize=(10, 2.6 * len(angles) + 0.4),
                                sharex=True, squeeze=False)
    for axis, angle in zip(axes[:, 0], angles, strict=True):
        if trace is not None:
            seen = {side: int(np.isfinite(trace.series[f"{angle}_{side}"]).sum())
                    for side in SIDE_COLOURS}
            for side, colour in SIDE_COLOURS.items():
                if seen[side]:  # the side seen less is the far one: drawn faint
                    faint = seen[side] < max(seen.values())
                    axis.plot(trace.times_s, trace.series[f"{angle}_{side}"], color=colour,
                              lw=0.8 if faint else 1.5, alpha=0.5 if faint else 1.0,
                              label=side)
        _mark_reps(axis, result)
        axis.set_ylabel(f"{angle.replace('_', ' ')} ({unit_of(angle)})")
        axis.grid(alpha=0.3)
        if axis.get_legend_handles_labels()[0]:
            axis.legend(loc="upper right", fontsize=8)
    figure.suptitle(f"{result.title}: shaded = rep (numbered), green = hold at the top, "
                    "red dashes = faults", fontsize=10, x=0.01, ha="left")
    axes[-1, 0].set_xlabel("time (s)")
    figure.tight_layout()
    return figure


def _held(rep: RepMetrics) -> tuple[float, float] | None:
    """When a timed rep was at the top (seconds): after its lift, before its lowering."""
    top_from, top_to = (rep.start_ms + rep.lift_ms) / 1000, (rep.end_ms - rep.lower_ms) / 1000
    return (top_from, top_to) if rep.hold_target_ms and top_to > top_from else None


def _mark_reps(axis, result: AnalysisResult) -> None:
    for rep in result.reps:
        start, end = rep.start_ms / 1000, rep.end_ms / 1000
        axis.axvspan(start, end, color=SIDE_COLOURS.get(rep.side, "grey"), alpha=0.10)
        held = _held(rep)
        if held:
            axis.axvspan(*held, color="green", alpha=0.15)
        axis.text(start, 0.97, f" {rep.index}", transform=axis.get_xaxis_transform(),
                  fontsize=8, va="top")
    for fault in result.faults:
        axis.axvline(fault.timestamp_ms / 1000, color="#c0392b", lw=1, ls="--")


def _per_rep_figure(result: AnalysisResult, spec: ExerciseSpec):
    plt = _pyplot()
    reps = result.reps
    index = [r.index for r in reps]
    colours = [SIDE_COLOURS.get(r.side, "grey") for r in reps]
    has_hold = spec.hold_ms > 0
    figure, axes = plt.subplots(1, 2 if has_hold else 1, figsize=(10, 2.8), squeeze=False)
    axes[0, 0].bar(index, [r.rom_deg for r in reps], color=colours)
    unit = unit_of(reps[0].signal)  # drawn only when there are reps
    axes[0, 0].set_title(f"range of motion per rep ({unit})", fontsize=10, loc="left")
    axes[0, 0].set_xlabel("rep")
    if has_hold:
        axes[0, 1].bar(index, [r.hold_ms / 1000 for r in reps],
                       color=["#27ae60" if r.hold_met else "#c0392b" for r in reps])
        axes[0, 1].axhline(spec.hold_ms / 1000, color="black", ls="--", lw=1)
        axes[0, 1].set_title("hold per rep (s); dashed = target", fontsize=10, loc="left")
        axes[0, 1].set_xlabel("rep")
    for axis in axes[0]:
        axis.grid(alpha=0.3, axis="y")
        axis.set_xticks(index)
    figure.tight_layout()
    return figure


def _time_axis(figure) -> dict[str, str]:
    """Where the shared time axis lies in the picture (fractions of its width) and the times
    at its ends: the page's script turns a point of the plot into a moment of the video."""
    axis = figure.axes[0]
    left, right = axis.get_position().x0, axis.get_position().x1
    start, end = axis.get_xlim()
    return {"data-x0": f"{left:.4f}", "data-x1": f"{right:.4f}",
            "data-t0": f"{start:.3f}", "data-t1": f"{end:.3f}"}


def _trace_data(result: AnalysisResult, spec: ExerciseSpec) -> str:
    """The plotted rep signal, the reps, their holds and the faults, for the plot's hover
    read-out (time, angle, rep, holding, the fault's cue)."""
    trace = result.trace
    if trace is None or not len(trace.times_s):
        return ""
    angle = spec.signal_for(View(result.view)).angle
    seen = {side: trace.series[f"{angle}_{side}"] for side in SIDE_COLOURS}
    series = {side: [round(float(v), 1) if math.isfinite(v) else None for v in values]
              for side, values in seen.items() if np.isfinite(values).any()}
    data = {"label": angle.replace("_", " "), "unit": unit_of(angle),
            "t": [round(float(t), 2) for t in trace.times_s], "series": series,
            "reps": [[r.index, r.start_ms / 1000, r.end_ms / 1000] for r in result.reps],
            "holds": [[r.index, *held] for r in result.reps if (held := _held(r))],
            "faults": [[f.timestamp_ms / 1000, f.cue] for f in result.faults]}
    # A script's text is not unescaped by the browser: only "</" must not appear in it.
    text = json.dumps(data).replace("</", "<\\/")
    return (f"<script type='application/json' id='trace'>{text}</script>"
            "<div id='readout' class='readout' hidden></div>")


def _png_tag(figure, alt: str, attributes: dict[str, str] | None = None) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    _pyplot().close(figure)
    data = base64.b64encode(buffer.getvalue()).decode()
    extra = "".join(f' {k}="{html.escape(v)}"' for k, v in (attributes or {}).items())
    return (f'<img class="plot" alt="{html.escape(alt)}"{extra} '
            f'src="data:image/png;base64,{data}">')


# -- html pieces ------------------------------------------------------------------------------
def _header(result: AnalysisResult) -> str:
    verdict = result.verdict
    badge = "good" if verdict.done_well else "todo"
    return (f"<h1>{html.escape(result.title)}</h1>"
            f"<p class='source'>{html.escape(Path(result.source).name)}: "
            f"{html.escape(result.camera.sentence())}</p>"
            f"<p class='verdict {badge}'>{html.escape(verdict.sentence())}</p>")


def _summary(result: AnalysisResult, spec: ExerciseSpec) -> str:
    timed = [r for r in result.reps if r.hold_target_ms > 0]
    sides = result.tally.describe()
    verdict = result.verdict  # its reps are those of the weaker leg in one-leg exercises
    cards = [("reps per side" if verdict.per_side else "reps",
              f"{verdict.reps} / {verdict.target_reps}", sides)]
    if timed:
        cards.append(("holds met", f"{sum(r.hold_met for r in timed)} / {len(timed)}",
                      f"target {timed[0].hold_target_ms / 1000:g} s"))
    for metric in spec.metrics:
        values = [metric.shown(r.extras[metric.key]) for r in result.reps if metric.key in r.extras]
        if values:
            cards.append((metric.label, f"{np.median(values):.1f} {metric.unit}",
                          "median; per rep: " + ", ".join(f"{v:.0f}" for v in values)))
    half = result.half_reps
    cards.append(("reps with form faults", str(result.verdict.faulty_reps),
                  f"{half} half-rep{'' if half == 1 else 's'} not counted" if half else ""))
    cards.append(("video", f"{result.duration_s:.1f} s",
                  f"{result.view} view, person in {result.detection_rate:.0%} of frames"))
    return "<div class='cards'>" + "".join(
        f"<div class='card'><div class='label'>{html.escape(label)}</div>"
        f"<div class='value'>{html.escape(value)}</div>"
        f"<div class='small'>{html.escape(small)}</div></div>"
        for label, value, small in cards) + "</div>"


def _notes(result: AnalysisResult) -> str:
    items = []
    if result.problem:
        items.append(f"<p class='problem'>{html.escape(result.problem.message)}</p>")
    items += [f"<p class='warning'>{html.escape(w)}</p>" for w in result.warnings]
    cues = dict.fromkeys(f.cue for f in result.faults)
    if cues:
        items.append("<p>Said during the set:</p><ul class='cues'>" + "".join(
            f"<li>&ldquo;{html.escape(cue)}&rdquo;</li>" for cue in cues) + "</ul>")
    return "".join(items)


HOLD_COLUMNS = ("hold_s", "hold_target_s", "hold_met")
MOMENTS = ("start_s", "end_s")
FOR_PROGRAMS = ("signal", "unit", "faults")  # in reps.csv; the table says them in words
# What a person reads as each column's heading ({unit}: the angles' unit, "°" or "% hip width").
HEADINGS = {"start_s": "start (s)", "end_s": "end (s)", "start_deg": "at rest ({unit})",
            "peak_deg": "peak ({unit})", "rom_deg": "range ({unit})", "hold_s": "hold (s)",
            "hold_target_s": "target (s)", "hold_met": "held", "lift_s": "lift (s)",
            "lower_s": "lower (s)", "fault_cues": "faults"}


def _rep_table(result: AnalysisResult, spec: ExerciseSpec, video: str | None) -> str:
    rows = rep_rows(result)
    if not rows:
        return "<p>No rep was counted.</p>"
    columns = [c for c in rows[0] if c not in FOR_PROGRAMS and
               (spec.hold_ms > 0 or c not in HOLD_COLUMNS)]
    unit = "°" if rows[0]["unit"] == DEGREES else str(rows[0]["unit"])
    metric_columns = {metric.key: metric.column for metric in spec.metrics}
    head = "".join(f"<th>{html.escape(_heading(c, unit, metric_columns))}</th>"
                   for c in columns)

    def cell(row: dict, column: str) -> str:
        if column == "confidence":
            return f"{row[column]:.0%}"
        # A rep's moments to a tenth, as the terminal's table says them (reps.csv keeps ms).
        text = f"{row[column]:.1f}" if column in MOMENTS else _cell(row[column])
        return _moment(float(row["start_s"]), text, video) if column == "rep" else \
            html.escape(text)

    body = "".join("<tr>" + "".join(f"<td>{cell(row, c)}</td>" for c in columns) + "</tr>"
                   for row in rows)
    in_words = "degrees" if unit == "°" else unit
    caption = f"Angles: the {str(rows[0]['signal']).replace('_', ' ')}, in {in_words}."
    return (f"<table id='reps'><caption>{html.escape(caption)}</caption><thead><tr>{head}"
            f"</tr></thead><tbody>{body}</tbody></table>")


def _heading(column: str, unit: str, metric_columns: dict[str, str]) -> str:
    if column in metric_columns:
        return metric_columns[column]
    return HEADINGS.get(column, column.replace("_", " ")).format(unit=unit)


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _gallery(thumbnails: list[FaultThumbnail], video: str | None) -> str:
    if not thumbnails:
        return ""
    figures = "".join(
        f"<figure><img alt='{html.escape(t.cue)}' "
        f"src='data:image/jpeg;base64,{base64.b64encode(t.jpeg).decode()}'>"
        f"<figcaption>{_moment(t.time_s, f'{t.time_s:.1f} s, rep {t.rep}', video)}: "
        f"&ldquo;{html.escape(t.cue)}&rdquo;</figcaption></figure>"
        for t in thumbnails)
    return f"<h2>Faults</h2><div class='gallery'>{figures}</div>"


def _footer(details: dict[str, str]) -> str:
    return "<footer>" + " &middot; ".join(
        f"{html.escape(k)}: {html.escape(v)}" for k, v in details.items()) + "</footer>"


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 64rem;
       color: #222; padding: 0 1rem; }}
h1 {{ margin-bottom: 0; }} .source {{ color: #666; margin-top: .2rem; }}
.verdict {{ font-size: 1.2rem; padding: .6rem 1rem; border-radius: .4rem; }}
.verdict.good {{ background: #e3f4e8; }} .verdict.todo {{ background: #fdf1e1; }}
.cards {{ display: flex; gap: 1rem; flex-wrap: wrap; }}
.card {{ background: #f4f5f7; border-radius: .4rem; padding: .8rem 1rem; min-width: 11rem; }}
.card .label {{ color: #666; font-size: .85rem; }} .card .value {{ font-size: 1.6rem; }}
.card .small {{ color: #666; font-size: .8rem; }}
.problem {{ background: #fbe3e1; padding: .6rem 1rem; border-radius: .4rem; }}
.warning {{ background: #fdf6d8; padding: .6rem 1rem; border-radius: .4rem; }}
img.plot {{ width: 100%; }}
table {{ border-collapse: collapse; width: 100%; font-size: .9rem; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .3rem .5rem; text-align: right; }}
th {{ background: #f4f5f7; }}
.gallery {{ display: flex; flex-wrap: wrap; gap: 1rem; }}
figure {{ margin: 0; width: 18rem; }} figure img {{ width: 100%; border-radius: .3rem; }}
figcaption {{ font-size: .85rem; }}
footer {{ margin-top: 2rem; color: #666; font-size: .8rem; }}
video {{ width: 100%; max-height: 70vh; background: #000; border-radius: .4rem; }}
.hint {{ color: #555; font-size: .85rem; }}
a[data-t] {{ color: #1a5fb4; }}
img.plot[data-t0] {{ cursor: crosshair; }}
.readout {{ position: fixed; background: #222; color: #fff; font-size: .8rem;
            padding: .2rem .4rem; border-radius: .2rem; pointer-events: none; }}
caption {{ text-align: left; color: #555; padding-bottom: .3rem; }}
@page {{ margin: 12mm; }}
@media print {{
  .player, .readout {{ display: none; }}
  footer {{ margin-top: .8rem; break-before: avoid; }}
  a[data-t] {{ color: inherit; text-decoration: none; }}
  body {{ margin: 0; max-width: none; }}
  img.plot, figure {{ break-inside: avoid; }}
}}
</style></head>
<body>
{body}
<script>{script}</script>
</body></html>
"""
# The page's player seeks to a clicked rep, fault or point of the angle plot, and the plot
# reads out time, angle and rep under the pointer. Without script the links open the video
# at their moment and the plot is a picture.
SEEK_SCRIPT = """
var FAULT_NEAR_S = 0.4;  // a fault's dashed line is read out this close to it
var video = document.getElementById('video');
var traceTag = document.getElementById('trace');
var trace = traceTag ? JSON.parse(traceTag.textContent) : null;
function seek(seconds) {
  if (!video) return;
  video.currentTime = seconds;
  video.scrollIntoView({block: 'nearest'});
  video.play().catch(function () {});
}
function timeAt(plot, event) {
  var box = plot.getBoundingClientRect(), d = plot.dataset;
  var share = ((event.clientX - box.left) / box.width - d.x0) / (d.x1 - d.x0);
  if (share < 0 || share > 1) return null;
  return parseFloat(d.t0) + share * (d.t1 - d.t0);
}
document.addEventListener('click', function (event) {
  var link = event.target.closest('a[data-t]');
  if (link && video) { event.preventDefault(); seek(parseFloat(link.dataset.t)); return; }
  var plot = event.target.closest('img.plot[data-t0]');
  var t = plot ? timeAt(plot, event) : null;
  if (t !== null && video) seek(Math.max(0, t));
});
document.addEventListener('mousemove', function (event) {
  var readout = document.getElementById('readout');
  var plot = event.target.closest('img.plot[data-t0]');
  var t = plot && trace ? timeAt(plot, event) : null;
  if (!readout) return;
  if (t === null) { readout.hidden = true; return; }
  var i = 0;
  while (i < trace.t.length - 1 && trace.t[i + 1] <= t) i++;
  var parts = [t.toFixed(1) + ' s'];
  for (var side in trace.series) {
    var value = trace.series[side][i];
    if (value !== null) parts.push(side + ' ' + value + ' ' + trace.unit);
  }
  var rep = trace.reps.find(function (r) { return r[1] <= t && t <= r[2]; });
  if (rep) parts.push('rep ' + rep[0]);
  if (trace.holds.some(function (h) { return h[1] <= t && t <= h[2]; })) parts.push('holding');
  var fault = trace.faults.find(function (f) { return Math.abs(f[0] - t) <= FAULT_NEAR_S; });
  if (fault) parts.push('fault: \u201c' + fault[1] + '\u201d');
  readout.textContent = trace.label + ': ' + parts.join(', ');
  readout.style.left = (event.clientX + 12) + 'px';
  readout.style.top = (event.clientY + 12) + 'px';
  readout.hidden = false;
});
"""
