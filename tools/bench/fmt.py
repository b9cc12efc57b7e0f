"""Number formatting and look-ups shared by the report and its Targets table.

Its own module so that targets.py and report.py both read results.json the same way without
importing each other.
"""

from __future__ import annotations

import math
from typing import Any


def _f(value: Any, digits: int = 1, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}" + unit
    if isinstance(value, float):
        if abs(value) >= 100:
            text = f"{value:,.0f}"
        elif abs(value) >= 10:
            text = f"{value:.1f}"
        else:
            text = f"{value:.{digits}f}" if digits else f"{value:.0f}"
            if float(text) == 0 and value:
                text = f"{value:.3g}"
        return text + unit
    return str(value)


def _ratio(a: Any, b: Any) -> float | None:
    if a is None or b is None or not b:
        return None
    return float(round(a / b, 2))


def _rx(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def _sizes(results: dict[str, Any]) -> list[str]:
    return sorted(results.get("sizes", {}), key=int)


def _median(sample: dict[str, Any] | None, unit: str = "s") -> float | None:
    if not sample:
        return None
    return sample.get(f"median_{unit}") or sample.get(f"p50_{unit}")
