"""Room on the frame stack for each request (kb/stack_room.py)."""

import resource

import pytest

from kb.stack_room import StackRoom

CALLS = 100
DEPTHS = range(25)


def _descend(depth: int) -> None:
    if depth:
        _descend(depth - 1)


# About 2 KB a level: CPython's first 16 KB stack chunk ends a few levels down,
# and 25 levels reach past a second chunk wherever the test starts.
_descend.__code__ = _descend.__code__.replace(co_stacksize=250)


def _faults_at_each_depth() -> list[int]:
    """Minor page faults of CALLS descents to each of DEPTHS, in turn: a call
    whose frames open a stack chunk maps it afresh, and faults on its first
    page."""
    faults = []
    for depth in DEPTHS:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for _ in range(CALLS):
            _descend(depth)
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    return faults


def test_an_application_with_room_maps_no_stack_chunk_for_its_calls():
    """Calls that reach past a chunk of the frame stack map a new chunk each time
    (CPython 3.11), unless they run on a chunk with room for them: an
    application's, called through StackRoom."""
    without_room = _faults_at_each_depth()
    if max(without_room) < CALLS:
        pytest.skip("this Python keeps its stack chunks (python/cpython#142183)")

    def application(environ, start_response):
        start_response("200 OK", [])
        return _faults_at_each_depth()

    with_room = StackRoom(application)({}, lambda status, headers: None)
    # A few faults now and then are the heap's; a chunk a call would be CALLS.
    assert max(with_room) < CALLS // 4, (without_room, with_room)


def test_the_application_is_called_with_room_and_its_answer_passed_on():
    calls = []

    def application(environ, start_response):
        calls.append(environ)
        start_response("200 OK", [])
        return [b"answered"]

    environ = {"PATH_INFO": "/"}
    answer = StackRoom(application)(environ, lambda status, headers: None)
    assert answer == [b"answered"] and calls == [environ]
