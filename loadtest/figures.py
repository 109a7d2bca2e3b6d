"""The load test's figures: locust's per-page statistics read from its CSV, printed as
one table with a column group per run (single server, scale-out), and the ratios issue 23
sets targets for. Pure: no server, no locust; loadtest/run.py feeds it."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

TRIVIAL = "/ping (trivial view)"
ALL_APP_PAGES = "ALL (app pages)"
PATIENT_PAGE = "patient page"
PATIENT_PDF = "patient PDF download"
# Issue 23 §3: the patient's path near the framework's floor, in every run.
TARGETS = {
    "patient page p95 / trivial p95": ("at most", 3.0),
    "patient PDF p95 / trivial p95": ("at most", 2.0),
    "app pages' req/s / trivial req/s": ("at least", 0.25),
}


@dataclass(frozen=True)
class Page:
    name: str
    requests: int
    errors: int
    per_second: float
    p50: float
    p95: float
    p99: float


def read_stats(path: Path) -> list[Page]:
    """locust's ``<name>_stats.csv``: a row per page, then the "Aggregated" row."""
    with open(path, newline="") as handle:
        return [
            Page(
                name=row["Name"],
                requests=int(row["Request Count"]),
                errors=int(row["Failure Count"]),
                per_second=float(row["Requests/s"]),
                p50=float(row["50%"]),
                p95=float(row["95%"]),
                p99=float(row["99%"]),
            )
            for row in csv.DictReader(handle)
        ]


@dataclass
class Run:
    """One run's two phases: the trivial view alone, then the app's pages."""

    label: str
    trivial: list[Page]
    app: list[Page]
    pages: dict[str, Page] = field(init=False)
    # What the run checked beyond the pages' answers and found wrong, in words.
    failed_checks: list[str] = field(default_factory=list)

    def __post_init__(self):
        rows = [page for page in self.trivial if page.name != "Aggregated"]
        rows += [
            Page(ALL_APP_PAGES, *_figures(page)) if page.name == "Aggregated" else page
            for page in self.app
        ]
        self.pages = {page.name: page for page in rows}

    @property
    def errors(self) -> int:
        failures = sum(page.errors for name, page in self.pages.items() if name != ALL_APP_PAGES)
        return failures + len(self.failed_checks)

    def ratios(self) -> dict[str, float | None]:
        """Each of TARGETS' ratios, None when a page it needs was not reached."""
        trivial = self.pages.get(TRIVIAL)
        everything = self.pages.get(ALL_APP_PAGES)
        page, pdf = self.pages.get(PATIENT_PAGE), self.pages.get(PATIENT_PDF)
        names = list(TARGETS)
        return {
            names[0]: _ratio(page and page.p95, trivial and trivial.p95),
            names[1]: _ratio(pdf and pdf.p95, trivial and trivial.p95),
            names[2]: _ratio(everything and everything.per_second, trivial and trivial.per_second),
        }


def _figures(page: Page) -> tuple:
    return (page.requests, page.errors, page.per_second, page.p50, page.p95, page.p99)


def _ratio(part: float | None, whole: float | None) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


PAGE_WIDTH = 32
COLUMNS = ("requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms")
WIDTHS = (8, 6, 7, 6, 6, 6)


def table(runs: list[Run]) -> str:
    """Every page of any run, in the order first met, with each run's figures side by
    side; "-" where a run never reached the page."""
    names = list(dict.fromkeys(name for run in runs for name in run.pages))
    names.sort(key=lambda name: name == ALL_APP_PAGES)  # the total last, the rest as met
    group = sum(WIDTHS) + len(WIDTHS) - 1
    lines = [
        " " * PAGE_WIDTH + "".join(f" | {run.label[:group]:^{group}}" for run in runs),
        f"{'page':{PAGE_WIDTH}}"
        + "".join(
            " | " + " ".join(f"{c:>{w}}" for c, w in zip(COLUMNS, WIDTHS, strict=True))
            for _ in runs
        ),
    ]
    lines.append("-" * len(lines[1]))
    for name in names:
        cells = []
        for run in runs:
            page = run.pages.get(name)
            values = (
                ("-",) * len(WIDTHS)
                if page is None
                else (
                    str(page.requests),
                    str(page.errors),
                    f"{page.per_second:.1f}",
                    f"{page.p50:.0f}",
                    f"{page.p95:.0f}",
                    f"{page.p99:.0f}",
                )
            )
            cells.append(" ".join(f"{v:>{w}}" for v, w in zip(values, WIDTHS, strict=True)))
        lines.append(f"{name[:PAGE_WIDTH]:{PAGE_WIDTH}}" + "".join(f" | {c}" for c in cells))
    return "\n".join(lines)


def ratio_table(runs: list[Run]) -> str:
    """Each target's ratio in each run, and whether the run meets it."""
    width = max(len(name) for name in TARGETS) + 13
    lines = [f"{'ratio (target)':{width}}" + "".join(f" | {run.label:>22}" for run in runs)]
    lines.append("-" * len(lines[0]))
    measured = [run.ratios() for run in runs]
    for name, (bound, limit) in TARGETS.items():
        cells = []
        for ratios in measured:
            value = ratios[name]
            if value is None:
                cells.append(f"{'not reached':>22}")
            else:
                met = value <= limit if bound == "at most" else value >= limit
                cells.append(f"{value:>10.2f} {'(met)' if met else '(not met)':>11}")
        label = f"{name} ({'≤' if bound == 'at most' else '≥'} {limit:g})"
        lines.append(f"{label:{width}}" + "".join(f" | {c}" for c in cells))
    lines.append(
        f"{'errors (must be 0)':{width}}" + "".join(f" | {run.errors:>22}" for run in runs)
    )
    return "\n".join(lines)
