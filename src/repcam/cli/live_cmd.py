"""`repcam live --exercise NAME` and one command per exercise (`repcam bridge`, ...)."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path
from typing import Annotated

import typer

from repcam.cli.console import console, err_console, provision_model
from repcam.cli.options import (
    ConfigOption,
    DbOption,
    LiveSide,
    ModelOption,
    ProfileOption,
    checked_output,
    exercise_named,
)
from repcam.core.sides import Side
from repcam.exercises.registry import EXERCISES
from repcam.io.models.catalog import DEFAULT_VARIANT
from repcam.words import plural

Camera = Annotated[str, typer.Option(
    "--camera", "-c", help="A camera index (0, 1...), a stream URL, or a video file played "
    "as a camera.")]
Reps = Annotated[int | None, typer.Option(min=1, max=100, help="Reps per set (default: from "
                                          "your progress).")]
Sets = Annotated[int | None, typer.Option(min=1, max=10, help="Sets (default: from your "
                                          "progress).")]
Hold = Annotated[float | None, typer.Option(min=0, max=120, help="Hold at the top, seconds "
                                            "(default: the settings file's, or the "
                                            "programme's).")]
SideOption = Annotated[LiveSide | None, typer.Option(
    "--side", case_sensitive=False, help="The leg that works (default: whichever does).")]
Rest = Annotated[float | None, typer.Option("--rest", min=0, max=900, help="Rest between "
                                            "sets, seconds (default: 60, or the settings "
                                            "file's).")]
NoVoice = Annotated[bool, typer.Option("--no-voice", help="Do not speak the cues.")]
Headless = Annotated[bool, typer.Option(help="No window (e.g. to record with --record).")]
Record = Annotated[Path | None, typer.Option(help="Save the overlay video to this .mp4.")]
Mirror = Annotated[bool, typer.Option(help="Show the picture mirrored, like a selfie.")]
Band = Annotated[str | None, typer.Option(help="The band colour, if you use one.")]
VoiceLog = Annotated[Path | None, typer.Option(help="Also write every spoken cue to this file "
                                               "(JSON lines).")]


def register(app: typer.Typer) -> None:
    app.command("live")(live)
    for name, spec in EXERCISES.items():
        command = _exercise_command(name)
        command.__doc__ = f"Live coaching: {spec.title}. {spec.setup}"
        app.command(name, rich_help_panel="Live coaching")(command)


def live(exercise: Annotated[str, typer.Option("--exercise", "-e", help=", ".join(EXERCISES),
                                                show_default=False)],
         camera: Camera = "0", reps: Reps = None, sets: Sets = None, hold: Hold = None,
         side: SideOption = None, rest: Rest = None, model: ModelOption = DEFAULT_VARIANT,
         no_voice: NoVoice = False, headless: Headless = False, record: Record = None,
         mirror: Mirror = False, band: Band = None, voice_log: VoiceLog = None,
         profile: ProfileOption = "me", db: DbOption = None,
         config: ConfigOption = None) -> None:
    """Live coaching in front of a camera: counts, holds and corrections, spoken."""
    coach(exercise, camera, reps, sets, hold, side, rest, model, no_voice, headless, record,
          mirror, band, voice_log, profile, db, config)


def _exercise_command(name: str):
    """`live` with the exercise fixed: the same options, taken from `live`'s signature."""

    def command(**options: object) -> None:
        live(exercise=name, **options)

    signature = inspect.signature(live, eval_str=True)  # the typer.Option metadata, resolved
    command.__signature__ = signature.replace(
        parameters=[p for p in signature.parameters.values() if p.name != "exercise"])
    command.__annotations__ = {p.name: p.annotation for p in command.__signature__.parameters
                               .values()}
    return command


def coach(exercise: str, camera: str, reps: int | None, sets: int | None, hold: float | None,
          side: LiveSide | None, rest: float | None, model: str, no_voice: bool,
          headless: bool, record: Path | None, mirror: bool, band: str | None,
          voice_log: Path | None, profile: str, db: Path | None, config: Path | None) -> None:
    from repcam.apps.live import LiveCoach, LiveOptions, has_display
    from repcam.cli.log_cmd import next_dose
    from repcam.errors import CameraError, InputError
    from repcam.io.session_store import SessionLog
    from repcam.io.settings import load_config
    from repcam.sinks.voice import Voice, best_engine

    settings = load_config(config)
    spec = settings.spec(exercise_named(exercise))
    reps = reps or settings.reps(spec)
    rest = settings.rest_s if rest is None else rest
    no_voice = no_voice or not settings.voice
    if not camera.strip():
        raise InputError("--camera is empty: give a camera number (0, 1...), a stream URL or "
                         "a video file.")
    for path, what in ((record, "the recording"), (voice_log, "the voice log")):
        if path is not None:
            checked_output(path, what)
    side_name = None if side in (None, LiveSide.BOTH) else Side(side.value)
    if hold is not None:
        spec = dataclasses.replace(spec, hold_ms=hold * 1000.0)
    advice = next_dose(db, profile, spec.name)
    if reps is None or sets is None:
        dose = advice.dose if advice.exercise == spec.name else None
        reps = reps or (dose.reps if dose else spec.max_reps)
        sets = sets or (dose.sets if dose else 3)
        err_console.print(f"{plural(sets, 'set')} of {reps}: {advice.reason}", highlight=False)
    if not headless and not has_display():
        err_console.print("No screen found: running without a window (--headless).")
        headless = True
    model_path = provision_model(model)
    voice = Voice(None if no_voice else best_engine(), log_path=voice_log)
    options = LiveOptions(camera=camera, reps=reps, sets=sets, rest_s=rest, side=side_name,
                          headless=headless, record=record, mirror=mirror, profile=profile,
                          band=band)
    try:
        with SessionLog(db) as log:
            report = LiveCoach(spec, options, model_path, voice, log).run()
    finally:
        voice.close()
    print_summary(spec, report, voice.name)
    if report.camera_lost:
        raise CameraError("The camera stopped and did not come back; what was counted is saved.",
                          hint="Check the cable or the stream, then start again.")
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def print_summary(spec, report, voice_name: str) -> None:
    import numpy as np

    sets = ", ".join(str(n) for n in report.sets) or "none"
    latency = np.percentile(report.latencies_ms, [50, 95]) if report.latencies_ms else None
    console.print(f"[bold]{spec.title}[/]: sets done {len(report.sets)} (reps {sets}); "
                  f"stopped by {report.stopped_by}.", highlight=False)
    details = f"{plural(report.frames, 'frame')}, {report.dropped} dropped by the camera"
    if latency is not None:
        details += f", latency p50 {latency[0]:.0f} ms / p95 {latency[1]:.0f} ms"
    saved = (f"Saved to the session log (session {report.session_id})."
             if report.session_id is not None else
             "Nothing was counted, so nothing was added to the session log.")
    console.print(f"{details}; voice: {voice_name}. {saved}", highlight=False)
