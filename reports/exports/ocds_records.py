"""OCDS 1.1 record packages: per contracting process, its releases and the compiled release.

The compiled release is made by the standard's own merge library (ocdsmerge) with the merge
rules read from the release schema kept in ``ocds_schema/`` (never fetched at run time).

A process this app publishes has one release (its contract as it stands), and merging one
release changes nothing in it but the three fields the schema omits when merging (``id``,
``date``, ``tag``), which the compiled release sets — unless one of its arrays holds two
objects of one ``id``, which merging makes one. So a single release without such a pair is
compiled as that (checked equal to the library's in the tests, and on a city's 3,000); merging
was a fifth of a records page.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ocdsmerge import Merger

from reports.exports.ocds import package_metadata

RELEASE_SCHEMA = Path(__file__).resolve().parent / "ocds_schema" / "release-schema.json"


@cache
def _merger() -> Merger:
    return Merger(schema=str(RELEASE_SCHEMA))


def record(ocid: str, releases: list[dict]) -> dict:
    """The record of one process: its releases (oldest first) embedded and compiled."""
    ordered = sorted(releases, key=lambda r: r["date"])
    # not pruned again: the releases are, and merging adds no null and no empty array or
    # object to what it is given (pruning the compiled copy was a tenth of a records page)
    return {"ocid": ocid, "releases": ordered, "compiledRelease": compiled_release(ordered)}


def compiled_release(releases: list[dict]) -> dict:
    """The compiled release of one process's ``releases`` (oldest first)."""
    if len(releases) == 1 and _ids_unique(releases[0]):
        alone = releases[0]
        return alone | {"id": f"{alone['ocid']}-{alone['date']}", "tag": ["compiled"]}
    return _merger().create_compiled_release(releases)


def _ids_unique(value: object) -> bool:
    """Whether no array in ``value`` holds two objects of one ``id``."""
    if isinstance(value, dict):
        return all(_ids_unique(item) for item in value.values()
                   if isinstance(item, (dict, list)))
    if isinstance(value, list):
        ids = [item["id"] for item in value if isinstance(item, dict) and "id" in item]
        return len(ids) == len(set(map(str, ids))) and all(
            _ids_unique(item) for item in value if isinstance(item, (dict, list)))
    return True


def record_package(releases: list[dict], uri: str, releases_uri: str,
                   links: dict | None = None) -> dict:
    """The record package of ``releases`` (as built by :func:`reports.exports.ocds.releases`),
    linked to its other pages by ``links`` (``next``, ``prev``)."""
    by_ocid: dict[str, list[dict]] = {}
    for release in releases:
        by_ocid.setdefault(release["ocid"], []).append(release)
    return package_metadata(uri) | ({"links": links} if links else {}) | {
        "packages": [releases_uri],
        "records": [record(ocid, rs) for ocid, rs in by_ocid.items()],
    }
