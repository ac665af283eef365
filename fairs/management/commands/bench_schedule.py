"""`manage.py bench_schedule [--json] [--sizes 50:300,500:3000,5000:30000] [--seed N] [--time-limit S]`.

Generates seeded fair instances (participants:meetings; 16 slots; tables for about 80% of the
meetings; buyers and cooperatives 40/60; realistic availability; weights 1–3; a cap of 12
meetings per participant; a few pinned meetings), solves each, checks every schedule with the
verifier and fails loudly if one breaks a rule. Reports time, objective, proven bound and their
ratio. Without --time-limit the budget is 10 s up to 3,000 meetings and 60 s above.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from fairs.scheduling import generate_instance, solve, verify

DEFAULT_SIZES = "50:300,500:3000,5000:30000"


def parse_sizes(text: str) -> list[tuple[int, int]]:
    """'50:300,500:3000' → [(50, 300), (500, 3000)]."""
    sizes = []
    for part in text.split(","):
        try:
            participants, meetings = (int(value) for value in part.split(":"))
        except ValueError as error:
            raise CommandError(f"--sizes wants PARTICIPANTS:MEETINGS pairs, got {part!r}") from error
        if participants < 2 or meetings < 1:
            raise CommandError(f"--sizes: {part!r} is too small")
        sizes.append((participants, meetings))
    return sizes


def default_time_limit(meetings: int) -> float:
    return 10.0 if meetings <= 3000 else 60.0


class Command(BaseCommand):
    help = "Benchmark the meeting scheduler on seeded instances; every schedule is verified."

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes", default=DEFAULT_SIZES, help=f"PARTICIPANTS:MEETINGS,... (default {DEFAULT_SIZES})."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the instances (default 2026).")
        parser.add_argument(
            "--time-limit", type=float, default=None, metavar="SECONDS", help="Budget per instance."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object, nothing else.")

    def handle(self, *args, **options):
        results = []
        for participants, meetings in parse_sizes(options["sizes"]):
            try:
                instance = generate_instance(participants, meetings, seed=options["seed"])
            except ValueError as error:
                raise CommandError(f"--sizes {participants}:{meetings}: {error}") from error
            time_limit = options["time_limit"] or default_time_limit(meetings)
            schedule = solve(instance, time_limit=time_limit)
            violations = verify(instance, schedule)
            if violations:
                raise CommandError(
                    f"INVALID schedule for {participants}/{meetings}: {len(violations)} violation(s), first: "
                    + "; ".join(violations[:5])
                )
            bound = schedule["upper_bound"]
            result = {
                "participants": participants,
                "meetings": meetings,
                "seconds": schedule["seconds"],
                "objective": schedule["objective"],
                "upper_bound": bound,
                "ratio": None if not bound else round(schedule["objective"] / bound, 5),
                "scheduled": len(schedule["assignments"]),
                "solver": schedule["solver"],
                "time_limit": time_limit,
            }
            results.append(result)
            if not options["json"]:
                self.stdout.write(
                    f"{participants:>6} participants {meetings:>6} meetings: {result['seconds']:6.2f} s, "
                    f"weight {result['objective']:g} / bound {bound}, ratio {result['ratio']}, "
                    f"{result['scheduled']} held, {result['solver']}"
                )
        if options["json"]:
            self.stdout.write(json.dumps({"instances": results}))
