"""Harvest stage: registry → scheduling/runs → extraction → dedupe → storage."""
