"""Reading a question: which kind it is, what it is about, where and when, or why it cannot
be answered.

The reading is deterministic and says how it was made. Dates and citations are taken out
first ("on 1 April 2013", "s13(3)"); each other word is checked against the graph's own
vocabulary and a misspelt one corrected to the nearest known word (rapidfuzz); then the
longest runs of words that name something in the graph are found, exactly or nearly (a
name's plural, a slip in a long name); then each kind of question scores its cue words and
whether what was found suits it. One clear kind with all it needs is an answer; two as
likely, or a missing authority or subject, gives choices; nothing it knows gives "I can't
answer that" with the nearest questions it can answer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .dates import Found, find_dates, long_date
from .kinds import CUE_WORDS, KINDS, MODALITIES, Kind, cue_score
from .lexicon import Citation, Lexicon, Thing
from .words import STOPWORDS, normalise, singular_key

# How near a word or name must be to count as a misspelling of it (rapidfuzz ratio, 0-100).
WORD_CUTOFF = 84
NAME_CUTOFF = 90
TOPIC_CUTOFF = 80
MAX_NAME_WORDS = 8
MAX_CHOICES = 12

_CITATION = re.compile(
    r"\b(?:(?P<s>s|sec|section|ss)\.?\s*(?P<snum>\d+[a-z]?)|(?P<r>reg|regs|regulation)\.?\s*"
    r"(?P<rnum>\d+))(?P<parts>(?:\s*\(\s*\w+\s*\))*)", re.I)
_INSTRUMENT_HINTS = (
    (re.compile(r"\b(children act 2004|ca 2004|2004 act|ca2004)\b", re.I), "CA 2004"),
    (re.compile(r"\b(children act 1989|ca 1989|1989 act|ca1989)\b", re.I), "CA 1989"),
    (re.compile(r"\b(2006/90|lscb regulations|regulations 2006|si 2006)\b", re.I), "SI 2006/90"),
)
_RANGE_START = re.compile(r"\b(since|from|after|between)\s*$")


@dataclass(frozen=True)
class Day:
    """A day of the reading and the words it came from."""

    iso: str
    words: str | None
    precision: str = "day"

    @property
    def label(self) -> str:
        day = dt.date.fromisoformat(self.iso)
        text = long_date(day)
        if self.precision == "today":
            return f"today ({text})"
        if self.precision == "year":
            return f"{text} (mid-{day.year})"
        return text


@dataclass(frozen=True)
class Choice:
    """A question the box can answer, in words, with the parameters of its answer page."""

    text: str
    kind: str
    params: tuple[tuple[str, str], ...]


@dataclass
class Reading:
    """How a question was read. status: "answer" (kind and parts are enough to run its
    query), "choose" (ambiguous or a part missing: see choices) or "cannot"."""

    question: str
    status: str
    kind: Kind | None = None
    subject: Thing | None = None
    authority: Thing | None = None
    day: Day | None = None
    until: Day | None = None
    modality: str | None = None
    notes: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)
    why: str = ""

    def params(self) -> dict[str, str]:
        """The parameters of the answer page for this reading (its permalink)."""
        out: dict[str, str] = {}
        if self.subject is not None:
            out["subject"] = self.subject.iri
        if self.authority is not None:
            out["authority"] = self.authority.iri
        if self.day is not None:
            out["date"] = self.day.iso
        if self.until is not None:
            out["until"] = self.until.iso
        if self.modality:
            out["modality"] = self.modality
        return out

    def parts(self) -> list[tuple[str, str, str | None]]:
        """The reading in words: (what, value, words it came from), in the order shown."""
        out: list[tuple[str, str, str | None]] = []
        if self.kind is not None:
            out.append(("question", self.kind.title, None))
        if self.subject is not None:
            out.append(("about", self.subject.label, None))
        if self.modality:
            out.append(("force", self.modality, None))
        if self.authority is not None:
            out.append(("authority", self.authority.label, None))
        if self.day is not None:
            out.append(("since" if self.until is not None else "date", self.day.label,
                        self.day.words))
        if self.until is not None:
            out.append(("until", self.until.label, self.until.words))
        return out


@dataclass
class _Found:
    """Things one run of words names."""

    iris: set[str]
    words: str
    start: int
    end: int
    score: float


# ------------------------------------------------------------------------------------------
# Steps
# ------------------------------------------------------------------------------------------

def _citations(raw: str, lexicon: Lexicon) -> tuple[list[Citation], list[tuple[int, int]], str]:
    """Provisions cited by number ("s13(3)", "regulation 5(1)(e)"), narrowed by an instrument
    named anywhere in the question; their character spans; the words cited."""
    instruments = {name for pattern, name in _INSTRUMENT_HINTS if pattern.search(raw)}
    found: list[Citation] = []
    spans: list[tuple[int, int]] = []
    words = ""
    for m in _CITATION.finditer(raw):
        unit = "s" if m.group("s") else "reg"
        number = (m.group("snum") or m.group("rnum") or "").lower()
        parts = tuple(p.lower() for p in re.findall(r"\(\s*(\w+)\s*\)", m.group("parts") or ""))
        hits = [c for c in lexicon.citations
                if c.unit == unit and c.number == number and c.parts == parts
                and (not instruments or c.instrument in instruments)]
        if hits:
            found.extend(hits)
            spans.append((m.start(), m.end()))
            words = m.group(0).strip()
    return found, spans, words


def _mask(raw: str, spans: list[tuple[int, int]]) -> str:
    chars = list(raw)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = " "
    return "".join(chars)


def _correct(tokens: list[str], vocabulary: set[str]) -> tuple[list[str], list[str]]:
    """Each unknown word of five letters or more replaced by the nearest known word (the
    graph's names, the cue words), with a note of each correction."""
    known = vocabulary | CUE_WORDS | STOPWORDS
    choices = sorted(w for w in vocabulary | CUE_WORDS if len(w) >= 4 and w.isalpha())
    out, notes = [], []
    for token in tokens:
        if token in known or len(token) < 5 or not token.isalpha():
            out.append(token)
            continue
        best = process.extractOne(token, choices, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF)
        if best is None:
            out.append(token)
            continue
        if token.startswith(best[0]) or best[0].startswith(token):
            out.append(token)  # "covers" is "cover" with an s, not a slip
            continue
        out.append(best[0])
        notes.append(f"read “{token}” as “{best[0]}”")
    return out, notes


def _names(tokens: list[str], lexicon: Lexicon, names: list[str]) -> list[_Found]:
    """Runs of words that name things: exact (or plural) names first, then near ones;
    longest first, never overlapping, never starting or ending on a word like "the"."""
    candidates: list[_Found] = []
    for n in range(min(MAX_NAME_WORDS, len(tokens)), 0, -1):
        for i in range(len(tokens) - n + 1):
            run = tokens[i:i + n]
            if run[0] in STOPWORDS or run[-1] in STOPWORDS:
                continue
            phrase = " ".join(run)
            iris = lexicon.named(phrase)
            if iris:
                candidates.append(_Found(iris, phrase, i, i + n, 100.0))
            elif n >= 2 and len(phrase) >= 8:
                best = process.extractOne(phrase, names, scorer=fuzz.ratio,
                                          score_cutoff=NAME_CUTOFF)
                if best is not None:
                    candidates.append(_Found(lexicon.named(best[0]), phrase, i, i + n,
                                             float(best[1])))
    candidates.sort(key=lambda f: (-(f.end - f.start) * (f.score / 100) ** 3, -f.score,
                                   f.start))
    taken: list[_Found] = []
    for f in candidates:
        if all(f.end <= t.start or t.end <= f.start for t in taken):
            taken.append(f)
    return sorted(taken, key=lambda f: f.start)


def _token_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def _cue_tokens(text: str, spans: list[tuple[int, int]]) -> set[int]:
    positions = _token_spans(text)
    return {i for i, (s, e) in enumerate(positions) for cs, ce in spans if s < ce and cs < e}


# ------------------------------------------------------------------------------------------
# The reader
# ------------------------------------------------------------------------------------------

# Told a kind and the day a question is about (today when it gives none), gives the kind
# that answers it on that day and why, when the law behind the asked kind had been replaced
# (the Board's partners -> the safeguarding partners); see succession.kind_on.
Successor = Callable[[Kind, dt.date], tuple[Kind, str] | None]


def read(question: str, lexicon: Lexicon, today: dt.date | None = None,
         successor: Successor | None = None) -> Reading:
    """The reading of one question against the lexicon of the graph it is to be answered
    from; `today` is the day "today" and "now" mean (default: the machine's)."""
    today = today or dt.date.today()
    raw = " ".join(question.split())[:500]
    if not normalise(raw):
        return Reading(question, "cannot", why="Type a question.")

    citations, cite_spans, cite_words = _citations(raw, lexicon)
    dates = [d for d in find_dates(raw, today)
             if not any(s < d.end and d.start < e for s, e in cite_spans)]
    masked = _mask(raw, cite_spans + [(d.start, d.end) for d in dates])
    tokens, notes = _correct(normalise(masked).split(), lexicon.vocabulary)
    text = " ".join(tokens)
    names = sorted(lexicon.by_name)
    found = _names(tokens, lexicon, names)
    for f in found:
        if f.score < 100:
            labels = sorted(lexicon.things[i].label for i in f.iris if i in lexicon.things)
            notes.append(f"read “{f.words}” as “{'; '.join(labels)}” ({f.score:.0f}% alike)")

    things = [lexicon.things[i] for f in found for i in sorted(f.iris) if i in lexicon.things]
    authorities = _unique([t for t in things if t.category == "authority"])
    about = [t for t in things if t.category != "authority"]
    covered = {i for f in found for i in range(f.start, f.end)}

    scores: dict[str, int] = {}
    cue_tokens: set[int] = set()
    for k in KINDS:
        score, spans = cue_score(k, text)
        if score:
            if k.subjects and any(t.category in k.subjects for t in about):
                score += 2
            if k.name == "provision" and citations:
                score += 3
            scores[k.name] = score
            cue_tokens |= _cue_tokens(text, spans)
    leftover = [t for i, t in enumerate(tokens)
                if i not in covered and i not in cue_tokens and t not in STOPWORDS]
    # The words a topic is looked up by: all but cues, stopwords and the authority's name.
    place = {i for f in found for i in range(f.start, f.end)
             if any(lexicon.things[x].category == "authority" for x in f.iris
                    if x in lexicon.things)}
    topic_words = [t for i, t in enumerate(tokens)
                   if i not in place and i not in cue_tokens and t not in STOPWORDS]
    modality = next((m for m in MODALITIES if re.search(rf"\b{m}\b", text)), None)

    reading = Reading(question, "answer", notes=notes)
    if len(authorities) > 1:
        return _choose(reading, "It names more than one authority: which did you mean?",
                       [_choice_for(k, None, a, None) for a in authorities
                        for k in _kinds_ranked(scores)[:1]])
    reading.authority = authorities[0] if authorities else None

    if not scores:
        return _no_kind(reading, about, citations, leftover, lexicon)
    ranked = _kinds_ranked(scores)
    best = ranked[0]
    if len(ranked) > 1 and scores[ranked[1].name] == scores[best.name]:
        tied = [k for k in ranked if scores[k.name] == scores[best.name]]
        subject = about[0] if about else None
        return _choose(reading, "The question could be read more than one way:",
                       [_choice_for(k, _fit(k, about), reading.authority, None)
                        for k in tied if _fit(k, about) is not None or not k.needs_subject]
                       or [_choice_for(k, subject, reading.authority, None) for k in tied])
    reading.kind = best
    _read_dates(reading, raw, dates, today)
    # A question dated after the law behind its kind was replaced is about its successor;
    # one with no date keeps its kind, answered as at the authority's data (the page says
    # which day that is).
    later = successor(best, dt.date.fromisoformat(reading.day.iso)) \
        if successor is not None and reading.day is not None else None
    if later is not None:
        reading.kind, why = later
        reading.notes.append(why)
    if best.name == "duties" and modality:
        reading.modality = modality
    reading = _fill(reading, about, citations, cite_words, topic_words, lexicon, text)
    if reading.status == "answer" and reading.kind is not None:
        _say_what_was_not_used(reading, leftover, about)
    return reading


def _say_what_was_not_used(reading: Reading, leftover: list[str], about: list[Thing]) -> None:
    """Words the answer does not use are named, so that no one takes the answer for one to
    a narrower question ("What changed for the DCS" lists every change)."""
    kind = reading.kind
    assert kind is not None
    used = {reading.subject.iri} if reading.subject is not None else set()
    # (a provision or a function is found from all the words, names included)
    unused = [] if kind.name in ("provision", "accountable", "partners") else _unique(
        [t for t in about if t.iri not in used and t.category not in kind.subjects
         and not (kind.name == "board-partners" and t.category == "body")])
    if unused:
        names = ", ".join(f"“{t.label}”" for t in unused)
        reading.notes.append(f"not used to narrow the answer: {names}")
    if leftover:
        reading.notes.append(f"words not used: “{' '.join(leftover)}”")


def _unique(things: list[Thing]) -> list[Thing]:
    seen: dict[str, Thing] = {}
    for t in things:
        seen.setdefault(t.iri, t)
    return list(seen.values())


def _kinds_ranked(scores: dict[str, int]) -> list[Kind]:
    order = {k.name: i for i, k in enumerate(KINDS)}
    return sorted((k for k in KINDS if k.name in scores),
                  key=lambda k: (-scores[k.name], order[k.name]))


def _fit(kind: Kind, about: list[Thing]) -> Thing | None:
    return next((t for t in about if t.category in kind.subjects), None)


def _read_dates(reading: Reading, raw: str, dates: list[Found], today: dt.date) -> None:
    """One date is the day; for "what changed", two dates (or one and "since") a range."""
    kind = reading.kind
    if kind is None or not dates:
        if kind is not None and kind.name in ("law-today", "partners"):
            reading.day = Day(today.isoformat(), None, "today")
        return
    if kind.name == "changes":
        first = dates[0]
        if len(dates) >= 2:
            last = dates[1]
            reading.day = Day(first.first.isoformat(), first.words, "day")
            reading.until = Day(last.last.isoformat(), last.words, "day")
        elif _RANGE_START.search(raw.lower()[:first.start]) or first.precision == "today":
            reading.day = Day(first.first.isoformat(), first.words, "day")
            reading.until = Day(today.isoformat(), None, "today")
        else:
            reading.day = Day(first.first.isoformat(), first.words, "day")
            reading.until = Day(first.last.isoformat(), first.words, "day")
        return
    if not kind.takes_date:
        reading.notes.append(f"“{dates[0].words}”: this answer gives every date in force, "
                             "so no day is applied")
        return
    first = dates[0]
    reading.day = Day(first.point.isoformat(), first.words, first.precision)
    if len(dates) > 1:
        reading.notes.append(f"only the first date, “{first.words}”, is used")


def _fill(reading: Reading, about: list[Thing], citations: list[Citation], cite_words: str,
          topic_words: list[str], lexicon: Lexicon, text: str) -> Reading:
    """The subject and authority the kind needs, or choices, or "cannot"."""
    kind = reading.kind
    assert kind is not None
    subject = _fit(kind, about)
    if kind.name == "provision":
        subject = _provision_subject(reading, about, citations, cite_words, lexicon, text,
                                     topic_words)
        if reading.status != "answer":
            return reading
    elif kind.name == "chair" and subject is None:
        chair_roles = _unique([lexicon.things[t.chair_role] for t in about
                               if t.chair_role and t.chair_role in lexicon.things])
        if len(chair_roles) == 1:
            subject = chair_roles[0]
        elif "chair" in text.split() or "chairs" in text.split():
            roles = [t for t in lexicon.of("role") if "chair" in normalise(t.label).split()]
            return _choose(reading, "Which chair?",
                           [_choice_for(kind, r, reading.authority, reading.day)
                            for r in roles])
    elif kind.name == "chaired-by":
        # A chair's role names the body it chairs ("the chair of the LSCB": the LSCB).
        bodies = [t for t in lexicon.of("body") for r in about
                  if r.category == "role" and t.chair_role == r.iri]
        subject = bodies[0] if bodies else next((t for t in about if t.category == "body"),
                                                subject)
    elif kind.name == "report-recipients" and subject is None:
        reports = lexicon.of("report")
        if len(reports) == 1:
            subject = reports[0]
        else:
            return _choose(reading, "Which report?",
                           [_choice_for(kind, r, reading.authority, reading.day)
                            for r in reports])
    elif kind.needs_subject and subject is None:
        subject = _topic(reading, kind, topic_words, lexicon, about=about)
        if reading.status != "answer":
            return reading
    if not kind.needs_subject and kind.subjects and subject is None and (
            topic_words or any(t.category not in ("authority",) for t in about)):
        wanted = ", ".join(_CATEGORY_WORDS[c] for c in kind.subjects)
        return _cannot(reading, lexicon, f"“{kind.title}” is answered about {wanted}, and "
                       "the question names none that the graph holds.")
    if kind.needs_subject and subject is None and kind.name in ("duties", "reports-to",
                                                               "law-today") \
            and not topic_words:
        options = [t for c in kind.subjects for t in lexicon.of(c)]
        return _choose(reading, f"“{kind.title}”: of which role or body?",
                       [_choice_for(kind, t, reading.authority, reading.day)
                        for t in options[:MAX_CHOICES]],
                       more=len(options) > MAX_CHOICES, what="role or body")
    if kind.needs_subject and subject is None:
        return _cannot(reading, lexicon,
                       f"I can't tell what the question asks about: “{kind.title}” needs "
                       f"one of: {', '.join(_CATEGORY_WORDS[c] for c in kind.subjects)}.")
    reading.subject = subject
    if not kind.takes_authority and reading.authority is not None:
        reading.notes.append(f"“{reading.authority.label}”: this answer is the same for "
                             "every authority")
        reading.authority = None
    if kind.name == "report-recipients" and reading.authority is not None \
            and reading.day is not None:
        reading.notes.append(f"“{reading.day.words or reading.day.label}”: an authority's "
                             "report recipients are given as at the date of its data")
        reading.day = None
    if kind.needs_authority and reading.authority is None:
        authorities = lexicon.of("authority")
        return _choose(reading, f"“{kind.title}” is asked of one authority: which?",
                       [_choice_for(kind, subject, a, reading.day)
                        for a in authorities[:MAX_CHOICES]],
                       more=len(authorities) > MAX_CHOICES)
    if kind.name == "changes" and reading.day is None:
        return _cannot(reading, lexicon, "“What changed” needs two dates, for example "
                       "“between 2012 and 2014” or “since 1 April 2013”.")
    return reading


_CATEGORY_WORDS = {"function": "a function", "duty": "a duty", "role": "a role",
                   "body": "a kind of body", "report": "a report", "provision": "a provision",
                   "instrument": "an Act or guidance", "partner-kind": "a kind of partner"}


def _provision_subject(reading: Reading, about: list[Thing], citations: list[Citation],
                       cite_words: str, lexicon: Lexicon, text: str,
                       topic_words: list[str]) -> Thing | None:
    """The provision asked about: one cited by number, an instrument named, or the provision
    that imposes the duty or function the words name."""
    if citations:
        unique = {c.iri: c for c in citations}
        if len(unique) > 1:
            _choose(reading, f"“{cite_words}” is in more than one instrument: which?",
                    [Choice(f"What does {c.label} say?", "provision", (("subject", c.iri),))
                     for c in unique.values()])
            return None
        c = next(iter(unique.values()))
        return Thing(c.iri, c.label, "provision")
    direct = next((t for t in about if t.category in ("instrument",)), None)
    if direct is not None:
        return direct
    statement = next((t for t in about if t.category in ("duty", "function")), None)
    if statement is None:
        assert reading.kind is not None
        statement = _topic(reading, reading.kind, topic_words, lexicon,
                           prefer_must="require" in text, about=about)
        if reading.status != "answer" or statement is None:
            return None
    if not statement.provision:
        return None
    cite = next((c for c in lexicon.citations if c.iri == statement.provision), None)
    reading.notes.append(f"the provision that imposes “{statement.label}”")
    return Thing(statement.provision, cite.label if cite else statement.provision, "provision")


def _topic(reading: Reading, kind: Kind, words: list[str], lexicon: Lexicon,
           prefer_must: bool = False, about: list[Thing] | None = None) -> Thing | None:
    """The duty or function whose name best matches the remaining words (rapidfuzz token
    set ratio), when one stands out; else choices among the nearest."""
    categories = [c for c in kind.subjects if c in ("duty", "function")]
    content = " ".join(w for w in words if w not in STOPWORDS and w not in MODALITIES)
    if not categories or not content:
        return None
    pool = {t.iri: t for t in lexicon.of(*categories)}
    labels = {iri: singular_key(normalise(t.label)) for iri, t in pool.items()}
    hits = process.extract(singular_key(content), labels, scorer=fuzz.token_set_ratio,
                           limit=8, score_cutoff=TOPIC_CUTOFF)
    if not hits:
        return None
    things = [(pool[key], score) for _label, score, key in hits]
    # A role or body named in the question keeps what it bears ("the LSCB must review").
    bearers = {t.iri for t in about or []}
    borne = [(t, s) for t, s in things if t.bearers & bearers]
    things = borne or things
    if prefer_must:
        musts = [(t, s) for t, s in things if (t.modality or "").endswith("#Must")]
        things = musts or things
    top = max(s for _t, s in things)
    best = [t for t, s in things if s == top]
    if len(best) == 1 and (top >= 90 or len(things) == 1):
        reading.notes.append(f"read “{content}” as “{best[0].label}” ({top:.0f}% alike)")
        return best[0]
    _choose(reading, f"“{content}” could mean several things: which?",
            [_choice_for(kind, t, reading.authority, reading.day) for t, _s in things])
    return None


def _no_kind(reading: Reading, about: list[Thing], citations: list[Citation],
             leftover: list[str], lexicon: Lexicon) -> Reading:
    """No cue word: a question that is only a name gets the questions about that name; any
    other words mean it is not a question the box knows."""
    if citations and not leftover:
        c = citations[0]
        return _choose(reading, "Did you mean:",
                       [Choice(f"What does {c.label} say?", "provision", (("subject", c.iri),))])
    if about and not leftover:
        thing = about[0]
        options = [_choice_for(k, thing, reading.authority, None) for k in KINDS
                   if thing.category in k.subjects and not k.needs_authority]
        if options:
            return _choose(reading, f"What would you like to know about “{thing.label}”?",
                           options)
    return _cannot(reading, lexicon, "I can't answer that from the graph.", about)


def _cannot(reading: Reading, lexicon: Lexicon, why: str,
            about: list[Thing] | None = None) -> Reading:
    """No answer: the questions the box can answer about what the words did name (the
    LSCB in "How much does the LSCB cost?"), then the nearest of its own examples."""
    reading.status = "cannot"
    reading.kind = None
    reading.why = why
    named = [_choice_for(k, t, reading.authority, None) for t in _unique(about or [])[:2]
             for k in KINDS if t.category in k.subjects and not k.needs_authority][:4]
    reading.choices = named + [c for c in nearest(reading.question, lexicon)
                               if c.text not in {n.text for n in named}][:5 - min(len(named), 3)]
    return reading


def _choose(reading: Reading, why: str, choices: list[Choice], more: bool = False,
            what: str = "authority") -> Reading:
    reading.status = "choose"
    reading.why = why + (f" (or name the {what} in your question)" if more else "")
    seen: set[Choice] = set()
    reading.choices = [c for c in choices if not (c in seen or seen.add(c))]  # type: ignore[func-returns-value]
    return reading


# ------------------------------------------------------------------------------------------
# Questions in words, for choices and for "the nearest questions it can answer"
# ------------------------------------------------------------------------------------------

_TEMPLATES = {
    "accountable": "Who is accountable for {subject}{where}{when}?",
    "duties": "What must the {subject} do{where}{when}?",
    "reports-to": "Who does the {subject} report to{where}{when}?",
    "board-partners": "Who were the Board partners{where}{when}?",
    "partners": "Who are the safeguarding partners{where}{when}?",
    "report-recipients": "Who must receive the {subject}{where}?",
    "chair": "Who appoints or removes the {subject}{where}{when}?",
    "chaired-by": "Who chairs the {subject}{where}{when}?",
    "holder": "Who is the {subject}{where}{when}?",
    "provision": "What does {subject} say?",
    "replaced": "What replaced the {subject}?",
    "changes": "What changed between {since} and {until}?",
    "law-today": "What does the law say today about the {subject}?",
}


def _choice_for(kind: Kind, subject: Thing | None, authority: Thing | None,
                day: Day | None) -> Choice:
    where = f" in {authority.label}" if authority is not None and kind.takes_authority else ""
    when = f" on {day.label}" if day is not None and kind.takes_date else ""
    label = subject.label if subject is not None else "it"
    if subject is not None and subject.category in ("function", "duty"):
        label = f"“{label}”"
        if kind.name == "provision" and subject.provision:
            return Choice(f"Which provision requires {label}?", "provision",
                          (("subject", subject.provision),))
    text = _TEMPLATES[kind.name].format(subject=label, where=where, when=when,
                                        since="1 January 2013", until="31 December 2013")
    params: list[tuple[str, str]] = []
    if subject is not None:
        params.append(("subject", subject.iri))
    if authority is not None and kind.takes_authority:
        params.append(("authority", authority.iri))
    if day is not None and kind.takes_date:
        params.append(("date", day.iso))
    return Choice(text.replace(" the the ", " the "), kind.name, tuple(params))


def nearest(question: str, lexicon: Lexicon, limit: int = 5) -> list[Choice]:
    """The questions the box can answer that are nearest the words typed: each kind's own
    examples, and each kind asked of things the graph names, ranked by word overlap."""
    candidates: list[Choice] = []
    for k in KINDS:
        for example in k.examples:
            candidates.append(Choice(example, "", (("q", example),)))
    texts = {c.text: c for c in candidates}
    hits = process.extract(normalise(question), {t: normalise(t) for t in texts},
                           scorer=fuzz.token_set_ratio, limit=limit)
    chosen = [texts[key] for _label, _score, key in hits]
    return chosen
