"""Who the article says claimed what: named bodies, officials, unnamed sources, witnesses, posts.

Works sentence by sentence on token positions: a source is a mention (or an unnamed-source
phrase) next to a speech verb ("X said", "told X"? no: "X told <outlet>"), after "according
to", or the author line of an embedded post ("— Name (@handle) July 16, 2018").
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from kg.extract.lexicon import Lexicon
from kg.extract.tokens import SentenceSpan, TokenArrays

_BETWEEN_SUBJECT_AND_VERB = {"also", "later", "earlier", "previously", "separately", "further", "then",
                             "has", "had", "have", "'s", "’s", "spokesman", "spokesperson", "officially",
                             "reportedly", "had", "again", "recently", "itself"}
_DETERMINERS = {"a", "an", "the", "two", "three", "several", "one", "another", "other", "some", "local"}
# Adverbials that may stand between a speaker and its verb: "X has for months said".
_BETWEEN_PHRASES = re.compile(r"^(?:(?:for (?:months|years|weeks|days|a long time)|at the time|on several occasions"
                              r"|in the past|once again|on \w+day)\s*)+$")
# Pronoun subjects: "..., he said" is the speaker told before, never a name in the clause.
_PRONOUNS = {"he", "she", "they", "it", "we", "i"}
# Words that may stand between an inverted verb and its speaker: "said US State Department
# spokesman Tom Reed", "said the group's deputy commander, Ali Hassan".
_TITLE_FILLERS = {"the", "a", "an", "its", "their", "'s", "’s", "-", ","}
# Where a speaker was heard: "speaking to local media", "told state television".
_HEARD_BY = {("speaking", "to"), ("speaking", "with"), ("talking", "to"), ("interview", "with"), ("told",)}
_HEARD_BY_FIRST = frozenset(phrase[0] for phrase in _HEARD_BY)
# "a statement from X", "in a report by X": the documents a body speaks through
_DOCUMENT_WORDS = frozenset({"statement", "report", "tweet", "post", "video", "communique", "announcement"})
# A statement is the body that issued it: "the statement said" is the body quoted before;
# only a described one ("a military statement") stands for an unnamed source.
_DOCUMENT_HEADS = {"statement"}
# Heads of unnamed sources who saw rather than stated: "a Reuters witness", "an AFP correspondent".
_WITNESS_HEADS = {"witness", "witnesses", "eyewitness", "eyewitnesses", "correspondent", "reporter", "photographer"}
_POST_LINE = re.compile(r"^\s*[—–-]+\s*(?P<name>[^()@\n]{2,80}?)\s*\(@(?P<handle>\w{2,30})\)")


class SourceRef(NamedTuple):
    """A source found in a sentence: an existing mention, or an unnamed source phrase. (Named
    tuples, this and MentionSpan, as Found is: a frozen dataclass takes twice as long to make,
    and an article makes some twenty MentionSpans. The two never compare equal: their lengths
    differ.)"""

    start: int                 # token offsets in the doc
    end: int
    text: str
    kind: str                  # AnonymousSource, Witness, NewsOutlet, or "" for a mention (typed by its entity)
    head: str = ""             # for unnamed sources: the head word ("source", "official")


class MentionSpan(NamedTuple):
    start: int
    end: int
    category: str
    key: str


class Attributor:
    def __init__(self, lex: Lexicon):
        self.lex = lex
        self._witness = sorted((tuple(p.split()) for p in lex.witness_phrases), key=len, reverse=True)
        self._according = sorted((tuple(p.split()) for p in lex.according_to), key=len, reverse=True)
        self._media = sorted((tuple(p.split()) for p in lex.media_phrases), key=len, reverse=True)
        # "according to X", "as reported by X": the phrases that may introduce a source, by first word
        self._according_by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in self._according:
            if phrase[0] in ("according", "reported", "as", "quoted", "cited"):
                self._according_by_first.setdefault(phrase[0], []).append(phrase)
        # unnamed-source phrases, media before witnesses, and for each first word the lengths of
        # the kind's phrases opening on it, longest first: the phrase opening at a token is
        # looked up by length, not tried one by one
        self._phrase_groups = [(frozenset(phrases), _lengths_by_first_word(phrases), kind)
                               for phrases, kind in ((self._media, "NewsOutlet"), (self._witness, "Witness"))]
        phrase_firsts = frozenset(p[0] for p in self._media + self._witness)
        # the words a phrase of one word is, and the first two words of the longer ones: a token
        # that opens none of them opens no phrase ("the", "a" open many, and begin most sentences)
        self._one_word_phrases = frozenset(p[0] for p in self._media + self._witness if len(p) == 1)
        self._phrase_openings = frozenset(p[:2] for p in self._media + self._witness if len(p) >= 2)
        # the words an unnamed source can open on or end in: the only tokens unnamed_sources stops at
        self._unnamed_words = phrase_firsts | frozenset(lex.source_heads)

    def _phrase_at(self, lowers: list[str], i: int) -> tuple[tuple[str, ...], str] | None:
        """(phrase, kind) of the unnamed-source phrase opening at lowers[i]: the longest media
        phrase, else the longest witness phrase."""
        for phrases, lengths, kind in self._phrase_groups:
            for n in lengths.get(lowers[i], ()):
                phrase = tuple(lowers[i:i + n])
                if phrase in phrases:
                    return phrase, kind
        return None

    # ------------------------------------------------------------------ unnamed sources
    def unnamed_sources(self, sent: SentenceSpan, taken: set[int]) -> list[SourceRef]:
        """"a military source", "security officials", "a villager", "witnesses", "local media"."""
        out: list[SourceRef] = []
        arrays = TokenArrays.of(sent.doc)
        first = sent.start                      # token i of the sentence is token first + i of the doc
        lowers = arrays.lower[first:sent.end]
        texts = arrays.text[first:sent.end]
        alpha = arrays.is_alpha[first:sent.end]
        span_text = arrays.span_text
        i = 0
        for at in [k for k, w in enumerate(lowers) if w in self._unnamed_words]:
            if at < i:
                continue        # inside a phrase taken whole
            i = at
            opens = lowers[i] in self._one_word_phrases or (
                i + 1 < len(lowers) and (lowers[i], lowers[i + 1]) in self._phrase_openings)
            found = self._phrase_at(lowers, i) if opens else None
            if found is not None:
                phrase, kind = found
                n = len(phrase)
                out.append(SourceRef(first + i, first + i + n, span_text(first + i, first + i + n), kind, phrase[-1]))
                i += n
                continue
            if lowers[i] not in self.lex.source_heads or first + i in taken:
                i += 1
                continue
            titled = i + 1 < len(lowers) and alpha[i + 1] and texts[i + 1][:1].isupper()   # "Military officer Ismail Ali"
            if not titled:
                j = i
                while j - 1 >= 0 and (lowers[j - 1] in self.lex.source_modifiers or
                                      (first + j - 1 in taken and (texts[j - 1][:1].isupper() or texts[j - 1].isdigit()))) \
                        and i - j < 5:
                    j -= 1
                has_det = lowers[j] in _DETERMINERS or lowers[j].endswith("s") and lowers[i].endswith("s")
                plural = lowers[i].endswith("s")
                # "according to governor of Hatay": a bare title is a source after "according to"
                after_according = j >= 2 and lowers[j - 2:j] == ["according", "to"]
                described = [w for w in lowers[j:i] if w not in _DETERMINERS]
                if lowers[i] in _DOCUMENT_HEADS and not described and lowers[j] != "the":
                    i += 1
                    continue        # "in a statement, the ministry said": the ministry is the source
                if j < i or plural or lowers[j] in _DETERMINERS or after_according:
                    if has_det or plural or j < i or after_according:
                        # "security officials in the city", "the director of the Kharaz police station"
                        end = i + 1
                        # "security experts and officials": one group of unnamed sources
                        if end + 1 < len(lowers) and lowers[end] == "and" and lowers[end + 1] in self.lex.source_heads \
                                and lowers[end + 1].endswith("s") and plural:
                            end += 2
                        if end + 1 < len(lowers) and lowers[end] in ("in", "of", "from", "at") and lowers[end - 1] != "statement":
                            k = end + 1
                            while k < len(lowers) and k - end <= 5 and (alpha[k] or texts[k] in ("'s", "-")) \
                                    and (texts[k][:1].isupper() or lowers[k] in ("the", "city", "town", "police", "station",
                                                                                       "province", "department", "ministry", "'s")):
                                k += 1
                            if k > end + 1:
                                end = k
                        kind = "Witness" if lowers[i] in _WITNESS_HEADS else "AnonymousSource"
                        out.append(SourceRef(first + j, first + end, span_text(first + j, first + end),
                                             kind, lowers[i].rstrip("s") if lowers[i] != "sources" else "source"))
            i += 1
        return out

    # ------------------------------------------------------------------ attribution
    def sources_of(self, sent: SentenceSpan, mentions: Iterable[MentionSpan], publisher_key: str | None) -> list[SourceRef | MentionSpan]:
        """Sources the sentence attributes its content to, in order of appearance. `mentions` is
        read only when the sentence has a speech verb or an "according to" (it may be a generator
        that makes them)."""
        arrays = TokenArrays.of(sent.doc)
        lower, text, is_punct, span_text = arrays.lower, arrays.text, arrays.is_punct, arrays.span_text
        first = sent.start                      # token i of the sentence is token first + i of the doc
        lowers = lower[first:sent.end]
        # "according to X", "as reported by X": (where the phrase starts, its length)
        firsts = self._according_by_first
        # (the words are looked at one by one only in a sentence holding a phrase's first word)
        according = [(i, len(phrase)) for i, w in enumerate(lowers) if w in firsts for phrase in firsts[w]
                     if tuple(lowers[i:i + len(phrase)]) == phrase] if not firsts.keys().isdisjoint(lowers) else []
        speaks = not self.lex.speech_verbs.isdisjoint(lowers)
        if not according and not speaks:
            return []       # every rule below hangs on one or the other: most sentences quote nobody
        mentions = list(mentions)
        taken = {t for m in mentions for t in range(m.start, m.end)}
        unnamed = self.unnamed_sources(sent, taken)
        # "a villager told": the witness phrase, not the civilian group inside it
        inside_unnamed = lambda m: any(u.start <= m.start and m.end <= u.end for u in unnamed)
        candidates: list[SourceRef | MentionSpan] = sorted(
            [m for m in mentions if m.category in ("actor", "outlet", "person", "group", "body") and not inside_unnamed(m)]
            + unnamed,  # type: ignore[operator]
            key=lambda c: c.start)
        n_doc = len(lower)
        found: list[SourceRef | MentionSpan] = []

        def add(c: SourceRef | MentionSpan) -> None:
            if isinstance(c, MentionSpan) and c.category == "outlet" and c.key == publisher_key:
                return
            if c not in found:
                found.append(c)

        for i, n in according:
            after = first + i + n if i + n - 1 < len(lowers) else sent.end
            nxt = next((c for c in candidates if after <= c.start <= after + 3), None)
            if nxt is not None:
                add(nxt)
        # "a statement from Popular Mobilization Forces' media said", "in a statement by X"
        for i in [k for k, w in enumerate(lowers[:-2]) if w in _DOCUMENT_WORDS]:
            if lowers[i + 1] in ("from", "by", "of", "issued"):
                nxt = next((c for c in candidates if first + i + 1 < c.start <= first + i + 1 + 3
                            and isinstance(c, MentionSpan)), None)
                if nxt is not None and speaks:
                    add(nxt)
        # "X said", "X told <outlet>", "said X", "X said in a statement"
        for i in [k for k, w in enumerate(lowers) if w in self.lex.speech_verbs]:
            low, v = lowers[i], first + i
            if _inside_quote(sent, v):
                continue        # '"... not as safe as some officials say."': the quoted speaker's words
            subject_end = v
            # "Ali Hassan, a spokesman for the ministry, said": skip the apposition
            if v - 1 >= sent.start and text[v - 1] == ",":
                k = v - 2
                while k > max(sent.start, v - 14) and text[k] != ",":
                    k -= 1
                if text[k] == ",":
                    subject_end = k
            # the subject stands right before the verb: "X said", "X also told", "X's spokesman said"
            before = [c for c in candidates if c.end <= subject_end and subject_end - c.end <= 5
                      and _between_subject_and_verb(lower[c.end:subject_end])]
            pronoun = lower[v - 1] in _PRONOUNS
            # "..., Ravand Mala Mahmud, warned": the name right before the comma
            if subject_end != v:
                at_comma = [c for c in candidates if c.end == v - 1 and isinstance(c, MentionSpan) and c.category == "person"]
                before = at_comma or before
            # "Karim Nouri, a spokesman for the provincial police said": the person opening the apposition
            # ("... leader Bande Amadou, the source said", "Ali Omar, a shepherd, was killed, he said":
            # the name must open its clause, and a pronoun is nobody in it)
            people = [c for c in candidates if isinstance(c, MentionSpan) and c.category == "person"
                      and c.end < v and v - c.end <= 12 and c.end < n_doc and text[c.end] == ","
                      and c.end + 1 < n_doc and lower[c.end + 1] in ("a", "an", "the")
                      and (c.start == sent.start or is_punct[c.start - 1])]
            if people and not pronoun and not any(isinstance(c, MentionSpan) and c.category == "person" for c in before):
                before = [people[-1]]
            if before:
                # "an officer and a doctor said": both
                speaker = before[-1]
                other = [c for c in candidates if c.end <= speaker.start and speaker.start - c.end <= 1
                         and span_text(c.end, speaker.start).strip() == "and"]
                for c in other:
                    add(c)
                add(before[-1])
                # "a source told Reuters": an outlet other than the publisher, cited by this one
                told = [c for c in candidates if c.start > v and c.start - v <= 2
                        and isinstance(c, MentionSpan) and c.category == "outlet"]
                if told and low in ("told", "tells"):
                    add(told[0])
                self._heard_by(first, lowers, candidates, add)
                continue
            # "confirmed by SDF spokesperson Aram Hanna"
            if i + 1 < len(lowers) and lowers[i + 1] == "by":
                by = [c for c in candidates if c.start > v + 1 and c.start - v <= 5]
                if by:
                    add(by[0])
                    continue
            # inverted only after a quote or a comma: '"...," said the minister'
            inverted = i > 0 and text[v - 1] in (",", '"', "”", "’", "'", "“")
            # '..., said the ministry.' / ', said Ali Hassan, a ...': the speaker ends the clause
            after = [c for c in candidates if c.start > v and c.start - v <= 3
                     and (c.end >= sent.end or is_punct[c.end])]
            # '..., said a foreign ministry spokesman Tom Reed.': the name after its title
            titled = [c for c in candidates if isinstance(c, MentionSpan) and c.category == "person"
                      and v + 1 < c.start <= v + 10 and (c.end >= sent.end or is_punct[c.end])
                      and all(self._title_word(lower[k], text[k], k, candidates) for k in range(v + 1, c.start))]
            if inverted and low not in ("told", "tells", "informed", "briefed") and (titled or after):
                add((titled or after)[0])
                self._heard_by(first, lowers, candidates, add)
        return found

    def _title_word(self, low: str, text: str, i: int, candidates) -> bool:
        """Is token i (`text`, lowercased `low`) part of a title before a name: "US State
        Department spokesman", "the group's deputy"?"""
        return (low in _TITLE_FILLERS or low in self.lex.person_titles
                or low in self.lex.source_modifiers or text[:1].isupper()
                or any(c.start <= i < c.end for c in candidates))

    def _heard_by(self, first: int, lowers, candidates, add) -> None:
        """"speaking to local media", "told state television": the outlet that carried the words.
        `lowers`: the sentence's lowercased tokens, the first being token `first` of the doc."""
        if _HEARD_BY_FIRST.isdisjoint(lowers):
            return
        for i in [k for k, w in enumerate(lowers) if w in _HEARD_BY_FIRST]:
            for phrase in _HEARD_BY:
                if tuple(lowers[i:i + len(phrase)]) != phrase:
                    continue
                after = first + i + len(phrase)
                media = [c for c in candidates if after <= c.start <= after + 1 and (
                    (isinstance(c, MentionSpan) and c.category == "outlet")
                    or (isinstance(c, SourceRef) and c.kind == "NewsOutlet"))]
                if media:
                    add(media[0])

    def post_author(self, sentence: str) -> bool:
        """Is this sentence (its text) the author line of an embedded post ("— Name (@handle) date")?"""
        return bool(_POST_LINE.match(sentence))


def _lengths_by_first_word(phrases: list[tuple[str, ...]]) -> dict[str, list[int]]:
    """The lengths of the phrases opening on each word, longest first."""
    lengths: dict[str, set[int]] = {}
    for phrase in phrases:
        lengths.setdefault(phrase[0], set()).add(len(phrase))
    return {first: sorted(ns, reverse=True) for first, ns in lengths.items()}


def _inside_quote(sent: SentenceSpan, i: int) -> bool:
    """Is token i inside a quotation in its sentence: an odd number of quote marks before it,
    and the quotation closes after it or opened the sentence ('"... as some officials say.')?
    Counted within the sentence: whole articles on one line often leave quotes unbalanced."""
    marks = ('"', "“", "”")
    text = TokenArrays.of(sent.doc).text
    # (list.count: the tokens are compared in C, not one by one in Python)
    before = sum(map(text[sent.start:i].count, marks))
    after = sum(map(text[i + 1:sent.end].count, marks))
    opens = text[sent.start] in marks
    return before % 2 == 1 and (after > 0 or (opens and before == 1))


def _between_subject_and_verb(words: list[str]) -> bool:
    """Only adverbs and auxiliaries between a speaker and its verb: "X also told", "X has for
    months said". `words`: the lowercased tokens between."""
    if all(w in _BETWEEN_SUBJECT_AND_VERB for w in words):
        return len(words) <= 2
    rest = " ".join(w for w in words if w not in _BETWEEN_SUBJECT_AND_VERB)
    return bool(_BETWEEN_PHRASES.match(rest))


def unnamed_key(article_id: str, ref: SourceRef) -> str:
    """One unnamed source per article and head: "a military source" and "the source" are one."""
    words = [w for w in re.findall(r"[\w-]+", ref.text.lower()) if w not in _DETERMINERS]
    words = [w.rstrip("s") if w.endswith("sources") else w for w in words]
    return f"{article_id}-{'-'.join(words) or ref.head}"
