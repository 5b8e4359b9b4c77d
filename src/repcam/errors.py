"""The one exception type a person sees: a sentence saying what went wrong and what to do."""


class RepcamError(Exception):
    """A problem the user can act on. The CLI prints the message and exits non-zero."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint

    def __str__(self) -> str:
        text = super().__str__()
        return f"{text} {self.hint}".strip()


class InputError(RepcamError):
    """Bad input: a missing or unreadable file, a camera that does not open."""

    exit_code = 2


class ModelError(RepcamError):
    """The pose model is missing, corrupted or could not be provisioned."""

    exit_code = 3


class NoPersonError(RepcamError):
    """Nobody (or not the needed joints) was found in the footage."""

    exit_code = 4


class UnreliableVideoError(RepcamError):
    """The video was analysed, but how it was filmed makes the result untrustworthy."""

    exit_code = 5
