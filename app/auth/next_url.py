"""Where to go after logging in (or switching language): a path on this site, nothing else."""

from __future__ import annotations

from urllib.parse import urlsplit


def local_path(target: str | None) -> str | None:
    """``target`` if it is a plain path on this site, else ``None``.

    Browsers read ``//host``, ``/\\host`` and ``////host`` as another site, strip tabs and
    newlines out of URLs, and accept a backslash for a slash: any of these, a scheme or a host
    makes ``target`` unacceptable.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
