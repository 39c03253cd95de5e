"""The three layouts: one sheet per unit, units as columns, a summary of units x main
indices. Each returns the criterion nodes and, per unit, its values by kind."""

from __future__ import annotations

from data.assessment_ingest.reuse import (
    Problem,
    cell_ref,
    text,
)
from data.assessment_ingest.sheet import (
    _MAX_IN_HEADER,
    _MAX_ROW_KEYS,
    _STORED,
    TOL,
    _Block,
    _block_values,
    _cell,
    _check_maxima,
    _check_range,
    _Frame,
    _is_total,
    _Node,
    _number,
    _title_unit,
    _tree_rows,
)
from data.assessment_ingest.vocab import aproblem, fold_header, header_role

# --------------------------------------------------------------------------- layouts


def _parse_per_unit(
    frames: list[_Frame], P: list[Problem]
) -> tuple[list[_Node], list[tuple[_Block, dict]]]:
    out: list[tuple[_Block, dict]] = []
    union: dict[str, _Node] = {}
    sheet_nodes: dict[str, list[_Node]] = {}
    first_max: dict[str, tuple[float, str, str]] = {}
    for fr in frames:
        sheet = fr.sheet.name
        nodes, total_row = _tree_rows(fr, P)
        sheet_nodes[sheet] = nodes
        total = None
        if total_row is not None:
            total = (
                _number(fr.sheet.rows, total_row, fr.roles["max"], "max", sheet, P),
                cell_ref(total_row, fr.roles["max"]),
            )
        _check_maxima(nodes, total, sheet, P)
        for n in nodes:
            union.setdefault(n.code, n)
            if n.max is None:
                continue
            if n.code in first_max and abs(first_max[n.code][0] - n.max) > TOL:
                m, s0, c0 = first_max[n.code]
                P.append(
                    aproblem(
                        "MAX_DIFFERS",
                        sheet=sheet,
                        cell=n.max_cell,
                        row=n.row + 1,
                        code=n.code,
                        value=float(n.max),
                        other=m,
                        first=f"{s0}!{c0}",
                    )
                )
            first_max.setdefault(n.code, (float(n.max), sheet, n.max_cell))
        titled = _title_unit(fr)
        name, name_cell = (
            titled
            if titled
            else (sheet, cell_ref(fr.header_row, fr.roles.get("stt", fr.roles["label"])))
        )
        cols = {k: fr.roles[k] for k in ("self", "appraised") if k in fr.roles}
        block = _Block(name, sheet, name_cell, cols)
        out.append((block, _block_values(fr, nodes, block, total_row, P)))
    # A criterion the other sheets have and this one does not.
    order = list(union)
    for fr in frames:
        sheet = fr.sheet.name
        have = {n.code for n in sheet_nodes[sheet]}
        owners = [s for s in sheet_nodes if s != sheet]
        for code in order:
            if code in have:
                continue
            others = [s for s in owners if code in {n.code for n in sheet_nodes[s]}]
            if not others:
                continue
            P.append(
                aproblem(
                    "MISSING_CRITERION",
                    sheet=sheet,
                    cell=cell_ref(fr.header_row, fr.roles.get("stt", fr.roles["label"])),
                    code=code,
                    label=union[code].label[:80],
                    others=others[:3],
                )
            )
    return [union[c] for c in order], out


def _parse_unit_columns(
    fr: _Frame, P: list[Problem]
) -> tuple[list[_Node], list[tuple[_Block, dict]]]:
    sheet = fr.sheet.name
    nodes, total_row = _tree_rows(fr, P)
    total = None
    if total_row is not None:
        total = (
            _number(fr.sheet.rows, total_row, fr.roles["max"], "max", sheet, P),
            cell_ref(total_row, fr.roles["max"]),
        )
    _check_maxima(nodes, total, sheet, P)
    blocks: dict[str, _Block] = {}
    order: list[str] = []
    for c in fr.other_cols:
        name = text(_cell(fr.grid, fr.header_row, c))
        sub = (
            header_role(_cell(fr.grid, fr.header_row + 1, c))
            if fr.first_row > fr.header_row + 1
            else None
        )
        kind = sub if sub in ("self", "appraised") else "final"
        if sub in ("notes", "ignore", "rank", "total"):
            continue
        # The merged unit header's first cell locates the unit.
        c0 = c
        while (
            c0 > 0
            and text(_cell(fr.grid, fr.header_row, c0 - 1)) == name
            and (c0 - 1) in fr.other_cols
        ):
            c0 -= 1
        key = f"{name}@{c0}"
        if key not in blocks:
            blocks[key] = _Block(name, sheet, cell_ref(fr.header_row, c0), {})
            order.append(key)
        blocks[key].cols.setdefault(kind, c)
    out = []
    for key in order:
        b = blocks[key]
        out.append((b, _block_values(fr, nodes, b, total_row, P)))
    return nodes, out


def _summary_max_row(fr: _Frame) -> int | None:
    """A "Điểm tối đa" row just under the header, if any."""
    g, unit_c = fr.sheet.rows, fr.roles["unit"]
    found = None
    for r in range(fr.first_row, min(len(g), fr.first_row + 3)):
        keys = {
            fold_header(_cell(g, r, unit_c)),
            fold_header(_cell(g, r, fr.roles.get("stt", unit_c))),
        }
        if keys & set(_MAX_ROW_KEYS):
            found = r
    return found


def _column_max(
    fr: _Frame, c: int, max_row: int | None, P: list[Problem]
) -> tuple[str, float | None, str]:
    """(label, maximum, cell of the maximum) of a column: "(50 điểm)" in its header, or
    the "Điểm tối đa" row."""
    head = text(_cell(fr.grid, fr.header_row, c))
    m = _MAX_IN_HEADER.search(head)
    label = _MAX_IN_HEADER.sub("", head).strip(" -:")
    mx: float | None = float(m.group(1).replace(",", ".")) if m else None
    cell = cell_ref(fr.header_row, c)
    if max_row is not None:
        v = _number(fr.sheet.rows, max_row, c, "max", fr.sheet.name, P)
        if v is not None:
            mx, cell = v, cell_ref(max_row, c)
    return label, mx, cell


def _summary_row(
    fr: _Frame, r: int, name: str, nodes: list[_Node], P: list[Problem]
) -> dict[str, dict[str, float]]:
    """One unit's main-index points (final), checked, and its total column."""
    g, sheet, total_c = fr.sheet.rows, fr.sheet.name, fr.roles.get("total")
    vals: dict[str, dict[str, float]] = {"self": {}, "appraised": {}, "final": {}}
    for n, c in zip(nodes, fr.other_cols, strict=True):
        v = _number(g, r, c, "final", sheet, P)
        cell = cell_ref(r, c)
        if v is None:
            P.append(
                aproblem("NO_SCORE", sheet=sheet, cell=cell, row=r + 1, code=n.label, unit=name)
            )
            continue
        _check_range(v, n.max, sheet, cell, r, n.label, name, P)
        vals["final"][n.code] = v
    v = _number(g, r, total_c, "final", sheet, P) if total_c is not None else None
    if v is not None and total_c is not None and len(vals["final"]) == len(nodes):
        s = sum(vals["final"].values())
        if abs(v - s) > TOL:
            P.append(
                aproblem(
                    "TOTAL_MISMATCH", sheet=sheet, cell=cell_ref(r, total_c), row=r + 1,
                    unit=name, value=v, sum=float(s),
                )
            )  # fmt: skip
    return vals


def _parse_summary(fr: _Frame, P: list[Problem]) -> tuple[list[_Node], list[tuple[_Block, dict]]]:
    sheet = fr.sheet.name
    unit_c = fr.roles["unit"]
    total_c = fr.roles.get("total")
    max_row = _summary_max_row(fr)
    nodes: list[_Node] = []
    for i, c in enumerate(fr.other_cols):
        label, mx, max_cell = _column_max(fr, c, max_row, P)
        code, stored_max = _STORED.get()[1].get(fold_header(label), (str(i + 1), None))
        mx = mx if mx is not None else stored_max  # the stored main index of the same name
        if mx is None:
            P.append(aproblem("NO_MAX", sheet=sheet, cell=max_cell, code=label))
        nodes.append(_Node(code, None, label, mx, fr.header_row, max_cell, i))
    total_max = None
    if total_c is not None:
        _, tmax, tcell = _column_max(fr, total_c, max_row, P)
        total_max = (tmax, tcell) if tmax is not None else None
    _check_maxima(nodes, total_max, sheet, P)
    out = []
    for r in range(fr.first_row, len(fr.sheet.rows)):
        name = text(_cell(fr.sheet.rows, r, unit_c))
        if r == max_row or not name or _is_total(name):
            continue
        out.append(
            (_Block(name, sheet, cell_ref(r, unit_c), {}), _summary_row(fr, r, name, nodes, P))
        )
    return nodes, out
