"""What a demo build created, counted by kind, for the command's summary and the idempotency tests."""

from dataclasses import dataclass, field


@dataclass
class DemoResult:
    created: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, what: str, n: int = 1) -> None:
        if n:
            self.created[what] = self.created.get(what, 0) + n
