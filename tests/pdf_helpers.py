"""Small PDFs written by hand for the reader tests: Courier text (6 points a character at
10 points, so line ends are known) and ruled lines."""
from __future__ import annotations

import io


def make_pdf(pages: list[bytes], size: tuple[int, int] = (595, 842)) -> bytes:
    """A PDF whose page ``i`` has the content stream ``pages[i]`` (font /F1 is Courier)."""
    n = len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n)).encode()
    font = 3 + 2 * n
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n)]
    for i, ops in enumerate(pages):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                    b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (size[0], size[1], 4 + 2 * i, font))
        objs.append(b"<< /Length %d >>\nstream\n" % len(ops) + ops + b"\nendstream")
    objs.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>")
    return pdf_from_objects(objs)


def pdf_from_objects(objs: list[bytes]) -> bytes:
    """A PDF file of these object bodies (object 1 is the catalog), with its cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def text(x: float, y: float, s: str, size: int = 10) -> bytes:
    """Text at (x, y) in PDF coordinates (origin bottom left)."""
    return b"BT /F1 %d Tf %.1f %.1f Td (%s) Tj ET\n" % (size, x, y, s.encode("latin-1"))


def hline(x0: float, x1: float, y: float) -> bytes:
    return b"%.1f %.1f m %.1f %.1f l S\n" % (x0, y, x1, y)


def vline(x: float, y0: float, y1: float) -> bytes:
    return b"%.1f %.1f m %.1f %.1f l S\n" % (x, y0, x, y1)


def rect(x: float, y: float, w: float, h: float) -> bytes:
    return b"%.1f %.1f %.1f %.1f re S\n" % (x, y, w, h)


def ruled_table(x: float, top: float, widths: list[float], rows: list[list[str | None]], height: float = 20,
                merge_down: dict[tuple[int, int], int] | None = None) -> bytes:
    """A ruled table whose top left corner is (x, top). ``merge_down[(r, c)] = k`` merges cell
    (r, c) with the k cells below it (no rule between them; the text goes in the first)."""
    merge_down = merge_down or {}
    covered = {(r + i, c) for (r, c), k in merge_down.items() for i in range(1, k + 1)}
    xs = [x]
    for w in widths:
        xs.append(xs[-1] + w)
    ops = rect(x, top - height * len(rows), xs[-1] - x, height * len(rows))
    for c in range(1, len(widths)):
        ops += vline(xs[c], top - height * len(rows), top)
    for r in range(1, len(rows)):
        y = top - height * r
        for c in range(len(widths)):
            if (r, c) not in covered:
                ops += hline(xs[c], xs[c + 1], y)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell:
                ops += text(xs[c] + 3, top - height * r - height + 6, cell)
    return ops
