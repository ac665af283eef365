"""A bounded HTTP/1.1 load client on asyncio, for bench_pages: no Django, no dependencies.

`load(host, port, path, concurrency=C, seconds=S)` keeps C connections busy for S seconds, each
sending one GET after another and timing each from its first byte sent (or its connection opened)
to its last byte read. A connection is reused when the server keeps it open; gunicorn's sync
workers close it after every response (`Connection: close`), as `wrk` also finds, so then each
request opens a new one, and that time counts. Only answers with the expected status count as
served; anything else is counted by kind among the errors.
"""

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

HEADERS = (
    # As a TLS-terminating proxy in front of the production server would say: the site is served
    # over HTTPS, so the server does not redirect.
    "X-Forwarded-Proto: https",
    "User-Agent: bench_pages",
    "Accept: text/html",
)


@dataclass
class LoadResult:
    served: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)

    @property
    def rps(self) -> float:
        return self.served / self.seconds if self.seconds else 0.0


def request_bytes(host: str, port: int, path: str) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", *HEADERS, "Connection: keep-alive", "", ""]
    return "\r\n".join(lines).encode("ascii")


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; return its status and whether the server closes the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, chunked, close = None, False, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value
        elif name == b"connection":
            close = value == b"close"
    if chunked:
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)  # the chunk and its CRLF (the last: no trailers)
            if size == 0:
                break
    elif length is not None:
        await reader.readexactly(length)
    else:
        await reader.read()  # the body runs to the end of the connection
        close = True
    return status, close


async def _connection(host, port, request: bytes, deadline: float, expect: int, result: LoadResult) -> None:
    reader = writer = None
    while (started := time.perf_counter()) < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(request)
            status, close = await read_response(reader)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as error:
            result.errors[type(error).__name__] += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            continue
        if status == expect:
            result.served += 1
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
        else:
            result.errors[f"HTTP {status}"] += 1
        if close:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


async def _load(host, port, path, *, concurrency: int, seconds: float, expect: int) -> LoadResult:
    result = LoadResult()
    request = request_bytes(host, port, path)
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(_connection(host, port, request, deadline, expect, result) for _ in range(concurrency))
    )
    result.seconds = time.perf_counter() - started
    return result


def load(
    host: str, port: int, path: str, *, concurrency: int, seconds: float, expect: int = 200
) -> LoadResult:
    """Load `path` with `concurrency` connections for `seconds`; see the module's docstring."""
    return asyncio.run(_load(host, port, path, concurrency=concurrency, seconds=seconds, expect=expect))
