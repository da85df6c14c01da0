"""Report writers: terminal summary, ``--json`` (the shape of issue #14) and ``--junit``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO
from xml.etree import ElementTree as ET

from .cases import summary
from .session import Report

_MARK = {"pass": "PASS", "fail": "FAIL", "warn": "WARN", "n/a": "n/a "}


def terminal(report: Report, out: TextIO) -> None:
    out.write(f"hizi-inspect {report.mode} {report.target}\n")
    if not report.loaded:
        out.write(f"  could not load the target: {report.load_error}\n")
    for o in report.outcomes:
        out.write(f"  {_MARK[o.result.value]} {o.case.id:<14} {o.case.title}: {o.detail}\n")
    counts = summary(report.outcomes)
    out.write(
        "  "
        + ", ".join(f"{n} {k}" for k, n in counts.items())
        + f" in {report.duration_s:.1f} s; exit {report.exit_code}\n"
    )
    for note in report.notes:
        out.write(f"  note: {note}\n")


def to_json(report: Report) -> dict[str, Any]:
    return {
        "target": report.target,
        "mode": report.mode,
        "loaded": report.loaded,
        "duration_s": round(report.duration_s, 2),
        "cases": [o.to_json() for o in report.outcomes],
        "summary": summary(report.outcomes),
        "notes": report.notes,
    }


def write_json(report: Report, path: Path) -> None:
    path.write_text(json.dumps(to_json(report), indent=2) + "\n", encoding="utf-8")


def write_junit(report: Report, path: Path) -> None:
    counts = summary(report.outcomes)
    suite = ET.Element(
        "testsuite",
        name=f"hizi-inspect {report.mode}",
        tests=str(len(report.outcomes)),
        failures=str(counts["fail"]),
        errors="0" if report.loaded else "1",
        skipped=str(counts["n/a"]),
        time=f"{report.duration_s:.2f}",
    )
    ET.SubElement(
        ET.SubElement(suite, "properties"), "property", name="target", value=report.target
    )
    if not report.loaded:
        err = ET.SubElement(suite, "testcase", classname="load", name="target loads")
        ET.SubElement(err, "error", message=report.load_error)
    for o in report.outcomes:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"hizi-inspect.{report.mode}",
            name=f"{o.case.id} {o.case.title}",
        )
        evidence = json.dumps(o.evidence, indent=1)[:20000]
        if o.result.value == "fail":
            ET.SubElement(case, "failure", message=o.detail).text = evidence
        elif o.result.value == "n/a":
            ET.SubElement(case, "skipped", message=o.detail)
        else:
            ET.SubElement(case, "system-out").text = f"{o.result.value}: {o.detail}"
    root = ET.Element("testsuites")
    root.append(suite)
    tree = ET.ElementTree(root)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
