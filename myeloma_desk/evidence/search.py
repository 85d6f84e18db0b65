"""Full-text search over the evidence database and the PDQ text (SQLite FTS5, in memory).

One FTS5 table holds every document (drug, regimen, trial, finding, dose statement, PDQ
paragraph) with three columns: ``title``, ``keywords`` (abbreviations, synonyms, NCT ids, level
of evidence) and ``body``. Results are ranked with bm25 (title and keywords weigh more).

Queries are never passed to FTS5 as typed: each whitespace-separated term is reduced to its
word characters, quoted as a phrase and given a prefix star, and OR-ed with its synonyms
(``dara`` → daratumumab, ``Kd`` → carfilzomib and dexamethasone, ``car-t`` → CAR T-cell ...).
Terms are AND-ed. So no user input can raise an FTS syntax error.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache

from myeloma_desk.evidence.errata import paragraph_errata
from myeloma_desk.evidence.loader import Evidence, load
from myeloma_desk.reference import pdq

KINDS = ("drug", "regimen", "trial", "finding", "dose", "pdq")

# Extra synonyms beyond the drug table and the regimen records.
EXTRA_SYNONYMS: dict[str, tuple[str, ...]] = {
    "car-t": ("CAR T-cell", "chimeric antigen receptor", "cilta-cel", "ide-cel"),
    "cart": ("CAR T-cell", "chimeric antigen receptor"),
    "car t": ("CAR T-cell", "chimeric antigen receptor"),
    "bispecific": ("bispecific antibody", "teclistamab", "talquetamab", "elranatamab"),
    "transplant": ("SCT", "stem cell transplant"),
    "asct": ("autologous SCT", "autologous stem cell transplant"),
    "sct": ("stem cell transplant",),
    "bisphosphonate": ("zoledronate", "pamidronate", "clodronate"),
    "zoledronic": ("zoledronate",),
    "imid": ("immunomodulatory", "lenalidomide", "pomalidomide", "thalidomide"),
    "pi": ("proteasome inhibitor",),
    "cd38": ("anti-CD38", "daratumumab", "isatuximab"),
    "bcma": ("B-cell maturation antigen",),
    "pfs": ("progression-free survival",),
    "os": ("overall survival",),
    "mrd": ("measurable residual disease",),
    "al": ("amyloidosis",),
}


@dataclass(frozen=True)
class Hit:
    """One search result."""

    kind: str
    id: str
    title: str
    snippet: str
    score: float
    section: str
    # Errata of the PDQ text that concern this hit (a row of Table 2 carries the ISS/R-ISS
    # note); shown beside the hit.
    notes: tuple[str, ...] = ()


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _synonyms(ev: Evidence) -> dict[str, set[str]]:
    """Lower-case term → alternative phrases (drug brand/short names, regimen abbreviations)."""
    table: dict[str, set[str]] = {}

    def add(term: str, *alts: str) -> None:
        key = term.lower().strip()
        if key:
            table.setdefault(key, set()).update(a for a in alts if a and a.lower() != key)

    for drug in ev.db.drugs:
        for syn in drug.synonyms:
            add(syn, drug.name)
        add(drug.name, *drug.synonyms)
    for reg in ev.db.regimens:
        alts = [reg.abbreviation, reg.name, *reg.synonyms]
        for term in (reg.abbreviation, *reg.synonyms):
            add(term, *alts)
    for term, extra in EXTRA_SYNONYMS.items():
        add(term, *extra)
    return table


@dataclass
class _Doc:
    kind: str
    id: str
    title: str
    keywords: str
    body: str
    section: str


def _documents(ev: Evidence) -> list[_Doc]:
    docs: list[_Doc] = []
    for d in ev.db.drugs:
        docs.append(
            _Doc(
                "drug",
                d.name,
                d.name,
                " ".join([*d.synonyms, d.drug_class.value.replace("_", " ")]),
                " ".join([d.route or "", *(n.text for n in d.notes)]),
                "",
            )
        )
    for r in ev.db.regimens:
        docs.append(
            _Doc(
                "regimen",
                r.id,
                f"{r.abbreviation}: {r.name}",
                " ".join([r.abbreviation, *r.synonyms, *r.components]),
                " ".join(
                    [
                        *(r.definition.text for _ in [0] if r.definition),
                        *r.route_notes,
                        *r.renal_notes,
                        r.note or "",
                        # settings in words: the snippet shown under a hit never reads as an id
                        *(s.value.replace("_", " ") for s in r.settings),
                    ]
                ),
                "",
            )
        )
    for t in ev.db.trials:
        title = " ".join(x for x in [t.name or "", *t.nct_ids] if x) or t.id
        regs = [ev.regimens[x].abbreviation for x in t.regimens if x in ev.regimens]
        docs.append(
            _Doc(
                "trial",
                t.id,
                title,
                " ".join([t.name or "", *t.nct_ids, *regs]),
                " ".join([*t.description, *t.arms]),
                t.section,
            )
        )
    for f in ev.db.findings:
        trial = ev.trials.get(f.trial or "")
        regs = [ev.regimens[x].abbreviation for x in f.regimens if x in ev.regimens]
        label = " ".join(x for x in [trial.name if trial else "", f.level_of_evidence or ""] if x)
        docs.append(
            _Doc(
                "finding",
                f.id,
                f"{label} {f.endpoint or ''}".strip() or f.id,
                " ".join(
                    [
                        f.level_of_evidence or "",
                        *(trial.nct_ids if trial else []),
                        trial.name if trial and trial.name else "",
                        *regs,
                        f.setting.value.replace("_", " ") if f.setting else "",
                    ]
                ),
                " ".join([*f.sentences, " / ".join(f.path)]),
                f.section,
            )
        )
    for dose in ev.db.doses:
        docs.append(
            _Doc(
                "dose",
                dose.id,
                dose.summary,
                " ".join([dose.topic, *dose.drugs]),
                dose.quote.text,
                "",
            )
        )
    for p in pdq.paragraphs():
        if p.kind == "body":
            docs.append(_Doc("pdq", f"pdq-{p.index}", "", "", p.text, p.section))
    return docs


class SearchIndex:
    """An in-memory FTS5 index; build once with :func:`index`."""

    def __init__(self, ev: Evidence) -> None:
        self._ev = ev
        self._synonyms = _synonyms(ev)
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5("
            "kind UNINDEXED, id UNINDEXED, section UNINDEXED, title, keywords, body, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
        self._db.executemany(
            "INSERT INTO docs (kind, id, section, title, keywords, body) VALUES (?,?,?,?,?,?)",
            [(d.kind, d.id, d.section, d.title, d.keywords, d.body) for d in _documents(ev)],
        )
        self._db.commit()
        # Precomputed once, not per query: the multi-word synonyms ("car t") as one pattern,
        # longest first, and each term's quoted alternatives.
        phrases = sorted((k for k in self._synonyms if " " in k), key=len, reverse=True)
        self._phrase_re = (
            re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in phrases) + r")(?!\w)")
            if phrases
            else None
        )
        self._alts: dict[str, tuple[str, ...]] = {
            term: tuple(
                dict.fromkeys(
                    '"' + " ".join(w) + '"' for w in (_words(a) for a in sorted(alts)) if w
                )
            )
            for term, alts in self._synonyms.items()
        }
        self._titles: dict[str, str] = {}
        self._notes_of: dict[str, tuple[str, ...]] = {}

    def match_expression(self, query: str) -> str | None:
        """The FTS5 MATCH expression for ``query`` (None when it has no searchable word)."""
        groups: list[str] = []
        for term in self._terms(query):
            words = _words(term)
            if not words:
                continue
            alts = ['"' + " ".join(words) + '"*', *self._alts.get(term.lower(), ())]
            groups.append("(" + " OR ".join(dict.fromkeys(alts)) + ")")
        return " AND ".join(groups) if groups else None

    def _terms(self, query: str) -> list[str]:
        # Keep multi-word synonyms ("car t") together, otherwise split on whitespace.
        low = query.strip().lower()
        terms: list[str] = []
        if self._phrase_re is not None and " " in low:
            terms.extend(dict.fromkeys(self._phrase_re.findall(low)))
            low = self._phrase_re.sub(" ", low)
        terms.extend(low.split())
        return terms

    def search(self, query: str, limit: int = 20, kinds: tuple[str, ...] = ()) -> list[Hit]:
        """Ranked hits for ``query`` (bm25; title and keywords weigh more than the body)."""
        expr = self.match_expression(query)
        if expr is None or limit <= 0:
            return []
        sql = (
            "SELECT kind, id, title, snippet(docs, 5, '[', ']', ' … ', 16), "
            "bm25(docs, 0, 0, 0, 8.0, 4.0, 1.0) * CASE kind "
            "WHEN 'pdq' THEN 0.6 WHEN 'finding' THEN 0.9 WHEN 'drug' THEN 1.5 "
            "WHEN 'regimen' THEN 1.2 WHEN 'trial' THEN 1.2 ELSE 1.0 END AS score, "
            "section FROM docs "
            "WHERE docs MATCH ?"
        )
        params: list[object] = [expr]
        if kinds:
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            params.extend(kinds)
        sql += " ORDER BY score LIMIT ?"
        params.append(limit)
        try:
            rows = self._db.execute(sql, params).fetchall()
        except sqlite3.OperationalError:  # pragma: no cover - the expression is sanitised
            return []
        return [
            Hit(k, i, t or self._pdq_title(i), s, float(sc), sec, self._notes(k, i))
            for k, i, t, s, sc, sec in rows
        ]

    def _notes(self, kind: str, doc_id: str) -> tuple[str, ...]:
        if kind != "pdq":
            return ()
        if doc_id not in self._notes_of:  # computed once per paragraph, on its first hit
            number = int(doc_id.removeprefix("pdq-"))
            self._notes_of[doc_id] = tuple(e.note for e in paragraph_errata(number))
        return self._notes_of[doc_id]

    def _pdq_title(self, doc_id: str) -> str:
        if doc_id not in self._titles:
            para = pdq.paragraphs()[int(doc_id.removeprefix("pdq-"))]
            self._titles[doc_id] = "PDQ: " + " / ".join(para.path)
        return self._titles[doc_id]


@lru_cache(maxsize=1)
def index() -> SearchIndex:
    """The search index over the bundled database (built once per process)."""
    return SearchIndex(load())


def search(query: str, limit: int = 20, kinds: tuple[str, ...] = ()) -> list[Hit]:
    """Search the bundled database; see :class:`SearchIndex`."""
    return index().search(query, limit=limit, kinds=kinds)
