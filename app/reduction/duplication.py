"""The duplication check of a draft against the documents of the federation's ancestors.

Design. A federation's session reads only its own schema, so the superior documents cannot be read
where they live. Instead, when a document is registered, what the check needs of it goes to the
shared schema in the same transaction: its normalised text and heading (`document_texts`) and its
winnowed fingerprints (`document_fingerprints`: text id, tenant id, 64-bit hash). Superior documents
are issued *to* the lower federations, so sharing their text with the subtree below is what
happens on paper too; the check reads only the rows of the ancestors' tenant ids (the path
"/1/4/17/" lists them) and nothing of siblings or of the subtree below.

A check then costs one indexed query and a little Python:
1. normalise the draft (text.normalise, with the place names of the federation and its ancestors)
   and winnow its n-gram hashes: ~1,100 fingerprints for 5,000 characters;
2. one query on (hash, tenant_id, text_id) counts, per superior text, the fingerprints it shares
   with the draft and keeps the CANDIDATES best: copying leaves many, stock phrases few;
3. fetch those texts and compute the exact coverage (text.covered) of the draft by each, and by
   all of them together: the rate, the sources with their share and the copied spans.
Winnowing guarantees that a common run of 21 characters or more leaves a shared fingerprint, so a
copied passage is never missed by step 2; step 3 makes the figure exact for the candidates.
Storing every n-gram instead would mean ~8x the rows; comparing with every text in Python would
read 10,000 texts per check. `bench/duplication.py` measures the whole check.
"""
from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from app.extensions import db
from tenants.registry import TenantRef, tenants_table

from . import rules, text
from .models import DocumentFingerprint, DocumentText

CANDIDATES = 20
MAX_DRAFT_CHARACTERS = 100_000


def ancestor_ids(tenant: TenantRef) -> list[int]:
    return [int(part) for part in tenant.path.strip("/").split("/") if part and int(part) != tenant.id]


def place_names_for(tenant: TenantRef) -> list[str]:
    """The places named by the federation and its ancestors (their names, from the registry)."""
    ids = [int(part) for part in tenant.path.strip("/").split("/") if part] or [tenant.id]
    names = db.session.scalars(sa.select(tenants_table.c.name).where(tenants_table.c.id.in_(ids))).all()
    return text.place_names(names)


@dataclasses.dataclass(frozen=True)
class Source:
    text_id: int
    tenant_id: int
    federation: str
    number: str
    title: str
    issued_on: object
    covered: int

    def share_pct(self, total: int) -> float:
        return rules.rate_pct(self.covered, total)


@dataclasses.dataclass(frozen=True)
class Report:
    draft: str
    covered: int
    total: int
    sources: list[Source]
    spans: list[tuple[int, int]]
    has_superiors: bool

    @property
    def rate_pct(self) -> float:
        return rules.rate_pct(self.covered, self.total)

    @property
    def compared(self) -> bool:
        """Something was compared: the federation has superiors and the draft is long enough to match."""
        return self.has_superiors and self.total >= text.K

    @property
    def returned(self) -> bool:
        return rules.returned_for_revision(self.covered, self.total)

    @property
    def segments(self) -> list[tuple[str, bool]]:
        return text.segments(self.draft, self.spans)


def check(draft: str, tenant: TenantRef) -> Report:
    """How much of the draft the superior documents already say (see the module docstring)."""
    ancestors = ancestor_ids(tenant)
    normalised = text.normalise(draft, place_names_for(tenant))
    total = len(normalised)
    if not ancestors or total < text.K:
        return Report(draft, 0, total, [], [], bool(ancestors))
    hashes = sorted(text.fingerprints(normalised.text))
    shared = sa.func.count().label("shared")
    ranked = db.session.execute(
        sa.select(DocumentFingerprint.text_id, shared)
        .where(DocumentFingerprint.hash.in_(hashes), DocumentFingerprint.tenant_id.in_(ancestors))
        .group_by(DocumentFingerprint.text_id)
        .order_by(shared.desc(), DocumentFingerprint.text_id)
        .limit(CANDIDATES)
    ).all()
    if not ranked:
        return Report(draft, 0, total, [], [], True)
    rows = db.session.execute(
        sa.select(DocumentText.id, DocumentText.tenant_id, DocumentText.number, DocumentText.title,
                  DocumentText.issued_on, DocumentText.normalised, tenants_table.c.name)
        .join(tenants_table, tenants_table.c.id == DocumentText.tenant_id)
        .where(DocumentText.id.in_([r.text_id for r in ranked]))
    ).all()
    masks, sources = [], []
    for row in rows:
        mask = text.covered(normalised.text, row.normalised)
        count = sum(mask)
        if count:
            masks.append(mask)
            sources.append(Source(row.id, row.tenant_id, row.name, row.number, row.title, row.issued_on, count))
    union = text.union(masks, total)
    sources.sort(key=lambda s: (-s.covered, s.text_id))
    return Report(draft, sum(union), total, sources, text.original_spans(normalised, union), True)


def share_document(tenant: TenantRef, document) -> None:
    """Write (or rewrite) what lower federations' checks need of a document, in this transaction."""
    forget_document(tenant, document.id)
    normalised = text.normalise(document.body, place_names_for(tenant))
    row = DocumentText(tenant_id=tenant.id, document_id=document.id, number=document.number, title=document.title,
                       issued_on=document.issued_on, normalised=normalised.text)
    db.session.add(row)
    db.session.flush()
    hashes = text.fingerprints(normalised.text)
    if hashes:
        db.session.execute(sa.insert(DocumentFingerprint),
                           [{"text_id": row.id, "hash": h, "tenant_id": tenant.id} for h in sorted(hashes)])


def forget_document(tenant: TenantRef, document_id: int) -> None:
    """Remove a document's shared text; its fingerprints go with it (ON DELETE CASCADE)."""
    text_id = db.session.scalar(sa.select(DocumentText.id).where(
        DocumentText.tenant_id == tenant.id, DocumentText.document_id == document_id))
    if text_id is not None:
        # Explicitly too: the cascade needs foreign keys on, and this keeps the statement count obvious.
        db.session.execute(sa.delete(DocumentFingerprint).where(DocumentFingerprint.text_id == text_id))
        db.session.execute(sa.delete(DocumentText).where(DocumentText.id == text_id))
