"""Hand-made Documents for the fact tests: tables in each shape the parser produces."""
from __future__ import annotations

from nlp.document import Cell, Document, Meta, Paragraph, Table

T3_LABELS_2021 = [
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "(一)予以公开",
    "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "1.属于国家秘密", "2.其他法律行政法规禁止公开",
    "3.危及“三安全一稳定”", "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
    "7.属于行政执法案卷", "8.属于行政查询事项", "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
    "3.补正后申请内容仍不明确", "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物",
    "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息",
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他", "(七)总计",
    "四、结转下年度继续办理",
]
T3_KEYS_2021 = [
    "new_received", "carried_over", "granted", "partially_granted", "withheld.state_secret",
    "withheld.prohibited_by_law", "withheld.security_stability", "withheld.third_party",
    "withheld.internal_affairs", "withheld.process_info", "withheld.enforcement_file", "withheld.query_matter",
    "unavailable.not_held", "unavailable.needs_creation", "unavailable.still_unclear", "not_processed.petition",
    "not_processed.duplicate", "not_processed.publication", "not_processed.excessive",
    "not_processed.confirm_reissue", "other.no_correction", "other.unpaid_fee", "other.other", "total_processed",
    "carried_forward",
]
COLS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"]


def table3_values(doc_2021: bool = True) -> dict[str, list[int]]:
    """A consistent table 3: 10 new + 2 carried = 9 processed + 3 forward, per column."""
    outcome = {"granted": [3, 1, 0, 0, 1, 0], "withheld.third_party": [1, 0, 0, 0, 0, 0],
               "unavailable.not_held": [1, 0, 0, 0, 0, 0]}
    outcome["other.other" if doc_2021 else "other"] = [1, 1, 0, 0, 0, 0]
    rows = {"new_received": [6, 2, 0, 0, 1, 1], "carried_over": [2, 0, 0, 0, 0, 0]}
    rows.update(outcome)
    processed = [sum(v[i] for v in outcome.values()) for i in range(6)]
    rows["total_processed"] = processed
    rows["carried_forward"] = [rows["new_received"][i] + rows["carried_over"][i] - processed[i] for i in range(6)]
    return {k: v + [sum(v)] for k, v in rows.items()}


def build(grid: list[list[str]], kind: str, era: str | None = None, prose: list[str] = ()) -> Document:
    """A Document whose text is the prose paragraphs then the table, one cell a line."""
    text, paragraphs = "", []
    for i, p in enumerate(prose):
        paragraphs.append(Paragraph(f"p{i + 1}", None, p, len(text), len(text) + len(p)))
        text += p + "\n"
    start = len(text)
    rows = []
    for row in grid:
        cells = []
        for cell in row:
            cells.append(Cell(cell, len(text), len(text) + len(cell)))
            text += cell + "\n"
        rows.append(cells)
    table = Table("t1", kind, start, len(text), rows)
    return Document(text=text, meta=Meta(era=era), paragraphs=paragraphs, tables=[table])
