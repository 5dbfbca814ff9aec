"""Work measured in steps rather than seconds, so that a bound holds on any
machine however busy: a step is one function call (Python or built-in) made
while the counter is on, which for a given input is always the same number."""

import sys


class StepCounter:
    """`with StepCounter() as steps: ...` then `steps.count`."""

    count = 0

    def __enter__(self) -> "StepCounter":
        self.count = 0
        sys.setprofile(self._tally)
        return self

    def __exit__(self, *exc_info: object) -> None:
        sys.setprofile(None)

    def _tally(self, frame: object, event: str, arg: object) -> None:
        if event in ("call", "c_call"):
            self.count += 1


class SQLiteSteps:
    """`with SQLiteSteps(connection) as steps: ...` then `steps.count`: the
    instructions SQLite's virtual machine ran within the block, the same for the
    same data and query plan on any machine."""

    count = 0

    def __init__(self, connection) -> None:
        self.driver = connection.connection

    def __enter__(self) -> "SQLiteSteps":
        self.count = 0
        self.driver.set_progress_handler(self._tally, 1)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.driver.set_progress_handler(None, 1)

    def _tally(self) -> int:
        self.count += 1
        return 0  # go on
