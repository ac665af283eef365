"""Meeting scheduling for fairs: B2B meetings into timeslots and tables, as a pure function.

`solve(instance)` takes the plain instance (a dict shaped like the JSON of
`manage.py schedule_meetings`, or a parsed `Instance`) and returns the schedule; it never
touches the database. `verify(instance, schedule)` lists the hard rules a schedule breaks.
"""

from fairs.scheduling.generate import generate_instance
from fairs.scheduling.instance import (
    Instance,
    MalformedInstance,
    PinnedConflict,
    SchedulingError,
    check_pins,
    parse_instance,
)
from fairs.scheduling.solver import solve
from fairs.scheduling.verify import verify

__all__ = [
    "Instance",
    "MalformedInstance",
    "PinnedConflict",
    "SchedulingError",
    "check_pins",
    "generate_instance",
    "parse_instance",
    "solve",
    "verify",
]
