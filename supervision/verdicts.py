"""The verdict of a unit at a moment: 不合格 when a veto threshold is met (单项否决),
else 合格; a 100-point score after the deductions either way.

Inputs are what was stored: the findings open at that moment and the number
of failed homepage probes in the 7 days before it, so a verdict for any past
date is the verdict the checks of that time supported.  Thresholds and points
are the registry's ``supervision.veto``, ``deduct`` and ``deduct_max``.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from harvester.registry import SupervisionPolicy
from supervision.kinds import FAIL, PASS, PORTAL_KINDS
from supervision.models import Finding


@dataclass(frozen=True)
class Verdict:
    verdict: str  # 合格 | 不合格
    score: float
    vetoes: list[str]
    deductions: dict[str, float] = field(default_factory=dict)  # by deduction key, points lost


def deduction_key(finding: Finding) -> str | None:
    """The ``supervision.deduct`` key a finding costs points under (None: it costs none)."""
    if finding.kind in PORTAL_KINDS:
        return None
    if finding.kind == "broken_link" and (finding.data or {}).get("scope") == "item":
        return "broken_link_item"
    return finding.kind


def judge(findings: Iterable[Finding], failed_probes: int, policy: SupervisionPolicy) -> Verdict:
    findings = list(findings)
    kinds = Counter(f.kind for f in findings)
    veto = policy.veto
    vetoes = []
    if failed_probes >= veto.unreachable_checks:
        vetoes.append("site_unreachable")
    if kinds["homepage_stale"]:
        vetoes.append("homepage_stale")
    if kinds["column_stale"] >= veto.stale_columns:
        vetoes.append("column_stale")
    if kinds["column_empty"] >= veto.empty_columns:
        vetoes.append("column_empty")
    counts = Counter(key for key in map(deduction_key, findings) if key)
    deductions = {}
    for key, count in sorted(counts.items()):
        points = min(count * getattr(policy.deduct, key), getattr(policy.deduct_max, key))
        if points:
            deductions[key] = round(points, 1)
    score = max(0.0, 100 - sum(deductions.values()))
    return Verdict(FAIL if vetoes else PASS, as_number(score), vetoes, deductions)


def as_number(value: float) -> float | int:
    """85 rather than 85.0; one decimal otherwise (0.1-point deductions exist)."""
    value = round(value, 1)
    return int(value) if value == int(value) else value
