"""A small client of one Scrapyd node's HTTP API (daemonstatus, schedule, listjobs, cancel).

Any failure to get a well-formed answer is :class:`NodeDown` with the reason:
the dispatcher treats a node that does not answer as gone.  A node URL may
carry Scrapyd's basic-auth credentials (``http://user:pass@host:6800``); they
are sent as a header and never printed.
"""
from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request

from nodes.daemon import PROJECT
from nodes.commands import HARVEST_SPIDER

TIMEOUT = 5.0  # seconds: a node slower than this to answer its status is treated as down
# schedule.json checks the job name by running `scrapy list` in a process (cached after the
# first time): on a busy machine that takes longer than a status answer.
SCHEDULE_TIMEOUT = 60.0


class NodeDown(Exception):
    """The node did not answer, or answered something that is not Scrapyd's."""


def public_url(url: str) -> str:
    """The node's address without credentials, for reports and the database."""
    parts = urllib.parse.urlsplit(url.strip())
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def parse_node_urls(text: str) -> list[str]:
    """``URL[,URL...]``: http(s) addresses, each once, in the order given."""
    urls: list[str] = []
    for raw in text.split(","):
        raw = raw.strip()
        if not raw:
            continue
        parts = urllib.parse.urlsplit(raw)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not a node address (http://host:port): {raw!r}")
        if raw.rstrip("/") not in urls:
            urls.append(raw.rstrip("/"))
    if not urls:
        raise ValueError("no node address given")
    return urls


class ScrapydNode:
    def __init__(self, url: str, timeout: float = TIMEOUT):
        parts = urllib.parse.urlsplit(url)
        self.url = public_url(url)
        self.timeout = timeout
        self.auth = None
        if parts.username:
            token = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
            self.auth = "Basic " + base64.b64encode(token.encode()).decode()

    def _call(self, endpoint: str, params: dict | None = None, post: bool = False, timeout: float | None = None) -> dict:
        query = urllib.parse.urlencode(params or {})
        address = f"{self.url}/{endpoint}"
        if not post and query:
            address += f"?{query}"
        request = urllib.request.Request(address, data=query.encode() if post else None)
        if self.auth:
            request.add_header("Authorization", self.auth)
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                answer = json.loads(response.read(1_000_000))
        except urllib.error.HTTPError as exc:
            raise NodeDown(f"{endpoint}: HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise NodeDown(f"{endpoint}: {reason}") from None
        except ValueError:
            raise NodeDown(f"{endpoint}: not a Scrapyd answer") from None
        if not isinstance(answer, dict) or answer.get("status") != "ok":
            message = answer.get("message") if isinstance(answer, dict) else None
            raise NodeDown(f"{endpoint}: {message or 'refused'}")
        return answer

    def status(self) -> dict:
        """``{running, pending, finished, node_name}`` over all its projects."""
        return self._call("daemonstatus.json")

    def schedule(self, source_id: str, node: str, workers: int) -> str:
        answer = self._call("schedule.json", {"project": PROJECT, "spider": HARVEST_SPIDER, "source": source_id,
                                              "node": node, "workers": str(workers)}, post=True,
                                   timeout=max(self.timeout, SCHEDULE_TIMEOUT))
        return str(answer["jobid"])

    def spiders(self, timeout: float = SCHEDULE_TIMEOUT) -> list[str]:
        """The project's jobs (Scrapyd runs `scrapy list` once and keeps the answer)."""
        return list(self._call("listspiders.json", {"project": PROJECT}, timeout=timeout).get("spiders", []))

    def jobs(self) -> dict[str, str]:
        """Job id → ``pending``/``running``/``finished`` for this project's jobs."""
        answer = self._call("listjobs.json", {"project": PROJECT})
        return {job["id"]: state for state in ("pending", "running", "finished") for job in answer.get(state, [])}

    def cancel(self, job_id: str) -> None:
        self._call("cancel.json", {"project": PROJECT, "job": job_id}, post=True)
