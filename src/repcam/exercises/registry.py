"""The one place exercises are registered. CLI choices and commands come from here."""

from __future__ import annotations

import difflib

from repcam.exercises import ball_curls, beginners, bridging, nordic, theraband
from repcam.exercises.spec import ExerciseSpec

# In programme order: a family's stages, families from easiest to hardest.
EXERCISES: dict[str, ExerciseSpec] = {
    spec.name: spec
    for module in (beginners, theraband, bridging, ball_curls, nordic)
    for spec in module.SPECS
}


def check_progressions(exercises: dict[str, ExerciseSpec]) -> None:
    """Every `progresses_to` names a registered exercise: a typo fails at import, not in
    someone's progression."""
    for spec in exercises.values():
        if spec.progresses_to is not None and spec.progresses_to not in exercises:
            raise ValueError(f"{spec.name}: progresses_to names no exercise: "
                             f"{spec.progresses_to!r}")


check_progressions(EXERCISES)


AUTO = "auto"  # in place of an exercise's name: recognise it from the video


class UnknownExercise(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


def get_exercise(name: str, stage: int | None = None) -> ExerciseSpec:
    """Look an exercise up by CLI name, in any case (`ball-curl` with stage 2 is
    `ball-curl-2`); an unknown name is answered with the closest one and the valid ones."""
    base = name.strip().lower()
    key = f"{base}-{stage}" if stage and stage > 1 else base
    if key in EXERCISES:
        return EXERCISES[key]
    close = difflib.get_close_matches(key, EXERCISES, n=1, cutoff=0.6)
    guess = f" Did you mean '{close[0]}'?" if close else ""
    raise UnknownExercise(
        f"Unknown exercise '{key}'.{guess} Choose one of: {', '.join(EXERCISES)}.")
