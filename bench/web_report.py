"""bench/web.py's report: the table of a run's rounds, and what the machine was."""

import os
import statistics
from pathlib import Path


def table(rounds: list[dict[str, dict]], pages) -> str:
    """Each page's median over the rounds; its ratio the median of the rounds' ratios to the baseline."""
    lines = [
        f"{'page':24} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'ratio':>6} {'target':>7}  vs",
        "-" * 78,
    ]
    for page in pages:
        measured = [results[page.name] for results in rounds if page.name in results]
        if not measured:
            continue
        result = sorted(measured, key=lambda each: each["rps"])[len(measured) // 2]
        ratio = target = ""
        if ratios := _ratios(rounds, page):
            value = statistics.median(ratios)
            ratio = f"{value:.2f}"
            if page.target:
                target = f"{'≥' if value >= page.target else '<'}{page.target:g}"
        errors = str(sum(each["errors"] for each in measured))
        if result["first_unexpected"]:
            errors += f" ({result['first_unexpected']})"
        lines.append(
            f"{page.name:24} {result['rps']:8.0f} {result['p50_us'] / 1000:8.1f} {result['p99_us'] / 1000:8.1f}"
            f" {errors:>7} {ratio:>6} {target:>7}  {page.baseline or ''}"
        )
    if len(rounds) > 1:
        lines.append(f"(median of {len(rounds)} rounds; each round's ratios: " + _round_ratios(rounds, pages) + ")")
    return "\n".join(lines)


def _ratios(rounds: list[dict[str, dict]], page) -> list[float]:
    """The page's throughput over its baseline's, one per round that measured both."""
    return [
        results[page.name]["rps"] / results[page.baseline]["rps"]
        for results in rounds
        if page.baseline and page.name in results and results.get(page.baseline, {}).get("rps")
    ]


def _round_ratios(rounds: list[dict[str, dict]], pages) -> str:
    shown = []
    for page in pages:
        if ratios := _ratios(rounds, page):
            shown.append(f"{page.name} {' '.join(f'{ratio:.2f}' for ratio in ratios)}")
    return "; ".join(shown)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        "unknown CPU",
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return f"{os.cpu_count()} cores ({cpu}), {memory_kb / 2**20:.0f} GiB"
