"""Every tolerance of the PDF table finder, in one place.

Distances are in **em**: the page's font size (the median size its letters are drawn at,
font size times text-matrix scale). A report set in 14 pt and one in 16 pt, portrait or
landscape, get the same rules in their own units; no tolerance here or anywhere in the
PDF path is in absolute points.

Override per run: ``TableSettings(snap=0.3)``, or the environment variable
``ITA_TABLE_SETTINGS="snap=0.3,edge_cover=0.5"`` (read by ``from_env``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class TableSettings:
    # --- rules (ruling lines from path objects)
    rule_max_thickness: float = 0.4   # a filled rectangle thinner than this is a rule, not shading
    min_rule_length: float = 0.6      # a merged rule shorter than this is a dot or a tick, not a border
    snap: float = 0.25                # rules this close across their direction are one rule
    join_gap: float = 0.6             # collinear pieces with a gap up to this are one rule (per-cell pieces, dashes)
    dashed_cover: float = 0.75        # a rule whose pieces cover less of its length than this is dashed/dotted
    touch: float = 0.35               # a rule meets another when it reaches this close to it
    edge_cover: float = 0.6           # a cell edge is drawn when rules cover this share of its length
    # --- grids
    min_cell: float = 0.5             # grid lines closer than this are one line (double borders)
    frame_min_height: float = 1.2     # an area of rules lower than this is a separator, not a table
    hrule_min_width: float = 5.5      # horizontal rules marking a table without vertical rules are this long
    same_extent: float = 0.6          # rules of one stack start and end within this of each other
    # --- text strategy (tables without vertical rules)
    align: float = 0.15               # line starts within this are one column start
    gap_no_space: float = 0.17        # white without a space character: another cell's text
    gap_space: float = 0.85           # white this wide separates cells even with a space character
    gutter_min: float = 0.22          # narrowest white column between two table columns
    gutter_wide: float = 0.5          # wider than any word space
    row_pitch_jump: float = 0.15      # a baseline step this much over the usual line pitch starts a row
    max_line_pitch: float = 2.0       # ... and any step this long (no line spacing is so wide)
    text_line_width: float = 0.85     # a line this share of the area's width, without gutters, is prose
    # --- cells and lines
    line_band: float = 0.5            # characters whose centres are this close vertically share a line
    word_gap: float = 0.15            # white between two runs of a line that reads as a space
    para_gap: float = 0.45            # white between two lines that starts a new paragraph
    # --- bounds
    max_rule_pairs: float = 2e6       # horizontal x vertical rules on a page past which it is a drawing, not a table
    # --- pages
    same_columns: float = 1.0         # column edges this close continue a table on the next page
    running_slot: float = 1.5         # running headers/footers repeat within this of one position
    running_min_pages: float = 0.5    # ... on at least this share of the pages (and at least 2)

    @classmethod
    def from_env(cls, env: str = "ITA_TABLE_SETTINGS") -> "TableSettings":
        """Defaults, overridden by ``name=value`` pairs in the environment variable."""
        spec = os.environ.get(env, "").strip()
        if not spec:
            return cls()
        known = {f.name for f in fields(cls)}
        changes = {}
        for part in spec.split(","):
            name, _, value = part.partition("=")
            name = name.strip()
            if name not in known:
                raise ValueError(f"{env}: unknown setting {name!r} (known: {', '.join(sorted(known))})")
            try:
                changes[name] = float(value)
            except ValueError:
                raise ValueError(f"{env}: {name} needs a number, got {value!r}") from None
        return replace(cls(), **changes)


DEFAULT = TableSettings()
