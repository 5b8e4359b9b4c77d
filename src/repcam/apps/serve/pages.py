"""The pages of `repcam serve`, as HTML strings: people, a person's sessions and progress, a
session, and the analyse page. Everything is escaped here; every page but the analyse page
works without script (uploads and their live progress need it)."""

from __future__ import annotations

import html
import math
from urllib.parse import quote

from repcam.apps.serve.uploads import megabytes
from repcam.core.kinematics import DEGREES
from repcam.exercises.registry import AUTO, EXERCISES
from repcam.folds.progression import Advice
from repcam.folds.records import cues_of
from repcam.io.logbook import SessionSummary
from repcam.io.session_store import LoggedSession
from repcam.sinks.progress_chart import chart_svg
from repcam.words import plural

E = html.escape


def person_url(name: str) -> str:
    return f"/people/{quote(name, safe='')}"


def session_url(session_id: int) -> str:
    return f"/sessions/{session_id}"


def page(title: str, body: str, *, script: str = "") -> str:
    scripts = f"<script src='/assets/{script}' defer></script>" if script else ""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{E(title)} · repcam</title><link rel='stylesheet' href='/assets/serve.css'>"
        f"{scripts}</head><body><a class='skip' href='#main'>Skip to the content</a>"
        "<header><nav aria-label='repcam'><a href='/' class='brand'>repcam</a>"
        "<a href='/'>People</a><a href='/analyse'>Analyse videos</a></nav></header>"
        f"<main id='main'>{body}</main></body></html>")


def people_page(profiles: dict[str, list[SessionSummary]], advice: dict[str, Advice]) -> str:
    if not profiles:
        return page("People", "<h1>People</h1><p>No sessions are logged yet. "
                    "<a href='/analyse'>Analyse a video</a> to add the first.</p>")
    rows = []
    for name, summaries in profiles.items():
        last = summaries[-1].session if summaries else None
        rows.append(
            f"<tr><th scope='row'><a href='{person_url(name)}'>{E(name)}</a></th>"
            f"<td>{len(summaries)}</td><td>{E(last.started[:10]) if last else '-'}</td>"
            f"<td>{E(last.exercise) if last else '-'}</td>"
            f"<td>{E(advice[name].plan)}</td></tr>")
    table = ("<table><caption>Everyone in the session log</caption><thead><tr>"
             "<th scope='col'>person</th><th scope='col'>sessions</th>"
             "<th scope='col'>last session</th><th scope='col'>last exercise</th>"
             "<th scope='col'>next, by the programme</th></tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>")
    return page("People", f"<h1>People</h1>{table}")


def person_page(name: str, summaries: list[SessionSummary], advice: Advice,
                reports: set[int]) -> str:
    chart = chart_svg(summaries, session_url)
    rows = "".join(_session_row(s, s.session.id in reports) for s in reversed(summaries))
    exports = (f"<p class='actions'>Export: <a href='{person_url(name)}/export.csv' download>"
               f"CSV (a row per rep)</a> · <a href='{person_url(name)}/export.json' download>"
               "JSON (whole sessions)</a></p>")
    body = (f"<h1>{E(name)}</h1><p class='next'><strong>Next:</strong> {E(advice.plan)}. "
            f"{E(advice.reason)}</p><section aria-labelledby='progress'>"
            f"<h2 id='progress'>Progress</h2>{chart}</section>"
            f"<section aria-labelledby='sessions'><h2 id='sessions'>Sessions</h2>{exports}"
            "<table><thead><tr><th scope='col'>date</th><th scope='col'>exercise</th>"
            "<th scope='col'>sets x reps</th><th scope='col'>holds met</th>"
            "<th scope='col'>faults per rep</th><th scope='col'>mean ROM</th>"
            "<th scope='col'>change</th><th scope='col'>report</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></section>")
    return page(name, body)


def _session_row(summary: SessionSummary, has_report: bool) -> str:
    session = summary.session
    change = "" if math.isnan(summary.rom_change_deg) else f"{summary.rom_change_deg:+.0f}"
    rom = "-" if math.isnan(summary.mean_rom_deg) else f"{summary.mean_rom_deg:.0f}"
    unit = _unit(summary)
    return (f"<tr><th scope='row'><a href='{session_url(session.id)}'>"
            f"{E(session.started[:16].replace('T', ' '))}</a></th>"
            f"<td>{E(session.exercise)}</td><td>{E(summary.sets_reps)}</td>"
            f"<td>{E(summary.holds)}</td><td>{summary.faults_per_rep:.1f}</td>"
            f"<td>{rom}{unit if rom != '-' else ''}</td><td>{change}</td>"
            f"<td>{_report_link(session.id) if has_report else '-'}</td></tr>")


def _report_link(session_id: int) -> str:
    return f"<a href='{session_url(session_id)}/files/report.html'>video and report</a>"


def _unit(summary: SessionSummary) -> str:
    return "°" if summary.rom_unit == DEGREES else f" {summary.rom_unit}"


def session_page(session: LoggedSession, summary: SessionSummary, has_report: bool) -> str:
    report = (f"<p><a class='button' href='{session_url(session.id)}/files/report.html'>"
              "Watch the report, rep by rep</a></p>" if has_report else
              "<p>This session was logged without a video (live, or imported).</p>")
    reps = [rep for logged_set in session.sets for rep in logged_set.reps]
    cues = cues_of(f for logged_set in session.sets for f in logged_set.faults)
    unit = _unit(summary)
    rows = "".join(
        f"<tr><th scope='row'>{rep.index}</th><td>{E(str(rep.side))}</td>"
        f"<td>{rep.start_ms / 1000:.1f} s</td><td>{rep.rom_deg:.0f}{E(unit)}</td>"
        f"<td>{rep.hold_ms / 1000:.1f} s</td>"
        f"<td>{E('; '.join(cues.get((rep.index, f), str(f)) for f in rep.faults)) or '-'}</td>"
        "</tr>" for rep in reps)
    delete = (f"<form method='post' action='{session_url(session.id)}/delete' "
              "data-confirm='Delete this session and its video? This cannot be undone.'>"
              "<button type='submit' class='danger'>Delete this session</button></form>")
    body = (f"<p><a href='{person_url(session.profile)}'>← {E(session.profile)}</a></p>"
            f"<h1>{E(session.exercise)}, {E(session.started[:16].replace('T', ' '))}</h1>"
            f"<p>{E(session.source_name)} · {plural(summary.reps, 'rep')} in "
            f"{plural(len(session.sets), 'set')} · holds met {E(summary.holds)}</p>{report}"
            "<table><thead><tr><th scope='col'>rep</th><th scope='col'>side</th>"
            "<th scope='col'>start</th><th scope='col'>range of motion</th>"
            "<th scope='col'>hold</th>"
            f"<th scope='col'>faults</th></tr></thead><tbody>{rows}</tbody></table>{delete}")
    return page(f"{session.exercise} of {session.profile}", body, script="confirm.js")


def analyse_page(profiles: list[str], max_bytes: int) -> str:
    people = "".join(f"<option value='{E(p)}'>" for p in profiles)
    exercises = "".join(f"<option value='{E(name)}'>{E(spec.title)}</option>"
                        for name, spec in EXERCISES.items())
    form = (
        f"<form id='upload' class='upload' data-max-bytes='{max_bytes}'>"
        "<div class='fields'><label>Person <input name='profile' required list='people' "
        f"value='{E(profiles[0] if profiles else 'me')}' autocomplete='off'></label>"
        f"<datalist id='people'>{people}</datalist>"
        f"<label>Exercise <select name='exercise'><option value='{AUTO}'>recognise it "
        f"(auto)</option>{exercises}</select></label></div>"
        "<div class='drop' id='drop'><label>Videos <input type='file' name='videos' "
        "accept='video/*,.mp4,.mov,.avi,.mkv,.webm,.m4v' multiple required></label>"
        "<p>or drop them here</p></div>"
        "<button type='submit'>Analyse</button></form>"
        "<div id='problems' role='alert' aria-live='assertive'></div>")
    listing = ("<table id='jobs'><thead><tr><th scope='col'>video</th><th scope='col'>person"
               "</th><th scope='col'>exercise</th><th scope='col'>progress</th>"
               "<th scope='col'>result</th></tr></thead><tbody></tbody></table>"
               "<noscript><p>Uploading and following the analyses needs JavaScript; the "
               "people and their sessions do not.</p></noscript>")
    body = (f"<h1>Analyse videos</h1><p>Each video is analysed on this computer (nothing leaves "
            f"it) and logged for the person; up to {E(megabytes(max_bytes))} each.</p>{form}"
            f"<h2>Analyses</h2>{listing}")
    return page("Analyse videos", body, script="analyse.js")


def refusal_page(status: int, message: str) -> str:
    return page("Not allowed" if status in (401, 403) else "Not found",
                f"<h1>{E(message)}</h1><p><a href='/'>Back to the people</a></p>")
