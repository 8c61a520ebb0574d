"""The comparison table (text and Markdown) and the SVG chart, from the results dict."""

from __future__ import annotations

from typing import Any

from .percall import OPERATIONS

FLOOR, OURS, MOTO = "botocore floor", "pytest_glacier", "moto"
FROZEN = "floor, frozen clock"
MIB = 1 << 20


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.2f} ms"


def _mark(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _ordered(by_name: dict[str, Any]) -> list[tuple[str, Any]]:
    """No double first, then pytest_glacier, then the rest (moto) as they came."""
    rank = {"no double": 0, OURS: 1}
    return sorted(by_name.items(), key=lambda item: rank.get(item[0], 2))


def rows(results: dict[str, Any]) -> list[tuple[str, list[list[str]]]]:
    """(section title, rows with a header row first) for every section that ran."""
    sections: list[tuple[str, list[list[str]]]] = []
    if "percall" in results:
        table = results["percall"]["seconds_per_call"]
        body = [["operation", FLOOR, FROZEN, OURS, "ratio", MOTO, "moto ratio", "goal ≤ 1.15x"]]
        for op in OPERATIONS:
            floor, ours = table[FLOOR][op], table[OURS][op]
            frozen = table.get(FROZEN, {}).get(op)
            moto = table.get(MOTO, {}).get(op)
            body.append(
                [
                    op,
                    _us(floor),
                    f"{_us(frozen)} ({frozen / floor:.2f}x)" if frozen else "n/a",
                    _us(ours),
                    f"{ours / floor:.2f}x",
                    _us(moto) if moto else "n/a",
                    f"{moto / floor:.2f}x" if moto else "n/a",
                    _mark(ours / floor <= 1.15),
                ]
            )
        sections.append(("Per-call cost through boto3 (CPU time per call, median)", body))
    if "fixture" in results:
        fixture = results["fixture"]
        body = [["double", "cost per test", "overhead vs no double", "budget ≤ 0.5 ms"]]
        for kind, cost in _ordered(fixture["per_test"]):
            extra = fixture["overhead"].get(kind)
            budget = _mark(extra <= 0.0005) if kind == OURS and extra is not None else ""
            body.append([kind, _ms(cost), _ms(extra) if extra is not None else "", budget])
        sections.append(
            (
                f"Fixture set-up + tear-down (CPU time of one test's run, mean of "
                f"{fixture['tests']} tests, best of {fixture['rounds']} rounds)",
                body,
            )
        )
    if "startup" in results:
        startup = results["startup"]
        body = [
            ["measure", "value", "budget ≤ 20 ms"],
            [
                "import pytest_glacier.plugin (-X importtime)",
                _ms(startup["plugin_import"]),
                _mark(startup["plugin_import"] <= 0.020),
            ],
            ["pytest start, plugin loaded", _ms(startup["pytest_with_plugin"]), ""],
            ["pytest start, -p no:glacier", _ms(startup["pytest_without_plugin"]), ""],
            [
                "added by the plugin",
                _ms(startup["pytest_added"]),
                _mark(startup["pytest_added"] <= 0.020),
            ],
        ]
        sections.append(("Import and pytest start-up (CPU time, best of the rounds)", body))
        first = startup.get("first_test")
        if first:
            added = startup["first_test_added"]
            body = [["first test of a process", "wall time", "budget ≤ +60 ms"]]
            body += [[kind, _ms(wall), ""] for kind, wall in first.items()]
            body.append(["added by the double", _ms(added), _mark(added <= 0.060)])
            sections.append(
                (
                    "First test: client + CreateVault + InitiateJob in a fresh pytest "
                    "(wall time, best of the rounds)",
                    body,
                )
            )
    if "suite" in results:
        suite = results["suite"]
        body = [["double", "wall", "wall ratio", "CPU", "CPU ratio", "budget ≤ 1.10x"]]
        for kind, wall in suite["wall"].items():
            ratio = suite["wall_ratio"][kind]
            budget = _mark(ratio <= 1.10) if kind == OURS else ""
            body.append(
                [
                    kind,
                    f"{wall:.2f} s",
                    f"{ratio:.2f}x",
                    f"{suite['cpu'][kind]:.2f} s",
                    f"{suite['cpu_ratio'][kind]:.2f}x",
                    budget,
                ]
            )
        rounds = suite["rounds"]
        best = f"best of {rounds} rounds" if rounds > 1 else "1 round"
        sections.append(
            (f"A {suite['tests']}-test suite, pytest -n 0, fresh process ({best})", body)
        )
    if "large" in results:
        large = results["large"]
        hashing = large["hash"]
        ratio = hashing["tree_hash"] / hashing["sha256"]
        body = [
            ["measure", "value", "budget"],
            ["hashlib.sha256", f"{hashing['sha256'] / MIB:,.0f} MiB/s", ""],
            [
                "tree hash",
                f"{hashing['tree_hash'] / MIB:,.0f} MiB/s ({ratio:.0%})",
                f"≥ 90 %: {_mark(ratio >= 0.9)}",
            ],
        ]
        upload = large.get("upload")
        if upload:
            floor, ours = upload["floor"], upload["ours"]
            body.append(
                [
                    f"{upload['size'] // MIB:,} MiB UploadArchive, memory store (CPU / wall)",
                    f"floor {floor['cpu_seconds']:.2f} / {floor['wall_seconds']:.2f} s, ours "
                    f"{ours['cpu_seconds']:.2f} / {ours['wall_seconds']:.2f} s: "
                    f"{upload['cpu_ratio']:.2f}x / {upload['wall_ratio']:.2f}x",
                    f"wall ≤ 1.35x: {_mark(upload['wall_ratio'] <= 1.35)}",
                ]
            )
        for mode, trip in large["round_trip"].items():
            size = trip["size"]
            growth = trip["growth"]
            copies = growth["RssAnon"] / size
            budget = (
                f"≤ 1 extra copy: {_mark(copies <= 1.05)}"
                if mode == "memory"
                else f"flat: {_mark(copies <= 0.1)}"
            )
            body.append(
                [
                    f"{size // MIB} MiB round trip, storage={mode}",
                    f"upload {trip['upload_seconds']:.2f} s, retrieve "
                    f"{trip['retrieve_seconds']:.2f} s; peak growth anon "
                    f"{growth['RssAnon'] / MIB:,.0f} MiB ({copies:.2f} copies), "
                    f"file-backed {growth['RssFile'] / MIB:,.0f} MiB",
                    budget,
                ]
            )
        sections.append(("Large archives (wall time; memory above the baseline)", body))
    if "scale" in results:
        scale = results["scale"]
        body = [["measure", "value"]]
        for fmt in ("JSON", "CSV"):
            inv = scale[f"inventory_{fmt}"]
            body.append(
                [
                    f"inventory of {scale['archives']:,} archives, {fmt}",
                    f"{inv['seconds']:.2f} s, {inv['bytes'] / MIB:,.1f} MiB output, peak "
                    f"growth {inv['growth']['RssAnon'] / MIB:,.0f} MiB",
                ]
            )
        big = scale.get("inventory_big_JSON")
        if big:
            met = big["build_cpu_seconds"] <= 3 and big["build_growth_per_output_byte"] <= 1.2
            body.append(
                [
                    f"inventory of {scale['big_archives']:,} archives, JSON: its build (CPU), "
                    "peak growth per output byte (goal ≤ 3 s, ≤ 1.2)",
                    f"{big['build_cpu_seconds']:.2f} s, "
                    f"{big['build_growth_per_output_byte']:.2f}: "
                    f"{_mark(met)}",
                ]
            )
        beside = scale.get("small_beside_big")
        if beside:
            alone, next_to = beside["alone_seconds"] * 1e3, beside["beside_seconds"] * 1e3
            body.append(
                [
                    f"inventory of {beside['small']} archives, alone / beside {beside['beside']:,}",
                    f"{alone:.2f} ms / {next_to:.2f} ms CPU",
                ]
            )
        jobs = scale["jobs"]
        body += [
            [f"InitiateJob x {jobs['jobs']:,}", f"{jobs['initiate_seconds']:.2f} s"],
            [
                f"advance() completing {jobs['completed']:,} jobs",
                f"{jobs['advance_seconds']:.3f} s",
            ],
            [
                f"ListJobs paging {jobs['listed']:,} jobs in {jobs['pages']} pages",
                f"{jobs['list_seconds']:.2f} s",
            ],
        ]
        sections.append(("Scale (wall time)", body))
    if "growth" in results:
        growth = results["growth"]
        few, many = f"{growth['few']:,} items", f"{growth['items']:,} items"
        body = [["operation", few, many, "ratio", "goal ≤ 1.10"]]
        for op, cost in growth["seconds_per_call"].items():
            ratio = cost["big"] / cost["small"]
            body.append(
                [op, _us(cost["small"]), _us(cost["big"]), f"{ratio:.2f}x", _mark(ratio <= 1.1)]
            )
        sections.append(
            (
                "Growth: one call with little or much state around it (CPU time per call, "
                f"median of {growth['rounds']} rounds)",
                body,
            )
        )
    if "server" in results:
        rates = results["server"]["requests_per_second"]
        names = [name for name, _ in _ordered(rates)]
        operations = list(next(iter(rates.values()))) if rates else []
        body = [["operation", *names]]
        for op in operations:
            body.append([op, *(f"{rates[n].get(op, 0):,.0f} req/s" for n in names)])
        sections.append(("Server on loopback (one keep-alive client, wall time)", body))
    if "waits" in results:
        sections.append(_waits(results["waits"]))
    if "counts" in results:
        from .counts import BUDGETS, COMPLETION_GROWTH

        counted = results["counts"]["initiate_job"]
        body = [["measure", "count", "budget (fails CI)"]]
        for name, label in (
            ("functions", "package function calls"),
            ("distinct_functions", "distinct package functions"),
            ("files", "package files"),
            ("door_entries", "entries into the botocore door"),
            ("clock_reads", "clock reads"),
            ("body_parses", "JSON body parses"),
        ):
            limit = BUDGETS.get(name)
            budget = f"≤ {limit}: {_mark(counted[name] <= limit)}" if limit is not None else ""
            body.append([label, f"{counted[name]:,}", budget])
        completions = results["counts"].get("completions")
        if completions:
            growth = completions["growth"]
            body.append(
                [
                    "package lines run per job completed by advance(), 100 / 400 jobs",
                    f"{completions['per_job_100']:.1f} / {completions['per_job_400']:.1f}",
                    f"growth ≤ {COMPLETION_GROWTH:.2f}x: {_mark(growth <= COMPLETION_GROWTH)}",
                ]
            )
        sections.append(("One InitiateJob through boto3, counted (deterministic)", body))
    return sections


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:,.1f} min"


def _waits(waits: dict[str, Any]) -> tuple[str, list[list[str]]]:
    """Waits of code under test: wall and CPU time against the floor, per step, and the
    simulated time they covered (``bench/waits.py``)."""
    body = [["wait", "clock", "floor", OURS, "per step (floor → ours)", "ratio", "simulated"]]
    poll, loop = waits["poll"], waits["asyncio"]
    cases = [
        (
            f"{poll['tier']} restore, {poll['polls']:,} polls of time.sleep({poll['interval']})",
            poll,
            FLOOR,
            poll["polls"],
        ),
        (
            f"asyncio.run, {loop['steps']:,} x await asyncio.sleep({loop['step_seconds']}) "
            "(floor: asyncio.sleep(0), no double)",
            loop,
            "no double, asyncio.sleep(0)",
            loop["steps"],
        ),
    ]
    for label, case, floor_name, steps in cases:
        for clock, key in (("wall", "wall"), ("CPU", "cpu")):
            floor, ours = case[key][floor_name], case[key][OURS]
            body.append(
                [
                    label if key == "wall" else "",
                    clock,
                    _ms(floor),
                    _ms(ours),
                    f"{_us(floor / steps)} → {_us(ours / steps)}",
                    f"{ours / floor:.2f}x",
                    _minutes(case["simulated_seconds"]) if key == "wall" else "",
                ]
            )
    threads = waits.get("threads")
    if threads:
        label = (
            f"{threads['threads']} threads, {threads['tier']} restore each, "
            f"{threads['polls']:,} polls of time.sleep({threads['interval']}) in all"
        )
        for clock, key in (("wall", "wall"), ("CPU", "cpu")):
            body.append(
                [
                    label if key == "wall" else "",
                    clock,
                    "n/a",
                    _ms(threads[key]),
                    f"{_us(threads[key] / threads['polls'])} per poll",
                    "",
                    _minutes(threads["simulated_seconds"]) if key == "wall" else "",
                ]
            )
    rounds = waits["rounds"]
    best = f"best of {rounds} rounds" if rounds > 1 else "1 round"
    return (f"Waits of code under test (wall and CPU time, {best})", body)


def text(results: dict[str, Any]) -> str:
    out = []
    for title, body in rows(results):
        widths = [max(len(row[i]) for row in body) for i in range(len(body[0]))]
        out.append(title)
        for index, row in enumerate(body):
            out.append(
                "  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            )
            if index == 0:
                out.append("  " + "  ".join("-" * width for width in widths))
        out.append("")
    return "\n".join(out)


def markdown(results: dict[str, Any]) -> str:
    out = []
    for title, body in rows(results):
        out += [f"#### {title}", "", "| " + " | ".join(body[0]) + " |"]
        out.append("|" + "---|" * len(body[0]))
        out += ["| " + " | ".join(row) + " |" for row in body[1:]]
        out.append("")
    return "\n".join(out)


def svg(results: dict[str, Any]) -> str:
    """Grouped bars: per-call µs for each operation, floor / pytest_glacier / moto."""
    table = results["percall"]["seconds_per_call"]
    series = [(FLOOR, "#9e9e9e"), (OURS, "#1565c0"), (MOTO, "#ef6c00")]
    series = [(name, colour) for name, colour in series if name in table]
    top = max(v for name, _ in series for v in table[name].values()) * 1e6
    width, height, left, bottom, group = 760, 320, 60, 250, 100
    bar = (group - 20) / len(series)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="11">',
        f'<text x="{left}" y="16" font-size="13">Per-call cost through boto3 (µs, lower is '
        "better)</text>",
        f'<line x1="{left}" y1="{bottom}" x2="{width - 10}" y2="{bottom}" stroke="#333"/>',
    ]
    for tick in range(5):
        value = top * tick / 4
        y = bottom - (bottom - 40) * tick / 4
        parts.append(f'<text x="{left - 6}" y="{y + 4:.0f}" text-anchor="end">{value:,.0f}</text>')
        parts.append(
            f'<line x1="{left}" y1="{y:.0f}" x2="{width - 10}" y2="{y:.0f}" stroke="#eee"/>'
        )
    for index, op in enumerate(OPERATIONS):
        x0 = left + 10 + index * group
        for position, (name, colour) in enumerate(series):
            value = table[name].get(op, 0) * 1e6
            bar_height = (bottom - 40) * value / top
            x = x0 + position * bar
            parts.append(
                f'<rect x="{x:.1f}" y="{bottom - bar_height:.1f}" width="{bar - 2:.1f}" '
                f'height="{bar_height:.1f}" fill="{colour}"><title>{name} {op}: {value:,.0f} µs'
                "</title></rect>"
            )
        parts.append(
            f'<text x="{x0 + (group - 20) / 2:.0f}" y="{bottom + 14}" text-anchor="middle">'
            f"{op}</text>"
        )
    for position, (name, colour) in enumerate(series):
        x = left + position * 170
        parts.append(f'<rect x="{x}" y="{bottom + 34}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="{bottom + 44}">{name}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
