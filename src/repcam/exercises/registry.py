"""The one place exercises are registered. CLI choices and commands come from here."""

from __future__ import annotations

from repcam.exercises import ball_curls, beginners, bridging, nordic, theraband
from repcam.exercises.spec import ExerciseSpec

# In programme order: a family's stages, families from easiest to hardest.
EXERCISES: dict[str, ExerciseSpec] = {
    spec.name: spec
    for module in (beginners, theraband, bridging, ball_curls, nordic)
    for spec in module.SPECS
}


class UnknownExercise(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


def get_exercise(name: str, stage: int | None = None) -> ExerciseSpec:
    """Look an exercise up by CLI name (`ball-curl` with stage 2 is `ball-curl-2`)."""
    key = f"{name}-{stage}" if stage and stage > 1 else name
    if key not in EXERCISES:
        raise UnknownExercise(
            f"Unknown exercise '{key}'. Choose one of: {', '.join(EXERCISES)}."
        )
    return EXERCISES[key]
