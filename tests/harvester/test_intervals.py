"""How often a source is harvested: a written `every` is kept as the longest wait."""
from __future__ import annotations

import pytest

from harvester.intervals import human, next_interval, planned
from harvester.registry import parse_registry

HEAD = ("portal: {name: t}\nharvest: {min_interval: 5m, max_interval: 1d}\ncolumns:\n  - {id: c, name: 栏目}\n"
        "units:\n  - id: u\n    name: 单位\n    kind: county\n    homepage: http://a.gov.cn/\n    sources:\n")


def source(extra: str = "", head: str = HEAD):
    reg = parse_registry(head + f"      - {{id: s, url: 'http://a.gov.cn/', columns: [c]{extra}}}\n")
    return reg.source("s")[1], reg.harvest


@pytest.mark.parametrize("extra,weekly,seconds,why", [
    (", schedule: {every: 30m}", 0, 1800, "every 30m as written"),  # quiet: still every 30 minutes
    (", schedule: {every: 30m}", 2016, 300, "shorter than the written 30m"),  # busy: more often, to min_interval
    (", schedule: {every: 2s}", 0, 2, "every 2s as written"),  # shorter than min_interval: kept
    (", schedule: {every: 30m}, adaptive: true", 0, 86400, "adaptive: true"),  # the registry asks to lengthen it
    (", schedule: {every: 30m}, adaptive: false", 2016, 1800, "adaptive scheduling off"),
    ("", 0, 86400, "no schedule written"),  # the default 1h adapts within [min, max]
    ("", 168, 3600, "adaptive every 1h"),
])
def test_a_written_every_is_an_upper_bound(extra, weekly, seconds, why):
    found = next_interval(*source(extra), weekly, failures=0)
    assert found.seconds == seconds and why in found.reason, found


def test_failures_back_off_and_say_so():
    found = next_interval(*source(", schedule: {every: 30m}"), 0, failures=2)
    assert found.seconds == 7200 and "after 2 failed run(s)" in found.reason


def test_adaptive_off_for_the_federation_keeps_every_schedule():
    head = HEAD.replace("harvest: {", "harvest: {adaptive: false, ")
    assert next_interval(*source("", head), 5000, failures=0).seconds == 3600


def test_cron_and_first_plans():
    assert planned(*source(", schedule: {cron: '0 */2 * * *'}")).reason == "cron '0 */2 * * *' as written"
    assert planned(*source(", schedule: {every: 45m}")).seconds == 2700
    assert [human(s) for s in (2, 120, 5400, 86400, 90061)] == ["2s", "2m", "1h30m", "1d", "1d1h1m1s"]
