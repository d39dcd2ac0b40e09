"""The supervision records as the cells and canonical bytes of their files."""

from __future__ import annotations

from ..csvio import by_date, cell, render_table
from . import draw as rfc
from .records import Draw, Inspection, Inspector, Supervision
from .schema import (DRAW_FIELDS, DRAWS_FILE, INSPECTION_FIELDS, INSPECTIONS_FILE, INSPECTOR_FIELDS,
                     INSPECTORS_FILE)


def inspector_cells(inspector: Inspector) -> dict[str, str]:
    return {"id": inspector.id, "name": inspector.name, "unit": inspector.unit, "excluded": ";".join(inspector.excluded)}


def draw_cells(draw: Draw) -> dict[str, str]:
    cells = {name: cell(getattr(draw, name)) for name in DRAW_FIELDS
             if name not in ("ratio", "focus_ratio", "focus_picks", "picks", "inspectors")}
    return {**cells, "ratio": rfc.format_ratio(draw.ratio),
            "focus_ratio": rfc.format_ratio(draw.focus_ratio) if draw.focus_ratio else "",
            "focus_picks": ";".join(draw.focus_picks), "picks": ";".join(draw.picks),
            "inspectors": ";".join("+".join(team) for team in draw.inspectors)}


def inspection_cells(inspection: Inspection) -> dict[str, str]:
    cells = {name: cell(getattr(inspection, name)) for name in INSPECTION_FIELDS}
    return {**cells, "items": ";".join(inspection.items), "inspectors": ";".join(inspection.inspectors)}


def render_supervision(supervision: Supervision) -> dict[str, bytes]:
    """The canonical bytes of the pool, the draws and the inspections."""
    return {
        INSPECTORS_FILE: render_table(INSPECTOR_FIELDS, [inspector_cells(i) for i in supervision.inspectors.values()]),
        DRAWS_FILE: render_table(DRAW_FIELDS, by_date([draw_cells(d) for d in supervision.draws])),
        INSPECTIONS_FILE: render_table(INSPECTION_FIELDS, by_date([inspection_cells(i) for i in supervision.inspections])),
    }
