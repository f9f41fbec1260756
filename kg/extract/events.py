"""Operation triggers, their factuality, and the roles of the actors around them.

A trigger is a phrase of the lexicon ("launched a military operation", "airstrikes", "were
kidnapped"). Its type may depend on the weapons named in the sentence ("raids" by jets are
airstrikes). Actors get roles from their position and the words that introduce them:
"with the support of X" (supporter), "by X" (agent after a passive or a noun), "against X",
"targeting X", "on X" (target), subject before an active trigger (agent).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import NamedTuple

from spacy.attrs import LOWER
from spacy.lang.en.lex_attrs import like_num
from spacy.matcher import PhraseMatcher
from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.lexicon import Lexicon
from kg.extract.phrase_codes import phrase_codes
from kg.extract.prefilter import Words
from kg.extract.tokens import SentenceSpan, TokenArrays

_SUPPORT_CUES = (
    ("with", "the", "support", "of"), ("with", "support", "from"), ("with", "the", "support"),
    ("supported", "by"), ("backed", "by"), ("with", "the", "backing", "of"), ("with", "backing", "from"),
    ("aided", "by"), ("assisted", "by"), ("with", "the", "help", "of"), ("with", "help", "from"),
    ("with", "air", "support", "from"), ("with", "air", "support", "of"), ("under", "the", "cover", "of"),
    ("covered", "by"), ("with", "the", "assistance", "of"), ("with", "assistance", "from"),
    ("with", "the", "participation", "of"), ("air", "support", "from"), ("support", "from"),
    ("in", "coordination", "with"), ("in", "cooperation", "with"), ("in", "conjunction", "with"),
)
_COAGENT_CUES = (("along", "with"), ("alongside",), ("together", "with"), ("jointly", "with"), ("and",))
# "... being carried out with the FSA": a partner named after the event, even across "as part of"
_PARTNER_CUES = (("along", "with"), ("alongside",), ("together", "with"), ("jointly", "with"),
                 ("carried", "out", "with"), ("conducted", "with"), ("launched", "with"), ("in", "partnership", "with"),
                 ("side", "by", "side", "with"), ("carried", "out", "jointly", "with"), ("conducted", "jointly", "with"))
_TARGET_CUES = {"against", "targeting", "targeted", "on", "at", "upon", "struck", "hit", "attacked",
                "attacking", "ambushed", "killing", "killed", "kidnapped", "abducted", "arrested", "detained",
                "captured", "capturing", "arresting", "detaining", "kidnapping", "abducting", "pounded",
                "shelled", "bombed", "bombing", "targets", "positions", "remnants", "hideouts", "hideout",
                "cells", "cell", "members", "elements", "fighters", "militants", "into", "toward",
                "towards", "hitting", "striking", "raided", "raiding", "stormed", "storming", "executed",
                "assassinated", "besieged", "surrounded", "fired", "firing", "pursuing", "chasing",
                "strongholds", "bases", "base", "camps", "camp", "headquarters", "vehicle", "convoy",
                "checkpoint", "patrol", "post", "posts", "sites", "site", "dens", "gatherings", "shepherds",
                "destroyed", "destroying", "wounded", "wounding", "injured", "injuring", "hitting",
                "kidnapping", "abducting", "seized", "seizing", "ambushing", "shot", "shooting", "executing",
                "beheaded", "besieging", "overran", "overrunning", "stormed", "storming", "targeted",
                "whereabouts", "trace", "hunt", "hunting", "pursue", "pursuing", "pursuit", "track", "tracking",
                "clear", "clearing", "flush", "expel", "expelling", "dislodge", "eliminate", "eliminating",
                "chief", "leader", "leaders", "commander", "commanders", "head", "emir", "founder", "deputy"}
_TARGET_NOUNS = {"positions", "position", "bases", "base", "hideouts", "hideout", "targets", "camps", "camp", "posts",
                 "strongholds", "headquarters", "fighters", "militants", "members", "convoy", "vehicles", "vehicle",
                 "cells", "cell", "dens", "shelters", "tunnels", "depots", "checkpoint", "checkpoints", "gatherings"}
_CASUALTY_PASSIVE = re.compile(r"\b(?:were|was|have been|had been|has been|got)\s+(?:\w+\s+)?(?:killed|wounded|injured|arrested|captured|detained|kidnapped|abducted|executed|targeted|hit|struck)\b|\b(?:died|perished)\b"
                               # a headline's reduced passive: "Twelve Soldiers Killed In Attack"
                               r"|^\s*(?:killed|wounded|injured|kidnapped|abducted|hurt|dead)\s+(?:in|by|during|as)\b", re.I)
_PASSIVE_AUX = {"was", "were", "been", "being", "is", "are", "got", "get"}
_BOUNDARIES = {";", "while", "whereas", "but", "meanwhile", "although", "—", "–", "which", "who", "whom",
               "whose", "where", "as", "because", "after", "when", "since", "before", "despite", "though"}
_NOT_TARGET_BEFORE = {"through", "via", "with", "by", "from", "alongside", "including", "and"}
_BY = "by"
_SUPPORT_PHRASE = re.compile(r" (?:supported|backed|covered|aided|assisted) by [^,;.]*| in (?:coordination|cooperation|conjunction) with [^,;.]*| with (?:the )?(?:air )?(?:support|backing|cover|help) (?:of|from) [^,;.]*| under (?:the )?cover of [^,;.]*")
# "caves used by the militants", "areas held by the group": who holds it, not who struck
_NOT_AGENT_BY = {"used", "controlled", "held", "occupied", "run", "owned", "inhabited", "claimed", "manned",
                 "guarded", "built", "dug", "hidden", "frequented", "seized", "captured", "taken"}
# "the army repelled the attack", "the assault was pushed back by the police": whoever
# repels an attack suffered it; the attack is the other side's
_REPEL_VERBS = {"repelled", "repulsed", "repel", "repels", "repelling", "foil", "foiled", "thwart", "thwarted",
                "fended", "fought", "beat", "pushed", "warded", "rebuffed", "thwarting", "foiling", "repulsing"}
_REPEL_PARTICLES = {"fended": "off", "fought": "off", "warded": "off", "beat": "back", "pushed": "back"}
_LONG_RUNNING = re.compile(r"(?i)\b(?:years?|decades?|months)\s*-\s*long\b|\blong\s*-\s*running\b|\bdecades\s*-\s*old\b")
_LONG_RUNNING_PART = re.compile(r"(?i)-\s*(?:long|running|old)")      # what each form of it holds
_NEW_CLAUSE = {"noting", "adding", "saying", "stressing", "explaining", "while", "but", "whereas", "although",
               "read", "said", "according"}
_MODAL_AFTER = {"will", "would", "could", "might", "shall", "must", "should", "may"}
_SENTENCE_WIDE = ("continues to", "continue to", "continued to", "keeps", "used to", "often", "usually",
                  "regularly", "frequently", "routinely", "repeatedly", "plans to", "planning to",
                  "threatened to", "threatens to", "vowed to", "would", "will", "could", "if", "unless",
                  "capable of", "in order to", "aims to", "seeks to", "sought to", "try to", "tried to",
                  "trying to", "attempting to", "attempted to", "prepare for", "preparing for", "has been accused", "previously", "in the past",
                  "stepped up", "step up", "in recent months", "in recent weeks", "in recent years", "over the past",
                  "over recent", "escalated", "has intensified", "have intensified", "a wave of", "a spate of",
                  "a series of attacks", "responsible for", "known for", "notorious for")
# A cue is found where its words are whole words ([\w'-]+ runs) in a row, whatever stands between
# them ("continued, to" has it too). One search of the lowercased text; it finds what searching
# " cue " in the text's runs joined by single spaces would, without making that text.
_WORD_CHARS = r"[\w'-]"
_SENTENCE_WIDE_CUE = re.compile(rf"(?<!{_WORD_CHARS})(?:" + "|".join(
    r"[^\w'-]+".join(re.escape(word) for word in cue.split()) for cue in _SENTENCE_WIDE) + rf")(?!{_WORD_CHARS})")
# The factuality checks' other patterns, compiled once (they run for every trigger).
_NOW = re.compile(r"(?i)\b(?:today|tonight|now|currently|on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b")
_HAVE = Words("have", "has")       # what _RECORD cannot match without
_HAVE_WORDS = frozenset({"have", "has"})
_RECORD = re.compile(r"\b(?:have|has)\s+(?:\w+\s+)?(?:carried out|launched|conducted|staged|mounted|waged|committed)\b", re.I)
_DATED = re.compile(r"\b(?:on|last|this)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|\b\d{1,2}\s+[A-Z][a-z]+|yesterday|overnight")
_TALLY = re.compile(r"(?i)\b(?:a total of|so far|to date|in total|since the (?:beginning|start|launch)\b|since the \w+ (?:began|started))")


@dataclass
class Trigger:
    start: int
    end: int
    text: str
    type: str
    weak: bool
    generic: bool
    passive: bool = False
    reference: bool = False     # "the abducted shepherds": points back at an event told before


@dataclass
class Roles:
    agents: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    supporters: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return self.agents + self.targets + self.supporters


@dataclass(frozen=True)
class Participant:
    start: int
    end: int
    key: str
    category: str          # actor, unidentified, group, person


def build_trigger_matcher(nlp: Language, lex: Lexicon) -> PhraseMatcher:
    """Trigger phrases ("T") and generic ones ("G"), from their token codes (see phrase_codes:
    no tokenizing at start-up)."""
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    triggers, generic = phrase_codes(nlp, "triggers", [(LOWER, list(lex.triggers)), (LOWER, list(lex.generic_triggers))])
    matcher.add("T", triggers)
    matcher.add("G", generic)
    return matcher


class TriggerFinder:
    def __init__(self, nlp: Language, lex: Lexicon):
        self.lex = lex
        self.matcher = build_trigger_matcher(nlp, lex)
        self.strings = nlp.vocab.strings
        self._nonfactual = frozenset(tuple(p.split()) for p in lex.nonfactual)
        self._nonfactual_lengths = sorted({len(p) for p in self._nonfactual}, reverse=True)
        self._nonfactual_firsts = frozenset(p[0] for p in self._nonfactual)
        # weapon cue words as they are looked for: any of them as a whole word in a space-padded
        # text, one search per weapon class (a class with no words never matches)
        self._cue_patterns = {cue: re.compile("|".join(re.escape(f" {w} ") for w in sorted(words)) or r"(?!)")
                              for cue, words in lex.cues.items()}
        # a cue's words are tokens of the sentence in a row: none can match where no cue's first
        # word is a token (the support phrases cut out of the text first only take words away)
        self._cue_first_words = frozenset(w.split()[0] for words in lex.cues.values() for w in words)

    def cue_type(self, sent: SentenceSpan, exclude: range) -> str | None:
        """The weapon class a sentence names (air, drone, artillery, bomb), outside the trigger."""
        arrays = TokenArrays.of(sent.doc)
        lower, tokens = arrays.lower, arrays.text
        if self._cue_first_words.isdisjoint(lower[sent.start:exclude.start]) \
                and self._cue_first_words.isdisjoint(lower[exclude.stop:sent.end]):
            return None

        def words_outside(lo: int, hi: int) -> str:
            """The words of tokens lo..hi-1 not in the trigger, space-padded (two slices: the
            trigger is one run of tokens)."""
            return " " + " ".join(lower[lo:min(exclude.start, hi)] + lower[max(exclude.stop, lo):hi]) + " "

        # "attacked ..., supported by coalition warplanes": the support's weapons, not the attack's
        text = _SUPPORT_PHRASE.sub(" ", words_outside(sent.start, sent.end))
        for cue in ("drone", "air", "artillery", "bomb"):
            where = text
            if cue == "artillery":
                # artillery words after the trigger only type it within its clause: "the assault began
                # at midnight, prompting fighting with heavy weapons" is not a shelling
                hi = next((i for i in range(max(sent.start, exclude.stop), sent.end) if tokens[i] in (",", ";")
                           and not (i + 1 < len(lower) and lower[i + 1] in ("using", "with", "by", "firing", "launching"))),
                          sent.end)
                where = words_outside(sent.start, hi)
            if self._cue_patterns[cue].search(where):
                if cue == "drone" and any(f" {w} " in text for w in ("warplanes", "jets", "fighter jets", "airstrikes", "air strikes")):
                    return "air"
                return cue
        return None

    def factual(self, doc: Doc, trig: Trigger, sent: SentenceSpan) -> bool:
        """False for planned, threatened, denied, conditional and habitual mentions."""
        arrays = TokenArrays.of(doc)
        lower, text, span_text = arrays.lower, arrays.text, arrays.span_text
        lo = max(sent.start, trig.start - 5)
        window = lower[lo:trig.start]
        # stop at a clause boundary: cues before it belong to another clause
        for b in (",", ";", ":"):
            if b in window:
                window = window[len(window) - window[::-1].index(b):]
        # a phrase is looked for only where one can begin (any phrase found decides)
        for k in [k for k, w in enumerate(window) if w in self._nonfactual_firsts]:
            for n in self._nonfactual_lengths:
                if k + n > len(window):
                    continue
                phrase = tuple(window[k:k + n])
                if phrase in self._nonfactual:
                    # "no" and "not" only negate when they are right before the trigger
                    if phrase in (("no",), ("not",), ("never",), ("without",)) and k < len(window) - 3:
                        continue
                    return False
        # "al Shabaab is fighting the government in a bid to ...": the war itself, ongoing, undated
        if trig.start - 1 >= sent.start and lower[trig.start].endswith("ing") \
                and (lower[trig.start - 1] in ("is", "are") or (
                    lower[trig.start - 1] == "been" and any(w in ("has", "have") for w in lower[max(sent.start, trig.start - 3):trig.start - 1]))) \
                and not _NOW.search(span_text(sent.start, sent.end)):
            return False
        # "a years-long campaign", "the long-running insurgency": a whole war, not an event in it
        # (the clause is looked for only when the sentence has, before the trigger, the hyphen and
        # word each form has)
        if _LONG_RUNNING_PART.search(arrays.doc_text, arrays.idx[sent.start], arrays.idx[trig.start]):
            clause_start = next((i + 1 for i in range(trig.start - 1, sent.start - 1, -1) if text[i] in (",", ";", ":")),
                                sent.start)
            if _LONG_RUNNING.search(span_text(clause_start, trig.start)):
                return False          # (and the strikes that "backed" it in the same clause)
        head = lower[trig.start]
        if trig.start - 1 >= sent.start and lower[trig.start - 1] == "to" and not head.endswith(("ed", "ing")) \
                and not trig.generic and head not in ("clashes", "attacks", "raids", "airstrikes"):
            # "used by the group to attack", "aiming to clear": purpose, not fact
            return False
        # "operations against the group will go on": a plan stated after the trigger
        # (the words up to the next punctuation are looked at only when a modal is among the twelve)
        if not _MODAL_AFTER.isdisjoint(lower[trig.end:min(sent.end, trig.end + 12)]):
            after = []
            for i in range(trig.end, min(sent.end, trig.end + 12)):
                if arrays.is_punct[i] and text[i] not in ("'s", "’s", "-"):
                    break
                after.append(lower[i])
            if not _MODAL_AFTER.isdisjoint(after):
                return False
        # "the cells have staged several deadly attacks on ...": a record, not an event, unless dated
        head = lower[trig.end - 1]
        if head.endswith("s"):
            leading = span_text(sent.start, trig.start)
            if _HAVE.may_be_in(leading) and _RECORD.search(leading) and not _DATED.search(span_text(sent.start, sent.end)):
                return False
        # "since the offensive started, troops have taken a total of 30 hamlets": a running
        # tally over a campaign, not one event
        perfect = not _HAVE_WORDS.isdisjoint(lower[max(sent.start, trig.start - 2):trig.start])
        if perfect and _TALLY.search(span_text(sent.start, sent.end)):
            return False
        # habits and plans stated earlier in the sentence cover every trigger after them:
        # "the group continues to launch attacks, kidnappings, and ambushes"
        # ... but not across a clause that reports something else: "the operation aims to
        # control the routes, noting it began with missile strikes"
        marks = _clause_marks(doc, arrays)
        k = bisect_left(marks, trig.start) - 1
        if k >= 0 and marks[k] == trig.start - 1 and text[marks[k]] == ",":
            k -= 1            # a comma right before the trigger opens no clause of its own
        opening = marks[k] + 1 if k >= 0 and marks[k] >= sent.start else sent.start
        return not _SENTENCE_WIDE_CUE.search(span_text(opening, trig.start).lower())

    def _matches_by_sentence(self, doc: Doc) -> dict[int, list[tuple[int, int, str]]]:
        """The doc's trigger matches (start, end, label) by the first token of the sentence that
        holds them whole; a match across a sentence break belongs to none."""
        arrays = TokenArrays.of(doc)
        out: dict[int, list[tuple[int, int, str]]] = {}
        for match_id, s, e in self.matcher(doc):
            k = arrays.sentence_of(s)
            if e <= arrays.sent_ends[k]:
                out.setdefault(arrays.sent_starts[k], []).append((s, e, self.strings[match_id]))
        return out

    def find(self, doc: Doc, sent: SentenceSpan) -> list[Trigger]:
        """The triggers of `sent`, one of the doc's sentences (as TokenArrays gives them)."""
        arrays = TokenArrays.of(doc)
        lower, span_text = arrays.lower, arrays.span_text
        out: list[Trigger] = []
        # the doc is matched once; each sentence keeps the matches that lie inside it
        by_sentence = doc.user_data.get("kg.trigger_matches")
        if by_sentence is None:
            by_sentence = doc.user_data["kg.trigger_matches"] = self._matches_by_sentence(doc)
        spans = list(by_sentence.get(sent.start, ()))
        if not spans:
            return out            # (most sentences)
        # longest non-overlapping
        spans.sort(key=lambda x: (-(x[1] - x[0]), x[0], x[2] != "T"))
        used: set[int] = set()
        for s, e, label in spans:
            if not used.isdisjoint(range(s, e)):
                continue
            used.update(range(s, e))
            phrase = span_text(s, e).lower()
            generic = label == "G"
            if generic:
                etype, contextual, weak = self.lex.generic_triggers[phrase], True, False
            else:
                entry = self.lex.triggers.get(phrase)
                if entry is None:
                    continue
                etype, contextual, weak = entry.type, entry.contextual, entry.weak
            if contextual or etype in ("Shelling",) or phrase in ("bombing", "bombings", "bombed"):
                cue = self.cue_type(sent, range(s, e))
                if cue == "air" and etype in ("Raid", "Attack", "Shelling"):
                    etype = "Airstrike"
                elif cue == "drone" and etype in ("Raid", "Attack", "Shelling", "Airstrike"):
                    etype = "DroneStrike"
                elif cue == "artillery" and etype in ("Attack",):
                    etype = "Shelling"
                elif cue == "air" and etype == "Bombing" and phrase in ("bombing", "bombings", "bombed", "bombing campaign"):
                    etype = "Airstrike"      # "jets resumed their bombing": from the air
                elif cue == "bomb" and etype == "Attack" and phrase in ("struck", "hit", "targeted", "targeting", "strike", "strikes"):
                    etype = "Bombing"
                elif etype == "Attack" and phrase in ("strike", "strikes") and cue is None:
                    etype = "Airstrike" if any(w in ("coalition", "air") for w in lower[sent.start:sent.end]) else "Attack"
            passive = False
            if s - 1 >= sent.start and lower[s - 1] in _PASSIVE_AUX and lower[s].endswith("ed"):
                passive = True
            elif s - 2 >= sent.start and lower[s - 2] in _PASSIVE_AUX and lower[s - 1] in ("reportedly", "also", "allegedly", "then", "later", "all"):
                passive = True
            # "the abducted shepherds": a participle used as an adjective refers back to an event
            reference = False
            if not generic and lower[s].endswith("ed") and s - 1 >= sent.start and \
                    lower[s - 1] in ("the", "these", "those", "this", "that", "a", "an"):
                generic = reference = True
            out.append(Trigger(s, e, span_text(s, e), etype, weak, generic, passive, reference))
        out.sort(key=lambda t: t.start)
        return out


_SPEAKER_CUES = (("according", "to"), ("quoted", "by"), ("told",), ("reported", "by"))
# Words that may stand between a cue and the party it introduces ("with the support of the local ...").
_CUE_FILLERS = frozenset({"the", "a", "an", "its", "their", "local", "allied", "international", "us-led", "u.s.-led"})


def _clause_marks(doc: Doc, arrays: TokenArrays) -> list[int]:
    """The tokens of the doc that open a new clause after them: a semicolon, or a comma before a
    word that begins a clause of its own ("noting", "while", "said"). Made once a doc (every
    trigger asks where its clause begins)."""
    marks = doc.user_data.get("kg.clause_marks")
    if marks is None:
        text, lower = arrays.text, arrays.lower
        last = len(text) - 1
        marks = doc.user_data["kg.clause_marks"] = sorted(
            arrays.positions(";") + [i for i in arrays.positions(",") if i < last and lower[i + 1] in _NEW_CLAUSE])
    return marks


class _Cues(NamedTuple):
    """Cue phrases by their last word (a cue ends right before the party it introduces)."""

    last_words: frozenset[str]
    by_last_word: dict[str, list[tuple[str, ...]]]

    @staticmethod
    def of(cues: tuple[tuple[str, ...], ...]) -> "_Cues":
        by_last: dict[str, list[tuple[str, ...]]] = {}
        for cue in cues:
            by_last.setdefault(cue[-1], []).append(cue)
        return _Cues(frozenset(by_last), by_last)


def _cue_before(arrays: TokenArrays, start: int, lo: int, cues: _Cues) -> bool:
    """Does a cue phrase end right before token `start` (skipping up to two fillers or capitalised
    words), and start at `lo` or after?"""
    lower, text = arrays.lower, arrays.text
    by_last = cues.by_last_word
    if cues.last_words.isdisjoint(lower[max(lo, start - 3):start]):
        return False          # no cue can end in the three words before (most calls: one C-level test)
    for skip in (0, 1, 2):
        end = start - skip            # the cue ends right before token `end`
        if end - 1 < lo:
            break
        candidates = by_last.get(lower[end - 1])
        if not candidates or not all(lower[k] in _CUE_FILLERS or text[k][:1].isupper() for k in range(end, start)):
            continue
        if any(end - len(cue) >= lo and tuple(lower[end - len(cue):end]) == cue for cue in candidates):
            return True
    return False


_SUPPORT, _SPEAKER, _PARTNER, _COAGENT = map(_Cues.of, (_SUPPORT_CUES, _SPEAKER_CUES, _PARTNER_CUES, _COAGENT_CUES))


def assign_roles(doc: Doc, sent: SentenceSpan, triggers: list[Trigger], participants: list[Participant],
                 lex: Lexicon) -> list[Roles]:
    """Roles of the sentence's participants for each trigger (same order as triggers)."""
    arrays = TokenArrays.of(doc)
    lower, text, span_text = arrays.lower, arrays.text, arrays.span_text
    roles = [Roles() for _ in triggers]
    if not triggers:
        return roles
    # "Turkish-backed factions": the first actor supports the group after it
    # "PKK-affiliated YPG": an identity, not a part in the event
    backed: set[int] = set()
    affiliated: set[int] = set()
    for p in participants:
        if p.end + 1 < len(doc) and text[p.end] == "-":
            word = lower[p.end + 1]
            if word in ("backed", "supported", "sponsored", "funded", "armed", "trained"):
                backed.add(p.start)
            elif word in ("affiliated", "linked", "aligned", "allied", "affiliate", "inspired", "led"):
                affiliated.add(p.start)

    by_agents: list[set[str]] = [set() for _ in triggers]
    persons = [q for q in participants if q.category == "person"]
    subject_supporters: list[list[str]] = [[] for _ in triggers]

    def owner(p: Participant) -> int:
        """Which trigger a participant belongs to."""
        for k, t in enumerate(triggers):
            if p.start < t.start:
                # between triggers k-1 and k: a modifier right before trigger k belongs to it,
                # unless it is the object right after a verb trigger ("targeted IS with strikes")
                if k == 0:
                    return k
                prev = triggers[k - 1]
                if p.start - prev.end <= 1 and _verbal(prev) and not prev.passive:
                    return k - 1
                if t.start - p.end <= 2:
                    return k
                return k - 1
        return len(triggers) - 1

    for p in participants:
        if p.category == "organization":
            continue          # ministries, councils, monitors speak about events; they don't fight
        k = owner(p)
        t = triggers[k]
        r = roles[k]
        lo = triggers[k - 1].end if k > 0 and p.start >= triggers[k - 1].end else sent.start
        if p.start in backed:
            _add(r.supporters, p.key)
            continue
        if p.start in affiliated:
            continue
        if p.start >= 2 and text[p.start - 1] == "-" and lower[p.start - 2] == "anti":
            _add(r.targets, p.key)          # "anti-IS operation"
            continue
        if _cue_before(arrays, p.start, lo, _SUPPORT):
            _add(r.supporters, p.key)
            continue
        if _cue_before(arrays, p.start, sent.start, _SPEAKER):
            continue          # "..., according to the coalition's command": who tells it
        if _speaker(doc, p, sent, triggers, lex, persons):
            # "the army said it had repelled the attack", "the US said it had killed him": a
            # speaker telling its own deed takes part in it
            deed = _own_deed(doc, p, sent, lex)
            told = next((j for j, tj in enumerate(triggers) if tj.end > deed), None) if deed is not None else None
            if told is not None:
                tj = triggers[told]
                if tj.type != "Arrest" and not _verbal(tj) and _repels(doc, deed, deed + 1):
                    _add(roles[told].targets, p.key)
                elif tj.start <= deed:
                    _add(roles[told].agents, p.key)
            continue          # "the ministry said", "the army's media office said": the speaker
        if p.start < t.start and _leads_in_relative_clause(doc, p, t):
            _add(r.agents, p.key)
            continue
        if p.start > t.end and r.agents and _cue_before(arrays, p.start, t.end, _PARTNER) \
                and not any(w in (";", ".") for w in text[t.end:p.start]):
            _add(r.agents, p.key)
            continue
        prev_words = lower[max(lo, p.start - 4):p.start]
        if not _BOUNDARIES.isdisjoint(lower[min(p.end, t.start):max(p.start, t.end)]):
            continue
        backs = [i for i in range(p.end, min(p.end + 3, t.start))
                 if lower[i] in ("backed", "supported", "assisted", "aided", "covered", "backing", "supporting")]
        if p.start < t.start and backs and not (backs[0] + 1 < len(doc) and lower[backs[0] + 1] == "by"):
            _add(r.supporters, p.key)       # "coalition warplanes backed the operation"
            subject_supporters[k].append(p.key)
        elif p.start < t.start:
            # before the trigger: the subject (agent) of an active trigger, the target of a passive
            if t.generic and any(w in ("during", "after", "before", "following", "since") for w in
                                 lower[max(p.end, t.start - 3):t.start]):
                continue      # "soldiers killed three militants during the attack": another clause
            if t.type in ("Attack", "Ambush", "Raid", "GroundOperation", "Clash", "Bombing", "Shelling") \
                    and not _verbal(t) and _repels(doc, p.end, t.start):
                _add(r.targets, p.key)      # "the brigade repelled an attack": it was attacked
            elif not _verbal(t) and (any(w in _LOSS_VERBS for w in lower[p.end:t.start])
                                     or _after_loss_verb(doc, p, lo)):
                _add(r.targets, p.key)      # "we lost five soldiers in the attack": its victims' side
            elif not t.generic and _object_of_active_verb(doc, p, lo, participants):
                # "militants killed five soldiers in an attack": the soldiers suffered it
                _add(r.targets, p.key)
            elif t.passive or _CASUALTY_PASSIVE.search(span_text(p.end, t.start)):
                # "four militants were killed in a drone strike": the victims
                _add(r.targets, p.key)
            elif prev_words and prev_words[-1] == _BY:
                _add(r.agents, p.key)
            elif any(w in ("on", "against", "targeting") for w in prev_words[-2:]) and k > 0:
                _add(roles[k - 1].targets, p.key)
            elif p.category == "person":
                continue          # a named person before the trigger is a speaker or a commander
            elif p.category in ("civilian",):
                _add(r.targets, p.key)
            else:
                _add(r.agents, p.key)
        else:
            # after the trigger: "by X" is the agent; "against/targeting/on X" or the object: target
            words = lower[t.end:p.start]
            near = words[-3:]
            by_agent = _BY in near and not any(w in ("supported", "backed", "aided", "assisted", "covered") for w in near)
            held_by = False
            if by_agent:
                before_by = words[len(words) - 1 - words[::-1].index(_BY) - 1] if words.index(_BY) > 0 else ""
                by_agent = before_by not in _NOT_AGENT_BY
                held_by = before_by in ("controlled", "held", "occupied")
            if not by_agent and _victim_named_after(doc, p, sent, triggers):
                _add(r.targets, p.key)      # "in the clashes, Ali Hassan, a shepherd, was killed"
            elif by_agent and _repels(doc, t.end, p.start):
                _add(r.targets, p.key)      # "the attacks were repelled by the defenders"
            elif held_by and t.type == "GroundOperation":
                _add(r.targets, p.key)      # "captured villages held by the YPG": their defenders
            elif by_agent:
                _add(r.agents, p.key)
                if len(words) <= 3:
                    by_agents[k].add(p.key)
            elif _cue_before(arrays, p.start, t.end, _COAGENT) and r.agents and "and" not in near[-1:]:
                _add(r.agents, p.key)
            elif t.type == "Clash" and any(w in ("between", "with", "against", "and") for w in words[-3:]):
                _add(r.targets, p.key)      # "clashed with X", "clashes between X and Y"
            elif p.end < sent.end and lower[p.end] in _TARGET_NOUNS and not by_agent and len(words) <= 8:
                _add(r.targets, p.key)      # "strikes on northern Iraq's PKK bases"
            elif t.type == "GroundOperation" and "from" in near[-2:] and len(words) <= 8:
                _add(r.targets, p.key)      # "captured three villages from the YPG"
            elif words and words[-1] in _NOT_TARGET_BEFORE:
                continue
            elif any(w in _TARGET_CUES for w in words) or (len(words) <= 2 and _verbal(t)):
                if t.passive and _BY in words:
                    _add(r.agents, p.key)
                else:
                    _add(r.targets, p.key)
    # "jets backed the operation, providing cover and targeting hideouts": a participle
    # clause after a comma shares the subject of the clause before it
    for k in range(1, len(triggers)):
        t = triggers[k]
        if roles[k].agents or t.passive or not t.text.lower().split()[0].endswith("ing"):
            continue
        between = text[triggers[k - 1].end:t.start]
        if "," not in between or any(w.lower() in _BOUNDARIES for w in between):
            continue
        subject = roles[k - 1].agents or subject_supporters[k - 1]
        roles[k].agents = [a for a in subject if a not in roles[k].targets]
    # "forces backed by US airstrikes seized the town": the forces did the seizing with the
    # US as supporter; the US flew the strikes, on the same enemy
    for k in range(len(triggers) - 1):
        if supporting_weapon(doc, triggers[k], triggers[k + 1]):
            weapon, main = roles[k], roles[k + 1]
            for key in weapon.agents:
                _add(main.agents, key)
            for key in weapon.supporters:
                _add(main.supporters, key)
            weapon.agents, weapon.supporters = list(weapon.supporters), []
            for key in main.targets:
                _add(weapon.targets, key)
    # "the army repelled an attack by IS": the subject of a noun trigger whose doer follows
    # it with "by" suffered the attack
    for k, (t, r) in enumerate(zip(triggers, roles)):
        if by_agents[k] and not t.passive and not _verbal(t):
            for key in [a for a in r.agents if a not in by_agents[k]]:
                r.agents.remove(key)
                _add(r.targets, key)
    # "clashes between X and Y": both sides fought; the first named is the agent
    # (civilians caught in the fighting are never a side of it)
    civilians = {p.key for p in participants if p.category == "civilian"}
    for t, r in zip(triggers, roles):
        sides = [k for k in r.targets if k not in civilians]
        if t.type == "Clash" and not r.agents and len(sides) >= 2:
            r.agents = sides[:1]
            r.targets = [k for k in r.targets if k != sides[0]]
    for r in roles:
        r.targets = [k for k in r.targets if k not in r.agents and k not in r.supporters]
        r.supporters = [k for k in r.supporters if k not in r.agents and k not in r.targets]
    return roles


_ACTIVE_HARM = {"killed", "killing", "kills", "wounded", "wounding", "injured", "injuring", "attacked", "attacking",
                "targeted", "targeting", "kidnapped", "kidnapping", "abducted", "abducting", "ambushed", "ambushing",
                "captured", "capturing", "arrested", "arresting", "executed", "executing", "shot", "struck", "hit",
                "shelled", "bombed", "detained", "detaining", "murdered", "assassinated", "neutralized",
                "neutralised", "neutralizing", "neutralising", "eliminated", "eliminating"}
_NP_FILLER = {"the", "a", "an", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "dozens",
              "of", "at", "least", "several", "some", "many", "senior", "other", "more", "members", "its", "their",
              "his", "her", "local", "scores", '"', "'", "more", "another"}
_SPEAKING_PARTICIPLES = {"reporting", "saying", "claiming", "stating", "announcing", "confirming", "denying"}
_SPEAKER_NOUNS = {"'s", "’s", "officials", "official", "spokesman", "spokesperson", "spokeswoman", "media", "office",
                  "command", "central", "statement", "sources", "source", "commander", "commanders", "officer",
                  "officers", "leadership", "ministry", "press", "center", "centre", "cell", "department", "also",
                  "later", "has", "have", "had", "then", "in", "a"}


def _speaker(doc: Doc, p: Participant, sent: SentenceSpan, triggers: list[Trigger], lex: Lexicon,
             persons: list[Participant]) -> bool:
    """"The army said", "the coalition's central command said", "PMF (Hashd) said": an actor
    named as the subject of a speech verb tells about the event; it does not take part."""
    arrays = TokenArrays.of(doc)
    lower, text = arrays.lower, arrays.text
    i, seen = p.end, 0
    while i < sent.end and seen <= 4:
        word, low = text[i], lower[i]
        name = next((q for q in persons if q.start == i), None) if persons else None
        if name is not None and i > p.end and text[i - 1] == ",":
            i = name.end          # "the police chief, Ahmed Ali, said": an apposition
            continue
        if word == "," and i + 1 < sent.end and persons and any(q.start == i + 1 for q in persons):
            i += 1
            continue
        if word == ",":
            # ", Hussein Ali," : a capitalised name in apposition
            close = next((j for j in range(i + 1, min(i + 6, sent.end)) if text[j] == ","), None)
            if close is not None and close > i + 1 and all(text[j][:1].isupper() for j in range(i + 1, close)):
                i = close + 1
                continue
            return False
        if word == "(":
            close = next((j for j in range(i, min(i + 8, sent.end)) if text[j] == ")"), None)
            if close is None:
                return False
            i = close + 1
            continue
        if low in lex.speech_verbs or low in _SPEAKING_PARTICIPLES:
            return True       # (", with the authorities reporting casualties": telling, too)
        if low not in _SPEAKER_NOUNS or any(t.start == i for t in triggers):
            return False
        i += 1
        seen += 1
    return False


_LEAD_VERBS = {"spearheaded", "spearheading", "spearheads", "led", "leading", "leads", "launched", "launching",
               "carried", "carrying", "conducted", "conducting", "waged", "waging", "mounted", "mounting", "staged"}


def _leads_in_relative_clause(doc: Doc, p: Participant, t: Trigger) -> bool:
    """"the CTS, who have spearheaded the offensive", "Wagner, which is leading the attack":
    the antecedent of a relative clause whose verb leads the event is its agent."""
    arrays = TokenArrays.of(doc)
    lower, text = arrays.lower, arrays.text
    i = p.end
    while i < t.start and i - p.end <= 8 and lower[i] not in ("who", "which", "that"):
        if text[i] in (";", ".") or lower[i] in _BOUNDARIES:
            return False
        i += 1
    if i >= t.start or lower[i] not in ("who", "which", "that"):
        return False
    verb = next((j for j in range(i + 1, min(i + 5, t.start)) if lower[j] in _LEAD_VERBS), None)
    if verb is None or any(lower[j] in ("by", "against", "on") for j in range(i + 1, verb)):
        return False
    return t.start - verb <= 6 and not any(text[j] in (",", ";") or lower[j] in _BOUNDARIES
                                           for j in range(verb + 1, t.start))


_LOSS_VERBS = {"lost", "losing", "lose", "loses", "suffered", "sustained"}


def _after_loss_verb(doc: Doc, p: Participant, lo: int) -> bool:
    """"We lost five soldiers in the attack": the soldiers lost are the side attacked."""
    arrays = TokenArrays.of(doc)
    lower = arrays.lower
    i = p.start - 1
    while i >= lo and p.start - i <= 5 and (lower[i] in _NP_FILLER or like_num(arrays.text[i])):
        i -= 1
    return i >= lo and lower[i] in _LOSS_VERBS


def _object_of_active_verb(doc: Doc, p: Participant, lo: int, participants: list[Participant]) -> bool:
    """Is the participant the object of an active harm verb whose subject is another
    participant ("IS fighters killed a commander and five soldiers in an attack")?"""
    arrays = TokenArrays.of(doc)
    lower = arrays.lower
    i = p.start - 1
    while i >= lo and p.start - i <= 5 and (lower[i] in _NP_FILLER or like_num(arrays.text[i])):
        i -= 1
    if i < lo or lower[i] not in _ACTIVE_HARM:
        return False
    verb = i
    if verb - 1 >= lo and lower[verb - 1] in _PASSIVE_AUX:
        return False      # "were killed": passive, the subject is the victim
    return any(q.end <= verb and q.start >= lo and q is not p for q in participants)


_SELF = {"it", "they", "its", "we"}
_PERFECT = {"had", "has", "have", "was", "were", "also", "successfully", "then", "later", "already"}


def _own_deed(doc: Doc, p: Participant, sent: SentenceSpan, lex: Lexicon) -> int | None:
    """"X said (that) it had repelled ...": the index of the verb X tells of itself."""
    arrays = TokenArrays.of(doc)
    lower = arrays.lower
    i = p.end
    while i < sent.end and i - p.end <= 6 and lower[i] not in lex.speech_verbs:
        i += 1
    if i >= sent.end or lower[i] not in lex.speech_verbs:
        return None
    i += 1
    if i < sent.end and lower[i] == "that":
        i += 1
    if i >= sent.end or lower[i] not in _SELF:
        return None
    i += 1
    if i < sent.end and lower[i] in ("forces", "troops", "fighters", "units"):
        i += 1            # "said its forces had repelled"
    while i < sent.end and lower[i] in _PERFECT:
        i += 1
    return i if i < sent.end else None


_SUPPORT_PARTICIPLES = {"backed", "supported", "covered", "aided", "assisted"}


def supporting_weapon(doc: Doc, prev: Trigger, t: Trigger) -> bool:
    """"Forces backed by US airstrikes seized the town": the strikes right before the verb
    are named as the support of the forces' own event."""
    arrays = TokenArrays.of(doc)
    lower = arrays.lower
    return t.start == prev.end and t.text.lower().endswith("ed") and any(
        lower[i] == "by" and lower[i - 1] in _SUPPORT_PARTICIPLES for i in range(max(1, prev.start - 3), prev.start))


_WAS_HARMED = re.compile(r"\b(?:were|was)\s+(?:\w+\s+)?(?:killed|wounded|injured|kidnapped|abducted)\b")
_SAID = re.compile(r"\b(?:said|says|told)\b")


def _victim_named_after(doc: Doc, p: Participant, sent: SentenceSpan, triggers: list[Trigger]) -> bool:
    """Is a party named after the trigger the subject of "was/were killed" that follows it?"""
    arrays = TokenArrays.of(doc)
    text, span_text = arrays.text, arrays.span_text
    hi = min(sent.end, p.end + 14)
    trigger_starts = {u.start for u in triggers}
    for i in range(p.end, hi):
        if text[i] in (";", ".") or i in trigger_starts:
            hi = i
            break
    after = span_text(p.end, hi)
    m = _WAS_HARMED.search(after)
    return m is not None and not _SAID.search(after, 0, m.start())


def _repels(doc: Doc, lo: int, hi: int) -> bool:
    """Is there a verb of repelling in doc[lo:hi] ("repelled", "pushed back", "fought off")?"""
    arrays = TokenArrays.of(doc)
    lower = arrays.lower
    for i in range(lo, hi):
        w = lower[i]
        if w in _REPEL_VERBS:
            particle = _REPEL_PARTICLES.get(w)
            if particle is None or (i + 1 < len(doc) and lower[i + 1] == particle):
                return True
    return False


def _verbal(t: Trigger) -> bool:
    """"attacked X", "kidnapping X": a verb form takes its object right after it."""
    last = t.text.lower().split()[-1]
    return last.endswith(("ed", "ing")) or last in ("hit", "struck", "shot", "fought", "overran")


def _add(seq: list[str], key: str) -> None:
    if key not in seq:
        seq.append(key)
