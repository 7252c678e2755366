"""The id and date of a release, read from what it reports (see :func:`identified`)."""

from __future__ import annotations

import hashlib
import json

from contracts.models import Contract


def identified(built: dict, contract: Contract) -> dict:
    """``built`` with its id and date. OCDS forbids two releases of an ocid under one id, and a
    payment or a finalized inspection changes a release but not the contract's row: the id
    names the content, and the date is no earlier than the latest event the release reports."""
    block = built["contracts"][0]
    work = block.get("implementation", {})
    built["date"] = max([built["date"]] + [t["date"] for t in work.get("transactions", [])]
                        + [m["dateMet"] for m in work.get("milestones", []) if "dateMet" in m]
                        + [a["date"] for a in block.get("amendments", [])])
    digest = hashlib.sha256(json.dumps(built, sort_keys=True, ensure_ascii=False,
                                       default=str).encode("utf-8")).hexdigest()[:16]
    return {"ocid": built["ocid"], "id": f"{built['ocid']}-v{contract.version}-{digest}"} | built

