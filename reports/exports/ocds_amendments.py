"""What an amendment changed, as a release says it: in Chinese, the package's language."""

from __future__ import annotations

from flask_babel import force_locale

from contracts.labels import TARGET_LABELS

#: the package declares "zh": a reader met "end_date" and a Python dict here before
AMENDED_FIELDS = {"amount": "合同金额（元）", "end_date": "结束日期"}
NONE = "—"


def amendment_description(changes: dict) -> str:
    """``changes`` ({field: [old, new]}) as one line per changed figure, joined by "；"."""
    parts = []
    for field, (old, new) in changes.items():
        if field != "targets":
            parts.append(f"{AMENDED_FIELDS.get(field, field)}：{old} → {new}")
            continue
        old, new = old or {}, new or {}
        with force_locale("zh_CN"):
            parts += [f"服务目标（{TARGET_LABELS.get(key, key)}）："
                      f"{old.get(key, NONE)} → {new.get(key, NONE)}"
                      for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]
    return "；".join(parts)
