"""Draw an argument map (``bot.domain.argmap``) with Pillow.

``render_png`` draws a two-column picture (the student's claims on the left, the bot's on the right, arrows
for rebuttals, attacks and defences) sized to stay readable in a Discord preview (about 550 px wide).

Nothing is downloaded: the picture uses DejaVu Sans when the system has it and otherwise the scalable
font bundled with Pillow (``ImageFont.load_default(size=...)``, Pillow >= 10.1).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .domain.argmap import BOT, USER, ArgumentMap, MapEdge, MapNode

# ---------------------------------------------------------------------------------------------- drawing
BASE_WIDTH = 1200
INK = (17, 24, 39)
MUTED = (75, 85, 99)
WHITE = (255, 255, 255)
RULE = (209, 213, 219)
COLUMN = {USER: (29, 78, 216), BOT: (185, 28, 28)}  # blue: the student; red: the bot
FILL = {USER: (235, 242, 255), BOT: (255, 238, 236)}
EDGE_COLOUR = {"attacked": COLUMN[USER], "rebutted": COLUMN[BOT], "defended": (126, 34, 206)}
EDGE_LABEL = {"attacked": "attacked", "rebutted": "rebutted", "defended": "defended"}
AMBER, AMBER_FILL, AMBER_INK = (217, 119, 6), (255, 244, 200), (120, 53, 15)
GREY, GREY_FILL = (107, 114, 128), (229, 231, 235)
STATUS_WORD = {
    "unanswered": ("UNANSWERED", AMBER_INK),
    "conceded": ("CONCEDED", MUTED),
    "rebutted": ("REBUTTED", COLUMN[BOT]),
    "defended": ("DEFENDED", EDGE_COLOUR["defended"]),
    "attacked": ("ATTACKED", COLUMN[USER]),
    "acknowledged": ("YOU AGREED", MUTED),
}
STATUS_ORDER = ("unanswered", "conceded", "rebutted", "attacked", "defended", "acknowledged")
MAX_NODE_LINES = 4
ARROW_SPACING = 50  # least distance between two arrow ends on a claim (an edge label is 32 px high)
ANCHOR_INSET = 14

_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/truetype",
    "/usr/local/share/fonts",
    "/Library/Fonts",
)


@lru_cache(maxsize=64)
def _font(size: int, bold: bool = False) -> tuple[ImageFont.ImageFont | ImageFont.FreeTypeFont, int]:
    """A font of ``size`` px and the stroke width that fakes bold when only a regular face exists."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for d in _FONT_DIRS:
        path = Path(d) / name
        if path.is_file():
            try:
                return ImageFont.truetype(str(path), size), 0
            except OSError:
                continue
    try:
        font = ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: a small bitmap font, but still a picture
        return ImageFont.load_default(), 0
    return font, (max(1, size // 28) if bold and isinstance(font, ImageFont.FreeTypeFont) else 0)


class _Canvas:
    """Measuring and drawing helpers at one scale (all sizes are given for a 1200 px wide image)."""

    def __init__(self, width: int):
        self.width = width
        self.k = width / BASE_WIDTH
        self._measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))

    def px(self, v: float) -> int:
        return max(1, round(v * self.k))

    def font(self, size: int, bold: bool = False):
        return _font(self.px(size), bold)

    def text_width(self, text: str, size: int, bold: bool = False) -> float:
        font, stroke = self.font(size, bold)
        return self._measure.textlength(text, font=font) + 2 * stroke

    def line_height(self, size: int) -> int:
        return self.px(size * 1.25)

    def wrap(self, text: str, size: int, width: float, bold: bool = False, max_lines: int | None = None) -> list[str]:
        lines: list[str] = []
        current = ""
        for word in text.split():
            while self.text_width(word, size, bold) > width:  # a word wider than the box: cut it
                cut = len(word) - 1
                while cut > 1 and self.text_width(word[:cut] + "-", size, bold) > width:
                    cut -= 1
                if current:
                    lines.append(current)
                    current = ""
                lines.append(word[:cut] + "-")
                word = word[cut:]
            trial = f"{current} {word}".strip()
            if current and self.text_width(trial, size, bold) > width:
                lines.append(current)
                current = word
            else:
                current = trial
        if current:
            lines.append(current)
        if max_lines and len(lines) > max_lines:
            last = lines[max_lines - 1]
            while last and self.text_width(last + "\u2026", size, bold) > width:
                last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
            lines = lines[: max_lines - 1] + [last.rstrip(" ,;:") + "\u2026"]
        return lines or [""]

    def draw_text(self, draw: ImageDraw.ImageDraw, xy, text: str, size: int, fill, bold: bool = False) -> None:
        font, stroke = self.font(size, bold)
        draw.text(xy, text, font=font, fill=fill, stroke_width=stroke, stroke_fill=fill if stroke else None)


@dataclass
class _Box:
    node: MapNode
    x: int
    y: int
    w: int
    h: int
    tag: list[tuple[str, tuple]]  # (word, colour)
    lines: list[str]

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


def render_png(amap: ArgumentMap, *, width: int = BASE_WIDTH) -> bytes:
    """The argument map as a PNG image ``width`` px wide (its height grows with the number of claims)."""
    if width < 400:
        raise ValueError("an argument map needs at least 400 px of width")
    c = _Canvas(width)
    margin, gutter = c.px(40), c.px(250)
    col_w = (width - 2 * margin - gutter) // 2
    x_user, x_bot = margin, width - margin - col_w

    # ---- measure everything first, then draw on an image of the right height
    title_size, title_lines = _title(c, amap.motion, width - 2 * margin)
    y = margin
    kicker_y = y
    y += c.line_height(22) + c.px(4)
    title_y = y
    y += len(title_lines) * c.line_height(title_size) + c.px(14)
    if amap.empty:
        return _render_empty(c, amap, title_size, title_lines, kicker_y, title_y, y)

    legend_y = y
    legend_rows = _flow_legend(c, LEGEND, width - 2 * margin)
    y += len(legend_rows) * c.px(44) + c.px(14)
    rule_y = y
    y += c.px(24)

    head_lines = {
        USER: c.wrap(amap.user_side_name, 28, col_w, bold=True, max_lines=3),
        BOT: c.wrap(amap.bot_side_name, 28, col_w, bold=True, max_lines=3),
    }
    head_y = y
    y += c.line_height(22) + c.px(4) + max(len(v) for v in head_lines.values()) * c.line_height(28) + c.px(22)

    ends: dict[str, int] = {}  # arrow ends per claim: a claim with many gets taller, to keep them apart
    for e in amap.edges:
        for nid in (e.source, e.target):
            if nid is not None:
                ends[nid] = ends.get(nid, 0) + 1
    boxes: dict[str, _Box] = {}
    for row in _rows(amap):
        measured = []
        for n in row:
            box = _measure_node(c, n, x_user if n.column == USER else x_bot, 0, col_w)
            box.h = max(box.h, c.px(ARROW_SPACING) * (ends.get(n.id, 0) + 1) + c.px(2 * ANCHOR_INSET))
            measured.append(box)
        row_h = max(b.h for b in measured)
        for b in measured:
            b.y = y + (row_h - b.h) // 2
            boxes[b.node.id] = b
        y += row_h + c.px(34)
    height = y - c.px(34) + margin + c.px(10)

    img = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(img)
    c.draw_text(draw, (margin, kicker_y), "ARGUMENT MAP", 22, MUTED, bold=True)
    for i, line in enumerate(title_lines):
        c.draw_text(draw, (margin, title_y + i * c.line_height(title_size)), line, title_size, INK, bold=True)
    _draw_legend(c, draw, legend_rows, margin, legend_y)
    draw.line([(margin, rule_y), (width - margin, rule_y)], fill=RULE, width=c.px(2))
    for column, x in ((USER, x_user), (BOT, x_bot)):
        who = "YOU" if column == USER else "BOT"
        c.draw_text(draw, (x, head_y), who, 22, COLUMN[column], bold=True)
        hy = head_y + c.line_height(22) + c.px(4)
        for i, line in enumerate(head_lines[column]):
            c.draw_text(draw, (x, hy + i * c.line_height(28)), line, 28, INK, bold=True)

    _draw_edges(c, draw, amap, boxes, x_user + col_w, x_bot)
    for box in boxes.values():
        _draw_node(c, draw, box)
    _draw_labels(c, draw, amap, boxes, x_user + col_w, x_bot)

    out = io.BytesIO()
    img.save(out, "PNG")  # optimize=True costs 4-5x the encoding time for ~3 % smaller files
    return out.getvalue()


def _title(c: _Canvas, motion: str, width: int) -> tuple[int, list[str]]:
    """The motion at 40 px, or 36 px when that saves a line (never below 34 px), at most 3 lines."""
    best = None
    for size in (40, 36, 34):
        lines = c.wrap(motion, size, width, bold=True, max_lines=3)
        if best is None or len(lines) < len(best[1]):
            best = (size, lines)
    return best


def _render_empty(c: _Canvas, amap: ArgumentMap, title_size, title_lines, kicker_y, title_y, y) -> bytes:
    width = c.width
    margin = c.px(40)
    sub = c.wrap("Make a claim and the map fills in.", 26, width - 4 * margin)
    box_top = y + c.px(20)
    box_h = c.px(70) + c.line_height(48) + c.px(14) + len(sub) * c.line_height(26) + c.px(50)
    height = box_top + box_h + margin
    img = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(img)
    c.draw_text(draw, (margin, kicker_y), "ARGUMENT MAP", 22, MUTED, bold=True)
    for i, line in enumerate(title_lines):
        c.draw_text(draw, (margin, title_y + i * c.line_height(title_size)), line, title_size, INK, bold=True)
    draw.rounded_rectangle(
        [margin, box_top, width - margin, box_top + box_h],
        radius=c.px(16),
        fill=(243, 244, 246),
        outline=RULE,
        width=c.px(3),
    )
    ty = box_top + c.px(70)
    msg = "No arguments yet"
    c.draw_text(draw, ((width - c.text_width(msg, 48, True)) / 2, ty), msg, 48, INK, bold=True)
    ty += c.line_height(48) + c.px(14)
    for line in sub:
        c.draw_text(draw, ((width - c.text_width(line, 26)) / 2, ty), line, 26, MUTED)
        ty += c.line_height(26)
    out = io.BytesIO()
    img.save(out, "PNG")  # optimize=True costs 4-5x the encoding time for ~3 % smaller files
    return out.getvalue()


def _node_status(node: MapNode) -> list[tuple[str, tuple]]:
    return [STATUS_WORD[f] for f in STATUS_ORDER if f in node.flags]


def _measure_node(c: _Canvas, node: MapNode, x: int, y: int, w: int) -> _Box:
    pad = c.px(18)
    who = ("YOU", COLUMN[USER]) if node.column == USER else ("BOT", COLUMN[BOT])
    tag = [who]
    room = w - 2 * pad - c.text_width(who[0], 22, True) - c.px(24)
    for word, colour in _node_status(node):
        need = c.text_width(word, 22, True) + c.px(18)
        if need > room:
            break
        tag.append((word, colour))
        room -= need
    lines = c.wrap(node.title, 28, w - 2 * pad, max_lines=MAX_NODE_LINES)
    h = pad + c.px(34) + c.px(10) + len(lines) * c.line_height(28) + pad - c.px(4)
    return _Box(node, x, y, w, h, tag, lines)


def _draw_node(c: _Canvas, draw: ImageDraw.ImageDraw, box: _Box) -> None:
    node = box.node
    pad = c.px(18)
    if node.unanswered:
        fill, outline, border = AMBER_FILL, AMBER, c.px(7)
    elif node.conceded:
        fill, outline, border = GREY_FILL, GREY, c.px(4)
    else:
        fill, outline, border = FILL[node.column], COLUMN[node.column], c.px(3)
    draw.rounded_rectangle(
        [box.x, box.y, box.x + box.w, box.y + box.h], radius=c.px(14), fill=fill, outline=outline, width=border
    )
    # the tag row: a solid pill with the side, then the status words
    tx, ty = box.x + pad, box.y + pad
    who, colour = box.tag[0]
    pill_w = c.text_width(who, 22, True) + c.px(16)
    draw.rounded_rectangle([tx, ty, tx + pill_w, ty + c.px(32)], radius=c.px(8), fill=colour)
    c.draw_text(draw, (tx + c.px(8), ty + c.px(3)), who, 22, WHITE, bold=True)
    tx += pill_w + c.px(14)
    for word, colour in box.tag[1:]:
        if word == "UNANSWERED":
            w = c.text_width(word, 22, True) + c.px(16)
            draw.rounded_rectangle([tx, ty, tx + w, ty + c.px(32)], radius=c.px(8), fill=AMBER)
            c.draw_text(draw, (tx + c.px(8), ty + c.px(3)), word, 22, INK, bold=True)
            tx += w + c.px(12)
        else:
            c.draw_text(draw, (tx, ty + c.px(3)), word, 22, colour, bold=True)
            tx += c.text_width(word, 22, True) + c.px(18)
    ly = box.y + pad + c.px(34) + c.px(10)
    ink = MUTED if node.conceded else INK
    for line in box.lines:
        c.draw_text(draw, (box.x + pad, ly), line, 28, ink)
        ly += c.line_height(28)


# ---- layout
def _rows(amap: ArgumentMap) -> list[list[MapNode]]:
    """The nodes in rows of at most one claim per column: each column keeps its order (the debate's,
    unless another order crosses fewer arrows), and a row holds two claims joined by an arrow where
    possible, so that most arrows run straight across."""
    weight: dict[tuple[str, str], int] = {}
    for e in amap.edges:
        if e.source is not None:
            pair = tuple(sorted((e.source, e.target)))
            weight[pair] = weight.get(pair, 0) + 1

    def w(a: str, b: str) -> int:
        return weight.get(tuple(sorted((a, b))), 0)

    linked = {n for pair in weight for n in pair}
    loose = [n for n in amap.nodes if n.id not in linked]  # claims with no arrow to the other column
    left = [n for n in amap.column(USER) if n.id in linked]
    right = [n for n in amap.column(BOT) if n.id in linked]
    left, right = _uncross(left, right, w)
    n, m = len(left), len(right)
    # align the two columns like two sequences: joined pairs first, then as few rows as possible
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            pair = best[i + 1][j + 1] + 1 + (1000 if w(left[i].id, right[j].id) else 0)
            best[i][j] = max(pair, best[i + 1][j], best[i][j + 1])
    rows: list[list[MapNode]] = []
    i = j = 0
    while i < n or j < m:
        if i < n and j < m and best[i][j] == best[i + 1][j + 1] + 1 + (1000 if w(left[i].id, right[j].id) else 0):
            rows.append([left[i], right[j]])
            i, j = i + 1, j + 1
        elif i < n and (j == m or best[i][j] == best[i + 1][j]):
            rows.append([left[i]])
            i += 1
        else:
            rows.append([right[j]])
            j += 1
    # the loose claims fill the free places of their column from the top, then get rows of their own
    grid: list[dict[str, MapNode]] = [{n.column: n for n in r} for r in rows]
    for node in loose:
        free = next((r for r in grid if node.column not in r), None)
        if free is None:
            grid.append({node.column: node})
        else:
            free[node.column] = node
    # a claim with several arrows moves towards the middle of the claims it is joined to, past free
    # places and loose claims only (so the order of joined claims, and the crossings, stay the same)
    loose_ids = {n.id for n in loose}
    for column in (BOT, USER):
        other = USER if column == BOT else BOT
        for r in range(len(grid)):
            node = grid[r].get(column)
            if node is None or node.id in loose_ids:
                continue
            ends = sorted(
                (k, w(node.id, g[other].id)) for k, g in enumerate(grid) if other in g and w(node.id, g[other].id)
            )
            if len(ends) < 2:
                continue
            total, acc, median = sum(x for _, x in ends), 0, ends[0][0]
            for k, x in ends:
                acc += x
                if 2 * acc >= total:
                    median = k
                    break
            step = 1 if median > r else -1
            at = r
            while at != median:
                nxt = grid[at + step].get(column)
                if nxt is not None and nxt.id not in loose_ids:
                    break
                grid[at][column], grid[at + step][column] = grid[at + step].get(column), node
                if grid[at][column] is None:
                    del grid[at][column]
                at += step
    return [[g[c] for c in (USER, BOT) if c in g] for g in grid if g]


def _uncross(left: list[MapNode], right: list[MapNode], w) -> tuple[list[MapNode], list[MapNode]]:
    """Barycentre sweeps over the two columns, kept only when they reduce the number of crossings."""

    def crossings(lo: list[MapNode], ro: list[MapNode]) -> int:
        links = [(i, j, w(a.id, b.id)) for i, a in enumerate(lo) for j, b in enumerate(ro) if w(a.id, b.id)]
        return sum(
            wa * wb for k, (i, j, wa) in enumerate(links) for (i2, j2, wb) in links[k + 1 :] if (i - i2) * (j - j2) < 0
        )

    def sweep(moving: list[MapNode], fixed: list[MapNode]) -> list[MapNode]:
        pos = {n.id: (k + 0.5) / len(fixed) for k, n in enumerate(fixed)}

        def key(item):
            k, node = item
            links = [(pos[f], w(node.id, f)) for f in pos if w(node.id, f)]
            own = (k + 0.5) / len(moving)
            centre = sum(p * x for p, x in links) / sum(x for _, x in links) if links else own
            return (centre, own)

        return [node for _, node in sorted(enumerate(moving), key=key)]

    best = (crossings(left, right), left, right)
    lo, ro = left, right
    for _ in range(4):
        if not lo or not ro:
            break
        ro = sweep(ro, lo)
        lo = sweep(lo, ro)
        score = crossings(lo, ro)
        if score < best[0]:
            best = (score, lo, ro)
    return best[1], best[2]


# ---- arrows
@dataclass
class _Arrow:
    edge: MapEdge
    start: tuple[float, float]
    end: tuple[float, float]
    marker: bool


def _arrows(c: _Canvas, amap: ArgumentMap, boxes: dict[str, _Box], left_x: int, right_x: int) -> list[_Arrow]:
    """Every edge as a straight arrow across the gutter, its ends spread along the facing node sides."""
    ends: dict[str, list[tuple[float, int, str]]] = {}  # node id -> (other end's y, edge index, which end)
    edges = [e for e in amap.edges if e.target in boxes and (e.source is None or e.source in boxes)]
    for i, e in enumerate(edges):
        tgt = boxes[e.target]
        src = boxes[e.source] if e.source else None
        ends.setdefault(e.target, []).append((src.cy if src else tgt.cy, i, "end"))
        if src:
            ends.setdefault(e.source, []).append((tgt.cy, i, "start"))
    anchor: dict[tuple[int, str], float] = {}
    for nid, items in ends.items():
        box = boxes[nid]
        items.sort()
        top, span = box.y + c.px(ANCHOR_INSET), box.h - c.px(2 * ANCHOR_INSET)
        for k, (_, i, which) in enumerate(items):
            anchor[(i, which)] = top + span * (k + 1) / (len(items) + 1)
    out = []
    for i, e in enumerate(edges):
        tgt_x = left_x if boxes[e.target].node.column == USER else right_x
        src_x = right_x if tgt_x == left_x else left_x
        ey = anchor[(i, "end")]
        if e.source is None:
            # a marker in the gutter near the column of whoever made the move
            mx = src_x + (c.px(40) if src_x == left_x else -c.px(40))
            out.append(_Arrow(e, (mx, ey), (tgt_x, ey), True))
        else:
            out.append(_Arrow(e, (src_x, anchor[(i, "start")]), (tgt_x, ey), False))
    return out


def _draw_edges(c: _Canvas, draw: ImageDraw.ImageDraw, amap, boxes, left_x, right_x) -> None:
    for a in _arrows(c, amap, boxes, left_x, right_x):
        colour = EDGE_COLOUR[a.edge.kind]
        _arrow(c, draw, a.start, a.end, colour)
        if a.marker:
            r = c.px(10)
            x, y = a.start
            draw.ellipse([x - r, y - r, x + r, y + r], fill=WHITE, outline=colour, width=c.px(4))


def _arrow(c: _Canvas, draw: ImageDraw.ImageDraw, start, end, colour) -> None:
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    length = max((dx * dx + dy * dy) ** 0.5, 1.0)
    ux, uy = dx / length, dy / length
    gap = c.px(3)  # stop just short of the node's border
    tip = (x1 - ux * gap, y1 - uy * gap)
    head_l, head_w = c.px(22), c.px(12)
    base = (tip[0] - ux * head_l, tip[1] - uy * head_l)
    draw.line([start, base], fill=colour, width=c.px(5))
    draw.polygon(
        [tip, (base[0] - uy * head_w, base[1] + ux * head_w), (base[0] + uy * head_w, base[1] - ux * head_w)],
        fill=colour,
    )


def _draw_labels(c: _Canvas, draw: ImageDraw.ImageDraw, amap, boxes, left_x, right_x) -> None:
    """Edge labels on white tabs along their arrows, moved along the arrow to avoid each other."""
    placed: list[tuple[float, float, float, float]] = []
    size = 22
    h = c.px(32)
    for a in _arrows(c, amap, boxes, left_x, right_x):
        text = EDGE_LABEL[a.edge.kind]
        w = c.text_width(text, size, True) + c.px(14)
        (x0, y0), (x1, y1) = a.start, a.end
        best, best_overlap = None, None
        for t in _LABEL_POSITIONS:
            cx, cy = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
            rect = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if rect[0] < left_x + c.px(4) or rect[2] > right_x - c.px(4):
                continue
            overlap = sum(_overlap(rect, p) for p in placed)
            if best is None or overlap < best_overlap:
                best, best_overlap = rect, overlap
            if overlap == 0:
                break
        if best is None:
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            best = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        placed.append(best)
        colour = EDGE_COLOUR[a.edge.kind]
        draw.rounded_rectangle(best, radius=c.px(8), fill=WHITE, outline=colour, width=c.px(2))
        c.draw_text(draw, (best[0] + c.px(7), best[1] + c.px(3)), text, size, colour, bold=True)


_LABEL_POSITIONS = sorted((k / 20 for k in range(4, 17)), key=lambda t: (abs(t - 0.5), t))


def _overlap(a, b) -> float:
    pad = 4
    w = min(a[2], b[2]) + pad - max(a[0], b[0])
    h = min(a[3], b[3]) + pad - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


# ---- legend
LEGEND = (
    ("arrow:attacked", "you attacked"),
    ("arrow:rebutted", "bot rebutted"),
    ("arrow:defended", "bot defended"),
    ("box:unanswered", "unanswered"),
    ("box:conceded", "conceded"),
)


def _flow_legend(c: _Canvas, items, width) -> list[list[tuple[str, str, float]]]:
    rows: list[list[tuple[str, str, float]]] = [[]]
    used = 0.0
    for key, text in items:
        gap = c.px(24)
        w = c.px(46) + c.px(10) + c.text_width(text, 24) + gap
        if rows[-1] and used + w - gap > width:
            rows.append([])
            used = 0.0
        rows[-1].append((key, text, w))
        used += w
    return rows


def _draw_legend(c: _Canvas, draw: ImageDraw.ImageDraw, rows, x0: int, y0: int) -> None:
    for r, row in enumerate(rows):
        x, y = float(x0), y0 + r * c.px(44)
        mid = y + c.px(18)
        for key, text, w in row:
            kind, what = key.split(":")
            if kind == "arrow":
                _arrow(c, draw, (x, mid), (x + c.px(46), mid), EDGE_COLOUR[what])
            else:
                fill, outline, bw = (AMBER_FILL, AMBER, c.px(6)) if what == "unanswered" else (GREY_FILL, GREY, 4)
                draw.rounded_rectangle(
                    [x + c.px(4), mid - c.px(14), x + c.px(44), mid + c.px(14)],
                    radius=c.px(6),
                    fill=fill,
                    outline=outline,
                    width=bw,
                )
            c.draw_text(draw, (x + c.px(56), y + c.px(3)), text, 24, INK)
            x += w
