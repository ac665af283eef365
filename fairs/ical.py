"""A participant's meetings as an iCalendar file (RFC 5545), written by hand.

Only what a calendar needs to show a B2B meeting: VCALENDAR with one VEVENT per meeting.
Text is escaped (backslash, comma, semicolon, newline), lines end in CRLF and are folded at
75 octets without splitting a UTF-8 character.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

LINE_OCTETS = 75


@dataclass(frozen=True)
class Event:
    uid: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11)."""
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def utc_stamp(moment: datetime.datetime) -> str:
    """A DATE-TIME in UTC, e.g. 20291022T013000Z."""
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> list[str]:
    """The line cut into pieces of at most 75 octets; each continuation starts with a space."""
    pieces, current, size = [], "", 0
    for character in line:
        octets = len(character.encode("utf-8"))
        if size + octets > LINE_OCTETS:
            pieces.append(current)
            current, size = " ", 1
        current += character
        size += octets
    pieces.append(current)
    return pieces


def calendar(events: Iterable[Event], *, name: str, stamp: datetime.datetime) -> str:
    """The whole .ics text, CRLF line endings included."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Vietnam Cooperative Marketplace//Fairs//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{utc_stamp(stamp)}",
            f"DTSTART:{utc_stamp(event.starts_at)}",
            f"DTEND:{utc_stamp(event.ends_at)}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(piece + "\r\n" for line in lines for piece in fold(line))
