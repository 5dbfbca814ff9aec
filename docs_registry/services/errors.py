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
