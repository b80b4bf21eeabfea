"""Copy detection on Chinese text: normalising, character n-grams, winnowed fingerprints and the
exact coverage of a draft by its sources. No Flask, no database.

A draft copies a superior document when long runs of its characters also occur there. Both texts
are normalised first so that copying survives cosmetic edits: NFKC folds full-width forms, case is
folded, punctuation, symbols and whitespace are dropped, the place names of the issuing federations
(江苏, 南通, 海门 ... with an optional 省/市/区/县/镇/街道) become one placeholder character and the
level in words such as 全省/全市/本县/省总/市委 becomes another. "全省各级工会要在江苏省总工会的领导下"
and "全区各级工会要在海门区总工会的领导下" normalise to the same string.

The rate is the share of the draft's normalised characters that lie inside some n-gram (K
characters) also found in a source: not symmetric, a short draft copied whole from a long document
is 100% copied. Every normalised character remembers the span of the original it came from, so the
copied passages can be shown in the original draft.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from typing import Iterable, Sequence

K = 10  # characters per n-gram: longer than the stock phrases two independent notices share
WINDOW = 12  # winnowing window: every common run of K + WINDOW - 1 = 21 characters leaves a shared fingerprint
PLACE = "\ue000"
LEVEL = "\ue001"
_KEEP = {PLACE, LEVEL}

ADMIN_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "街道", "省", "市", "州", "盟", "县", "区", "旗", "镇", "乡")
_UNIT_RE = re.compile(r"([\u4e00-\u9fff]{2,}?)(" + "|".join(ADMIN_SUFFIXES) + ")")
_FEDERATION_SUFFIX_RE = re.compile(r"(总工会|工会联合会|工会|联合会)$")
# The level of government in a word: 全省, 本市, 各县, 省总(工会), 市委, 县政府, 区级 ...
_LEVEL_RE = re.compile(r"(?<=[全本各])[省市县区镇乡]|[省市县区镇乡](?=总|委|政府|级)")


def place_names(federation_names: Iterable[str]) -> list[str]:
    """The places a federation's name (and its ancestors') mention: 南通市海门区总工会 → 南通, 海门."""
    found: set[str] = set()
    for name in federation_names:
        stem = _FEDERATION_SUFFIX_RE.sub("", (name or "").strip())
        found.update(match.group(1) for match in _UNIT_RE.finditer(stem))
    return sorted(found, key=lambda p: (-len(p), p))


@dataclasses.dataclass(frozen=True)
class Normalised:
    text: str
    origin: tuple[tuple[int, int], ...]  # per character: its (start, end) in the original text

    def __len__(self) -> int:
        return len(self.text)


def normalise(text: str, places: Sequence[str] = ()) -> Normalised:
    """Fold forms and case, drop what is not a letter or a digit, and blank out place and level words."""
    chars: list[str] = []
    origin: list[tuple[int, int]] = []
    for index, char in enumerate(text or ""):
        for folded in unicodedata.normalize("NFKC", char).lower():
            if unicodedata.category(folded)[0] in "PSZC":  # punctuation, symbols, spaces, controls, private use
                continue
            chars.append(folded)
            origin.append((index, index + 1))
    if places:
        pattern = re.compile("(?:" + "|".join(map(re.escape, places)) + ")(?:" + "|".join(ADMIN_SUFFIXES) + ")?")
        chars, origin = _replace(chars, origin, pattern, PLACE)
    joined = "".join(chars)
    for match in _LEVEL_RE.finditer(joined):
        chars[match.start()] = LEVEL
    return Normalised("".join(chars), tuple(origin))


def _replace(chars, origin, pattern, placeholder):
    joined = "".join(chars)
    out_chars, out_origin, last = [], [], 0
    for match in pattern.finditer(joined):
        out_chars.extend(chars[last:match.start()])
        out_origin.extend(origin[last:match.start()])
        out_chars.append(placeholder)
        out_origin.append((origin[match.start()][0], origin[match.end() - 1][1]))
        last = match.end()
    out_chars.extend(chars[last:])
    out_origin.extend(origin[last:])
    return out_chars, out_origin


def grams(text: str, k: int = K) -> list[str]:
    return [text[i:i + k] for i in range(len(text) - k + 1)]


def stable_hash(gram: str) -> int:
    """A signed 64-bit hash that is the same in every process (Python's hash() is salted)."""
    return int.from_bytes(hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def fingerprints(text: str, k: int = K, window: int = WINDOW) -> set[int]:
    """Winnowing (Schleimer, Wilkerson, Aiken 2003): the smallest hash of every window of n-gram
    hashes. Two texts sharing a run of k + window - 1 characters share at least one fingerprint."""
    hashes = [stable_hash(g) for g in grams(text, k)]
    if len(hashes) <= window:
        return set(hashes[:1] and [min(hashes)])
    return {min(hashes[i:i + window]) for i in range(len(hashes) - window + 1)}


def covered(draft: str, source: str, k: int = K) -> bytearray:
    """Per character of the draft: 1 where it lies in an n-gram that also occurs in the source."""
    mask = bytearray(len(draft))
    present = set(grams(source, k))
    end = 0
    for i, gram in enumerate(grams(draft, k)):
        if gram in present:
            start, end = max(i, end), i + k
            mask[start:end] = b"\x01" * (end - start)
    return mask


def union(masks: Iterable[bytearray], length: int) -> bytearray:
    result = bytearray(length)
    for mask in masks:
        for i, value in enumerate(mask):
            if value:
                result[i] = 1
    return result


def original_spans(normalised: Normalised, mask: bytearray) -> list[tuple[int, int]]:
    """The covered runs of the normalised text as spans of the original; touching spans merge."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(mask)
    while i < n:
        if not mask[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and mask[j + 1]:
            j += 1
        start, end = normalised.origin[i][0], normalised.origin[j][1]
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
        i = j + 1
    return spans


def segments(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[str, bool]]:
    """The text cut into (piece, copied) for showing copied passages highlighted."""
    pieces, last = [], 0
    for start, end in spans:
        if start > last:
            pieces.append((text[last:start], False))
        pieces.append((text[start:end], True))
        last = end
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces
