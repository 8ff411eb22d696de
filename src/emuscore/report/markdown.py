"""The council's minutes in Markdown: the proposed lists by award with each reason, the
units passed over and why, and the ties the ranking order leaves to the council. The
minutes are the council's working paper, so they carry every reason (build the view
with `internal=True`)."""

from __future__ import annotations

from emuscore.report.view import Report, decimal_comma


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell or list item: no column break, no markup."""
    for c in "\\`*_[]<>|#":
        text = text.replace(c, "\\" + c)
    return " ".join(text.split())


def minutes(report: Report) -> str:
    lines = ["# Biên bản đề xuất danh sách khen thưởng", "",
             f"- Bộ tiêu chí: {_cell(report.title)} ({_cell(report.ruleset_id)}, phiên bản "
             f"{_cell(report.version)})",
             f"- Bản ghi kết quả: {_cell(report.record_name)}, mã kiểm chứng `{report.digest}` "
             f"(kiểm chứng: `emuscore replay {report.record_name}`)",
             f"- Ngày công khai: {report.published:%d/%m/%Y}"
             + (f"; hạn góp ý hết ngày {report.deadline:%d/%m/%Y} ({report.objection_days} ngày "
                "làm việc)" if report.deadline else ""),
             "", "## 1. Danh sách đề nghị theo hình thức khen thưởng", ""]
    for k, award in enumerate(report.awards, 1):
        lines += [f"### 1.{k}. {_cell(award.title)}: {len(award.entries)} đơn vị", ""]
        if award.entries:
            lines += ["| STT | Đơn vị | Cụm, khối | Tổng điểm | Lý do đề nghị |",
                      "|---:|---|---|---:|---|"]
            lines += [f"| {i} | {_cell(e.row.name)} ({_cell(e.row.unit)}) | {_cell(e.row.cluster)} "
                      f"| {decimal_comma(e.row.total)} | {_cell(e.reason)} |"
                      for i, e in enumerate(award.entries, 1)]
        else:
            lines.append("Không có đơn vị nào được đề nghị.")
        lines.append("")
    lines += ["## 2. Đơn vị không được đề nghị và lý do", ""]
    passed_any = False
    for award in report.awards:
        passed = [p for p in award.passed if not p.tie]
        if passed:
            passed_any = True
            lines += [f"### {_cell(award.title)}", ""]
            lines += [f"- {_cell(p.row.name)} ({_cell(p.row.unit)}, cụm {_cell(p.row.cluster)}, "
                      f"hạng {p.row.rank}, {decimal_comma(p.row.total)} điểm): {_cell(p.reason or '')}"
                      for p in passed]
            lines.append("")
    if not passed_any:
        lines += ["Không có.", ""]
    lines += ["## 3. Trường hợp đồng hạng để Hội đồng quyết định", ""]
    ties = [(a, p) for a in report.awards for p in a.passed if p.tie]
    lines += [f"- {_cell(a.title)}: {_cell(p.row.name)} ({_cell(p.row.unit)}, cụm "
              f"{_cell(p.row.cluster)}, {decimal_comma(p.row.total)} điểm): {_cell(p.reason or '')}"
              for a, p in ties] or ["Không có."]
    return "\n".join(lines) + "\n"
