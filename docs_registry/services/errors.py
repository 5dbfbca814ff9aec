"""What services raise when a rule refuses a change."""


class ServiceError(Exception):
    """A rule refused the change; `message` is written for the person who tried."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


class StaleDraftError(ServiceError):
    """The document gained a version after the draft was started from `base_number`."""

    def __init__(self, *, base_number: int, current_number: int):
        super().__init__(
            f"This draft was started from v{base_number}, but the document is now "
            f"at v{current_number}. Compare the versions, then rebase your draft "
            "on the current version before publishing. Your draft is kept.",
            code="stale_draft",
        )
        self.base_number = base_number
        self.current_number = current_number


class LintFindingsError(ServiceError):
    """The text uses words the glossary says to avoid."""

    def __init__(self, findings: list, *, blocking: bool):
        count = len(findings)
        advice = (
            "Replace them before publishing."
            if blocking
            else "Replace them, or confirm that you want to publish anyway."
        )
        super().__init__(
            f"The text uses {count} word{'s' if count != 1 else ''} the glossary "
            f"says to avoid. {advice}",
            code="avoided_words",
        )
        self.findings = findings
        self.blocking = blocking


class HandoffBlockError(ServiceError):
    """A ```handoff block in the text is malformed; `problems` name the lines."""

    def __init__(self, problems: list):
        first = problems[0]
        more = len(problems) - 1
        super().__init__(
            f"A hand-off block is malformed ({first}"
            + (f", and {more} more problem{'s' if more != 1 else ''}" if more else "")
            + "). Correct it before publishing.",
            code="handoff_malformed",
        )
        self.problems = problems
