"""The load test's table and ratios (loadtest/figures.py), from locust CSVs as locust
writes them: what the lead reads off `make loadtest`."""

import csv

from loadtest.figures import ALL_APP_PAGES, TRIVIAL, Page, Run, ratio_table, read_stats, table

HEADER = [
    "Type", "Name", "Request Count", "Failure Count", "Median Response Time",
    "Average Response Time", "Min Response Time", "Max Response Time",
    "Average Content Size", "Requests/s", "Failures/s", "50%", "66%", "75%", "80%", "90%",
    "95%", "98%", "99%", "99.9%", "99.99%", "100%",
]  # fmt: skip


def stats_csv(path, rows):
    """locust's _stats.csv: ``rows`` of (name, requests, failures, req/s, p50, p95, p99)."""
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for name, count, failures, per_second, p50, p95, p99 in rows:
            row = dict.fromkeys(HEADER, "0")
            row.update(
                {
                    "Type": "" if name == "Aggregated" else "GET",
                    "Name": name,
                    "Request Count": count,
                    "Failure Count": failures,
                    "Requests/s": per_second,
                    "50%": p50,
                    "95%": p95,
                    "99%": p99,
                }
            )
            writer.writerow(row.values())
    return path


def a_run(tmp_path, label, *, page_p95=90, pdf=True, failures=0):
    trivial = stats_csv(
        tmp_path / f"{label}-trivial.csv",
        [(TRIVIAL, 20000, 0, 1000.0, 8, 15, 20), ("Aggregated", 20000, 0, 1000.0, 8, 15, 20)],
    )
    app_rows = [("patient page", 4000, failures, 200.0, 40, page_p95, 120)]
    if pdf:
        app_rows.append(("patient PDF download", 1000, 0, 50.0, 20, 30, 40))
    app_rows.append(("Aggregated", 5000, failures, 250.0, 40, 80, 110))
    app = stats_csv(tmp_path / f"{label}-app.csv", app_rows)
    return Run(label, read_stats(trivial), read_stats(app))


def test_locusts_csv_is_read_page_by_page(tmp_path):
    path = stats_csv(tmp_path / "s.csv", [("patient page", 12, 1, 3.5, 40, 90, 120)])
    assert read_stats(path) == [Page("patient page", 12, 1, 3.5, 40.0, 90.0, 120.0)]


def test_both_runs_stand_side_by_side_with_the_total_last(tmp_path):
    single = a_run(tmp_path, "single server")
    scale_out = a_run(tmp_path, "scale-out", pdf=False)
    lines = table([single, scale_out]).splitlines()
    assert "single server" in lines[0] and "scale-out" in lines[0]
    assert lines[1].count("p95 ms") == 2
    by_page = {line.split("|")[0].strip(): line for line in lines[3:]}
    assert list(by_page) == [TRIVIAL, "patient page", "patient PDF download", ALL_APP_PAGES]
    # A page one run never reached shows dashes there, not zeros.
    pdf_cells = by_page["patient PDF download"].split("|")
    assert "50.0" in pdf_cells[1] and set(pdf_cells[2].split()) == {"-"}
    assert by_page[ALL_APP_PAGES].split("|")[1].split() == ["5000", "0", "250.0", "40", "80", "110"]


def test_ratios_are_against_the_trivial_view_of_the_same_run(tmp_path):
    run = a_run(tmp_path, "single server")
    assert run.ratios() == {
        "patient page p95 / trivial p95": 6.0,  # 90 / 15
        "patient PDF p95 / trivial p95": 2.0,  # 30 / 15
        "app pages' req/s / trivial req/s": 0.25,  # 250 / 1000
    }


def test_the_ratio_table_says_which_targets_each_run_meets(tmp_path):
    slow = a_run(tmp_path, "single server", failures=2)
    fast = a_run(tmp_path, "scale-out", page_p95=45, pdf=False)
    lines = {
        line.split("|")[0].split(" (")[0]: line for line in ratio_table([slow, fast]).splitlines()
    }
    page = lines["patient page p95 / trivial p95"].split("|")
    assert "6.00" in page[1] and "(not met)" in page[1]
    assert "3.00" in page[2] and "(met)" in page[2]  # at most 3: met on the line
    pdf = lines["patient PDF p95 / trivial p95"].split("|")
    assert "(met)" in pdf[1] and "not reached" in pdf[2]
    assert (
        "0.25" in lines["app pages' req/s / trivial req/s"]
        and "(not met)" not in (lines["app pages' req/s / trivial req/s"])
    )
    assert [cell.strip() for cell in lines["errors"].split("|")[1:]] == ["2", "0"]
    assert slow.errors == 2 and fast.errors == 0


def test_a_failed_cross_server_check_counts_as_an_error(tmp_path):
    run = a_run(tmp_path, "scale-out")
    run.failed_checks.append("a link's rate limit is not shared by the servers")
    assert run.errors == 1
    errors = next(line for line in ratio_table([run]).splitlines() if line.startswith("errors"))
    assert errors.split("|")[1].strip() == "1"
