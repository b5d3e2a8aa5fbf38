"""Counters that only the process refusing a request sees (see sora_site/metrics.py).

Kept in prometheus-client's multiprocess files when PROMETHEUS_MULTIPROC_DIR is set
(``serve`` sets it for its web server and workers), so /metrics adds up every process.
"""

from __future__ import annotations

from prometheus_client import Counter

QUOTA_REFUSALS = Counter(
    "studio_quota_refusals",
    "Submissions refused by a quota, the concurrency limit or the submission rate",
    ["code"],
)
