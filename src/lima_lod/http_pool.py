"""Kept-alive HTTP/1.1 connections to one SPARQL engine, asked from the event loop.

Used by :class:`lima_lod.store.RemoteStore` to forward queries without a thread hop and without
a new TCP connection per query: each event loop keeps up to :data:`IDLE` open connections to the
engine and reuses them. Only what a SPARQL engine's answer needs of HTTP/1.1 is read here: the
status line and headers, then a body framed by ``Content-Length``, chunks, or the end of the
connection; anything else is a :class:`ProtocolFailure`. A general client (httpx) cost about
1.1 ms more per request here, and h11's parser a sixth of the server's time per query.

A reused connection the engine has closed meanwhile fails before any byte of the answer comes
back; the request (a query: safe to repeat) is then sent once more on a new connection. Every
request runs under the caller's deadline and reads at most ``max_bytes`` of answer; a connection
left in an unknown state (deadline, error, cancellation) is closed, never reused.
"""

from __future__ import annotations

import asyncio
import ssl
import urllib.parse
import weakref
from dataclasses import dataclass, field

#: Idle connections kept per event loop, and requests in flight at once (more wait their turn
#: under their deadline, as they waited for a thread before): the engine's own connection limit
#: (Virtuoso's ``MaxClientConnections``) should be at least this.
IN_FLIGHT = 32
IDLE = IN_FLIGHT  # every connection that was in use may serve the next request
READ = 65536


class ProtocolFailure(Exception):
    """The engine's answer is not HTTP, or the connection broke; the message says how."""


class AnswerTooLarge(Exception):
    """The answer is longer than the caller accepts (the bytes read so far are dropped)."""


@dataclass
class Reply:
    """An engine's answer: status, headers (names in lower case) and the whole body."""

    status: int
    reason: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def media_type(self) -> str:
        """The Content-Type without its parameters, in lower case."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


class _Connection:
    """One TCP connection: a request written whole, the answer read by its framing."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.idle = True  # between exchanges, and the engine did not ask to close
        self.answered = False  # a byte of the answer came back (then it is not sent again)

    def reusable(self) -> bool:
        return self.idle and not self.reader.at_eof()

    def close(self) -> None:
        self.idle = False
        self.writer.close()

    async def exchange(self, request: bytes, max_bytes: int) -> Reply:
        """Send a whole request; read the whole answer (at most ``max_bytes`` of body)."""
        self.idle = self.answered = False
        self.writer.write(request)
        await self.writer.drain()
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
            self.answered = True
            reply, keep = _head(head)
            while 100 <= reply.status < 200:  # 100 Continue and the like: the answer follows
                reply, keep = _head(await self.reader.readuntil(b"\r\n\r\n"))
            reply.body = await self._body(reply, max_bytes)
        except asyncio.IncompleteReadError as exc:
            self.answered = self.answered or bool(exc.partial)
            raise ProtocolFailure("the engine closed the connection before it answered") from None
        except asyncio.LimitOverrunError:
            raise ProtocolFailure("the engine's answer has an endless line") from None
        self.idle = keep and "close" not in reply.headers.get("connection", "").lower()
        return reply

    async def _body(self, reply: Reply, max_bytes: int) -> bytes:
        if reply.status in (204, 304):
            return b""
        if "chunked" in reply.headers.get("transfer-encoding", "").lower():
            chunks: list[bytes] = []
            size = 0
            while True:
                line = await self.reader.readuntil(b"\r\n")
                length = _number(line.split(b";")[0], 16)
                if length == 0:  # then trailers, up to an empty line
                    while await self.reader.readuntil(b"\r\n") != b"\r\n":
                        pass
                    return b"".join(chunks)
                size += length
                if size > max_bytes:
                    raise AnswerTooLarge(f"over {max_bytes} bytes")
                chunks.append(await self.reader.readexactly(length))
                if await self.reader.readexactly(2) != b"\r\n":
                    raise ProtocolFailure("the engine's answer has a broken chunk")
        declared = reply.headers.get("content-length")
        if declared is not None:
            length = _number(declared.encode(), 10)
            if length > max_bytes:
                raise AnswerTooLarge(f"{length} bytes, over {max_bytes}")
            return await self.reader.readexactly(length)
        parts, size = [], 0  # no length: the answer ends with the connection
        while part := await self.reader.read(READ):
            size += len(part)
            if size > max_bytes:
                raise AnswerTooLarge(f"over {max_bytes} bytes")
            parts.append(part)
        self.idle = False
        return b"".join(parts)


def _number(text: bytes, base: int) -> int:
    """A length from the engine's framing; ProtocolFailure when it is not one."""
    try:
        value = int(text.strip(), base)
    except ValueError:
        raise ProtocolFailure(f"the engine's answer has a bad length: {text[:40]!r}") from None
    if value < 0:
        raise ProtocolFailure(f"the engine's answer has a bad length: {text[:40]!r}")
    return value


def _head(head: bytes) -> tuple[Reply, bool]:
    """The status line and headers of an answer; and whether its HTTP keeps the connection."""
    lines = head.decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    status, _, reason = rest.partition(" ")
    if not version.startswith("HTTP/1.") or len(status) != 3 or not status.isdigit():
        raise ProtocolFailure(f"the engine's answer is not HTTP: {lines[0][:80]!r}")
    headers = {}
    for line in lines[1:]:
        if line:
            name, colon, value = line.partition(":")
            if not colon or not name or name != name.strip():
                raise ProtocolFailure(f"the engine's answer has a bad header: {line[:80]!r}")
            headers[name.lower()] = value.strip()
    return Reply(int(status), reason, headers), version == "HTTP/1.1"


class HttpPool:
    """Kept-alive connections to the host of one URL, per event loop."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.authority = parts.netloc.rpartition("@")[2]
        self.tls = ssl.create_default_context() if parts.scheme == "https" else None
        self._idle: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, list[_Connection]] = (
            weakref.WeakKeyDictionary()
        )
        self._turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def _request(self, body: bytes, headers: list[tuple[str, str]]) -> bytes:
        head = [("Host", self.authority), ("Content-Length", str(len(body))), *headers]
        lines = [f"POST {self.target} HTTP/1.1", *(f"{k}: {v}" for k, v in head), "", ""]
        return "\r\n".join(lines).encode("latin-1") + body

    async def _open(self) -> _Connection:
        reader, writer = await asyncio.open_connection(
            self.host, self.port, ssl=self.tls, limit=READ
        )
        return _Connection(reader, writer)

    def _take(self) -> _Connection | None:
        idle = self._idle.get(asyncio.get_running_loop(), [])
        while idle:
            connection = idle.pop()
            if connection.reusable():
                return connection
            connection.close()
        return None

    def _give_back(self, connection: _Connection) -> None:
        idle = self._idle.setdefault(asyncio.get_running_loop(), [])
        if connection.reusable() and len(idle) < IDLE:
            idle.append(connection)
        else:
            connection.close()

    async def post(
        self, body: bytes, headers: list[tuple[str, str]], timeout: float, max_bytes: int
    ) -> Reply:
        """POST ``body`` to the URL; the whole answer within ``timeout`` seconds.

        Raises:
            TimeoutError: no whole answer in time.
            OSError: the engine cannot be reached.
            ProtocolFailure: the answer is not HTTP, or the connection broke.
            AnswerTooLarge: the answer's body is over ``max_bytes``.
        """
        request = self._request(body, headers)
        turns = self._turns.setdefault(asyncio.get_running_loop(), asyncio.Semaphore(IN_FLIGHT))
        async with asyncio.timeout(timeout), turns:
            return await self._post(request, max_bytes)

    async def _post(self, request: bytes, max_bytes: int) -> Reply:
        """Send on an idle connection, else (or if the engine closed it meanwhile) a new one."""
        connection = self._take()
        if connection is not None:
            try:
                reply = await connection.exchange(request, max_bytes)
            except (ProtocolFailure, ConnectionError):
                connection.close()
                if connection.answered:
                    raise
                # closed by the engine while it was idle: once more, on a new connection
            except BaseException:
                connection.close()
                raise
            else:
                self._give_back(connection)
                return reply
        connection = await self._open()
        try:
            reply = await connection.exchange(request, max_bytes)
        except BaseException:
            connection.close()
            raise
        self._give_back(connection)
        return reply

    def close(self) -> None:
        """Close every idle connection, each on its own event loop (from any thread)."""
        for loop, idle in list(self._idle.items()):
            for connection in idle:
                if loop.is_closed():
                    continue  # its transport went with its loop
                loop.call_soon_threadsafe(connection.close)
            idle.clear()
