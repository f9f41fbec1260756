"""Article -> Extraction: the extraction stage's one public entry point.

Runs spaCy's blank English pipeline (tokenizer, then sentences.py's sentence breaks), finds
mentions, triggers, roles, times, counts and sources sentence by sentence, then merges the
repeated mentions of one event within the article.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import spacy
from spacy.attrs import IS_ALPHA, IS_PUNCT, IS_SPACE, LANG, LOWER
from spacy.lang.en.lex_attrs import like_num
from spacy.language import Language
from spacy.tokens import Doc

from kg.data.gazetteer import PlaceRecord, haversine_km, normalize_name
from kg.extract.campaigns import CITY_POPULATION, campaign_city, campaign_name, campaign_start
from kg.extract.attribution import Attributor, MentionSpan, SourceRef, unnamed_key
from kg.extract.events import Participant, Roles, Trigger, TriggerFinder, assign_roles, supporting_weapon
from kg.extract.lexicon import Lexicon, get_lexicon
from kg.extract.mentions import Found, MentionFinder
from kg.extract.prefilter import Words
from kg.extract.geometry import NEAR_TOWN_KM, estimate_tag, name_positions, relative_position, unlisted_place_anchor
from kg.extract.quantities import Screen, find_counts, find_strength
from kg.extract.sentences import SENTENCES
from kg.extract.timex import TimeMention, document_features, find_times
from kg.extract.tokens import SentenceSpan, TokenArrays
from kg.model import (Article, CasualtyClaim, ControlClaim, Entity, EventFrame, Extraction, Mention,
                      StrengthEstimate, TimeValue, is_campaign_name)
from kg.rdf.iris import slug
from kg.resolve.fusion import compatible_types

MAX_CHARS = 200_000          # longer texts are cut: beyond this, articles are dumps, not reports
_FAMILY = {"Airstrike": "air", "DroneStrike": "air", "Shelling": "fire", "GroundOperation": "ground",
           "Raid": "ground", "Clash": "ground", "Attack": "attack", "Ambush": "attack",
           "Bombing": "bomb", "Kidnapping": "take", "Arrest": "take", "Killing": "attack"}
_ACTORISH = ("actor", "unidentified", "group", "body", "person", "anaphor")
# Unnamed attackers that, in a report naming one armed group, are that group's members.
_PLAIN_UNIDENTIFIED = {"gunmen", "a gunman", "gunman", "assailants", "attackers", "armed men", "kidnappers"}
_CONTROL = re.compile(r"\b(?:control(?:s|led)?|held by|holds?|under the control of|seized control of|in control of)\b", re.I)
_CONTROL_WORDS = Words("control", "held by", "hold")     # what _CONTROL cannot match without
_LINE_BREAKS = re.compile(r"\n+")
_THE = re.compile(r"^(?i:the)\s+")       # "the" opening a name, dropped from its label


# The word attributes extraction reads: LOWER (the phrase matchers), the flags TokenArrays and
# the sentence splitter take from to_array; LANG, which spaCy itself asks of the vocabulary. A rule
# that reads another lexeme attribute (norm_, shape_, like_num, ...) must add it here. (The few
# rules that ask whether a word is a number or lowercase call the functions spaCy's attributes
# are made by, like_num and str.isdigit/islower, on the words they look at, instead of having
# them computed for every new word.)
LEXEME_ATTRIBUTES = (LANG, LOWER, IS_ALPHA, IS_PUNCT, IS_SPACE)


@cache
def make_nlp() -> Language:
    nlp = spacy.blank("en")
    # spaCy computes some twenty attributes for every word it meets first (shape, prefix,
    # suffix, norm, stop word, ...), four of them strings it adds to the vocabulary's string
    # store: a fifth of tokenising words new to the vocabulary went to attributes nothing reads
    # (a fresh pipeline over FA-KES 300: 0.139 s, 0.107 s without), and after PERMANENT_STRINGS
    # (kg.parallel) every memory zone meets its words anew. Only what extraction reads is
    # computed (the words spaCy made before this keep all theirs).
    getters = nlp.vocab.lex_attr_getters
    nlp.vocab.lex_attr_getters = {attr: getters[attr] for attr in LEXEME_ATTRIBUTES}
    nlp.add_pipe(SENTENCES)           # spaCy's sentencizer rule, and a line break ends a sentence
    nlp.max_length = MAX_CHARS + 1000
    return nlp


@dataclass
class _Sentence:
    index: int
    span: SentenceSpan                                      # its bounds (no spaCy Span is made)
    paragraph: int
    text: str                                               # span.text, made once
    screen: Screen                                          # which count patterns can match in it
    published: date | None                                  # the article's date, that times resolve against
    time_features: frozenset[str]                           # timex.document_features of the article's text
    mentions: list[Found] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)       # entity keys
    places: list[str] = field(default_factory=list)        # where things in it happen, specific first
    _counts: list | None = field(default=None, repr=False)
    _times: list[TimeMention] | None = field(default=None, repr=False)

    def counts(self) -> list:
        """find_counts of the sentence, made once (the events and a follow-up toll both ask)."""
        if self._counts is None:
            self._counts = find_counts(self.text, self.screen)
        return self._counts

    def times(self) -> list[TimeMention]:
        """find_times of the sentence, made when first asked: only sentences with events, and
        those up to the first dated one, ever are."""
        if self._times is None:
            self._times = find_times(self.text, self.published, self.time_features)
        return self._times


class Extractor:
    """Holds the compiled pipeline and matchers; `extract` is pure with respect to articles."""

    def __init__(self, lex: Lexicon | None = None, nlp: Language | None = None):
        self.lex = lex or get_lexicon()
        self.nlp = nlp or make_nlp()
        self.mentions = MentionFinder(self.nlp, self.lex)
        self.triggers = TriggerFinder(self.nlp, self.lex)
        self.attributor = Attributor(self.lex)

    # ------------------------------------------------------------------ public
    def extract(self, article: Article) -> Extraction:
        text = _text_of(article)
        return self._extract(article, self.nlp(text), text)

    def extract_many(self, articles: Iterable[Article], batch_size: int = 32,
                     on_error: Callable[[Article, Exception], None] | None = None) -> Iterator[Extraction]:
        """Batched through nlp.pipe; yields in input order. An article that makes extraction
        fail is reported to `on_error` (or raised when there is none); the batch goes on."""
        pending: list[Article] = []

        def flush() -> Iterator[Extraction]:
            texts = [_text_of(a) for a in pending]
            docs = self.nlp.pipe(texts, batch_size=batch_size)
            for art, text, doc in zip(pending, texts, docs):
                try:
                    result = self._extract(art, doc, text)
                except Exception as exc:  # one bad article must not stop a build of thousands
                    if on_error is None:
                        raise
                    on_error(art, exc)
                    continue
                yield result
            pending.clear()

        for art in articles:
            pending.append(art)
            if len(pending) >= batch_size:
                yield from flush()
        if pending:
            yield from flush()

    # ------------------------------------------------------------------ steps
    def _extract(self, article: Article, doc: Doc, text: str | None = None) -> Extraction:
        arrays = TokenArrays.of(doc, text)     # (`text`: what the doc was made from)
        ex = Extraction(article=article)
        if len(article.full_text) > MAX_CHARS:
            ex.warnings.append(f"text cut to {MAX_CHARS} characters")
        publisher = self.lex.outlet_for(article.outlet, article.source_domain)
        hints = [publisher.country] if publisher and publisher.country else []
        found, place_of, countries = self.mentions.find(doc, hints)
        self._original_text = article.full_text[:MAX_CHARS]
        # (most articles print no typographic quote: every span then reads as printed)
        self._printed_as_read = self._original_text == arrays.doc_text
        country = countries[0] if countries else None

        sentences: list[_Sentence] = []
        # A line is a paragraph: news bodies put one paragraph per line; the headline is line 0.
        text = arrays.doc_text
        line_starts = [m.end() for m in _LINE_BREAKS.finditer(text)]
        char_spans = [(arrays.idx[start], arrays.idx[end - 1] + len(arrays.text[end - 1]))
                      for start, end in zip(arrays.sent_starts, arrays.sent_ends)]
        screens = Screen.of_spans(text, char_spans)
        time_features = document_features(text)
        for n, (start, end) in enumerate(zip(arrays.sent_starts, arrays.sent_ends)):
            lo, hi = char_spans[n]
            paragraph = bisect.bisect_right(line_starts, lo)
            sentences.append(_Sentence(n, SentenceSpan(doc, start, end, lo, hi), paragraph, text[lo:hi], screens[n], article.published,
                                       time_features))
        sentence_of = arrays.sentence_of         # the index of the sentence holding a token

        for f in found:
            sentences[sentence_of(f.start)].mentions.append(f)

        # entities from mentions
        groups = Counter(f.key for f in found if f.category == "actor" and f.kind == "NonStateArmedGroup")
        dominant = groups.most_common(1)[0][0] if groups else None
        key_of: dict[tuple[int, int], str] = {}
        # known places of each sentence (by its first token), to place the ones the gazetteer lacks
        self._sentence_places = {}
        self._dateline_starts: set[int] = set()
        for f in found:
            if f.category == "place" and (f.start, f.end) in place_of:
                rec = place_of[(f.start, f.end)]
                if rec.kind != "Country" and rec.lat is not None:
                    self._sentence_places.setdefault(arrays.sent_bounds(f.start)[0], []).append((f.start, rec))
                    if _dateline(doc, f):
                        self._dateline_starts.add(f.start)
        for f in sorted(found, key=lambda f: f.category == "newplace"):
            span = (f.start, f.end)
            surface = arrays.span_text(f.start, f.end)      # (made once: the entity and the mention read it)
            key = self._entity_for(ex, doc, f, surface, place_of.get(span), country, dominant)
            if key:
                key_of[span] = key
                entity = ex.entities[key]
                ex.mentions.append(Mention(surface, arrays.idx[f.start], arrays.idx[f.end - 1] + len(arrays.text[f.end - 1]),
                                           sentence_of(f.start), entity.category, key, entity.kind))

        # A span read two ways ("Ankara said": the city and the government speaking) means what
        # key_of kept; the place reading it shadows is no place mention of its sentence.
        for s in sentences:
            s.mentions = [f for f in s.mentions if f.category not in ("place", "newplace")
                          or (f.start, f.end) not in key_of or ex.entities[key_of[(f.start, f.end)]].category == "place"]

        # sources sentence by sentence
        publisher_key = publisher.key if publisher else None
        wire = _wire_service(doc, text, found, publisher_key, key_of)
        last_unnamed: dict[str, str] = {}
        last_named: str | None = None        # the body or person quoted last: who "the statement" is
        for s in sentences:
            spans = (MentionSpan(f.start, f.end, f.category, key_of.get((f.start, f.end), ""))
                     for f in s.mentions if (f.start, f.end) in key_of)
            refs = self.attributor.sources_of(s.span, spans, publisher_key)
            keys = []
            for ref in refs:
                if isinstance(ref, MentionSpan):
                    keys.append(ref.key)
                    ent = ex.entities[ref.key]
                    if ent.category == "actor" and ent.kind == "Person":
                        ent.source_kind = ent.source_kind or "OfficialSource"
                    if ent.category == "actor":
                        last_named = ref.key
                elif ref.head == "statement" and ref.text.lower().startswith("the ") and last_named:
                    keys.append(last_named)      # "..., the statement added": the body that issued it
                else:
                    keys.append(self._unnamed_source(ex, ref, last_unnamed))
            if s.index > 0 and self.attributor.post_author(s.text):
                # the post's text is the sentence(s) before its author line
                named = [key_of[(f.start, f.end)] for f in s.mentions
                         if (f.start, f.end) in key_of and f.category in ("actor", "outlet", "person")]
                for prev in sentences[max(0, s.index - 2):s.index]:
                    if prev.paragraph >= s.paragraph - 1:
                        prev.sources.extend(k for k in named if k not in prev.sources)
                keys = named
            s.sources.extend(k for k in keys if k not in s.sources)
            if wire and s.index <= 3 and wire not in s.sources:
                s.sources.append(wire)      # "ANKARA (Reuters) -": the agency's report

        for s in sentences:
            s.places = self._places_in(s, key_of, ex, doc)

        # events
        frames: list[EventFrame] = []
        for s in sentences:
            # (matched in place, from the line's first non-space: slicing from the line's start
            # copied most of the text for every sentence of a one-line article)
            opening = _LEADING_SPACE.match(text, _line_start(text, s.span.start_char), s.span.end_char).end()
            if _CROSS_REFERENCE.match(text, opening, s.span.end_char):
                continue      # "Read also: ...": the headline of another story
            new = self._sentence_events(ex, doc, s, sentences, key_of, len(frames))
            if len(new) == 1 and new[0].trigger.lower() in _KILL_VERBS and not new[0].agents and frames \
                    and s.index - frames[-1].sentence <= 2:
                # "Three militants were killed.": the toll of the event just told; the victims
                # it names ("a commander and four guards were killed") are that event's targets
                last = frames[-1]
                last.targets.extend(k for k in new[0].targets
                                    if k not in last.targets + last.agents + last.supporters)
                new = []
            if new and frames and s.index - frames[-1].sentence == 1 and arrays.lower[s.span.start] in ("they", "he", "she") \
                    and arrays.lower[min(s.span.start + 1, s.span.end - 1)] in ("were", "was", "had") and frames[-1].targets:
                # "Three soldiers died in a sweep. They were clearing a building when a bomb went
                # off": the pronoun is those victims, hit by the event told now
                for fr in new:
                    if not fr.agents and not fr.targets:
                        fr.targets = list(frames[-1].targets)
            if not new and frames and s.index - frames[-1].sentence <= 2 \
                    and s.paragraph - sentences[frames[-1].sentence].paragraph <= 1:
                # "At least five soldiers were killed": the toll of the event just reported
                _attach_counts([frames[-1]], s.counts(), s, ex, follow_up=True)
            frames.extend(new)
        _attribute_nearby(frames, sentences)
        headline = [f for f in frames if article.title and sentences[f.sentence].span.start_char < len(article.title)]
        body = [f for f in frames if f not in headline]
        # The headline restates the lead: merged into the body's events, kept alone only when
        # the body reports nothing it could merge with.
        for f in headline:
            setattr(f, "_headline", True)
        frames = _merge(body + headline, ex)
        if body:
            frames = [f for f in frames if f not in headline or not any(compatible_types(b.type, f.type) for b in body)]
        # In a report that names who fought, an event naming nobody is background ("more
        # than 1,000 have died since 2015"); a short notice may name nobody and still count.
        _blame_dominant_group(frames, dominant)
        if any(f.agents or f.targets for f in frames):
            frames = [f for f in frames if f.agents or f.targets or f.supporters]
        _operation_parties_from_parts(frames)
        _fill_defaults(frames, sentences, ex, article.published)
        _opponents_from_context(frames)
        for n, fr in enumerate(frames, 1):
            fr.id = f"e{n}"
        _link_parts(frames, ex)
        ex.events = frames
        self._claims(ex, doc, sentences, key_of)
        quoted = {k for sent in sentences for k in sent.sources}
        named = {key_of[(f.start, f.end)] for f in found if not f.generic and (f.start, f.end) in key_of}
        _prune(ex, quoted, named)
        return ex

    def _unlisted_place(self, doc: Doc, f: Found, key: str, label: str, near: Entity | None) -> Entity:
        """A place the gazetteer lacks, placed from the known place `near` (and the direction the
        text gives), keyed by both."""
        arrays = TokenArrays.of(doc)
        lat, lon, precision = (near.lat, near.lon, NEAR_TOWN_KM) if near else (None, None, None)
        if near is not None:
            key += f"_in_{near.key}"
        if near is not None and near.lat is not None:
            lat, lon, precision, spread = unlisted_place_anchor(self.lex.gazetteer, near.key, (near.lat, near.lon),
                                                                in_town=_part_of_town(doc, f, near))
            # "in the western countryside of Raqqa", "40 km north of Mosul"; from a
            # region's centre, "northern X" reaches out with the region's size
            moved = relative_position(arrays.sent_text(f.start), near.label, near.surface_forms, (lat, lon), spread)
            if moved:
                key += "_" + estimate_tag((lat, lon), moved[:2])
                lat, lon, precision = moved
        return Entity(key, "place", f.kind, label, lat=lat, lon=lon, precision_km=precision,
                      within=near.key if near else None)

    def _entity_for(self, ex: Extraction, doc: Doc, f: Found, text: str, place: PlaceRecord | None, country: str | None,
                    dominant: str | None) -> str | None:
        """The key of the entity mention `f` (whose text is `text`) names, made or updated in
        `ex.entities`; None when it names none."""
        arrays = TokenArrays.of(doc)
        if f.category == "anaphor" or (f.category == "unidentified" and text.lower() in _PLAIN_UNIDENTIFIED and dominant):
            if dominant is None:
                # "jihadist militants" with no group named: an unidentified armed group
                f = Found(f.start, f.end, "unidentified", "unidentified", "UnidentifiedActor", 0)
            else:
                f = Found(f.start, f.end, "actor", dominant, self.lex.actors[dominant].kind, 0)
        if f.category == "actor":
            a = self.lex.actors[f.key]
            ent = ex.entities.get(a.key) or Entity(a.key, "actor", a.kind, a.label, wikidata=a.wikidata,
                                                   parent=a.parent, source_kind=a.source_kind)
            if a.kind == "Person":
                # "Iraqi Prime Minister Haider al-Abadi": the form with the title, as for other people
                titled = self._titled_name(doc, f)
                if titled:
                    ent.surface_forms.add(titled)
        elif f.category == "outlet":
            o = self.lex.outlets[f.key]
            ent = ex.entities.get(o.key) or Entity(o.key, "source", "NewsOutlet", o.label, wikidata=o.wikidata)
        elif f.category == "place":
            if place is None:
                return None
            ent = ex.entities.get(place.key) or _place_entity(place)
        elif f.category == "newplace":
            # a place the gazetteer lacks: placed at the known place next to it, if any
            label = _THE.sub("", text)
            near = _nearest_known_place(ex, doc, f, place_of_sentence=self._sentence_places.get(arrays.sent_bounds(f.start)[0], [])) \
                or _latest_known_place(ex, doc, f, self._sentence_places, self._dateline_starts)
            # the key holds the known place it was placed by (and the direction it was moved in):
            # two villages of one name, or one placed two ways, are not one point
            # the name as the gazetteer folds it: "al-Tamour" and "Tamur" are one village
            key = f"unlisted_{(country or 'xx').lower()}_{slug(normalize_name(label) or label)}"
            # one article names one village once placed: later mentions are the same place
            seen = next((k for k in ex.entities if k == key or k.startswith(key + "_in_")), None)
            ent = ex.entities[seen] if seen is not None else self._unlisted_place(doc, f, key, label, near)
        elif f.category == "person":
            name = f.key or text        # a surname alone ("Tamboura") carries the full name as key
            key = "person_" + slug(name)
            ent = ex.entities.get(key) or Entity(key, "actor", "Person", name)
            # "SDF spokesperson Aram Hanna", then "Hanna": forms the article refers to them by
            titled = self._titled_name(doc, f)
            if titled:
                ent.surface_forms.add(titled)
            if f.end - f.start >= 2:
                ent.surface_forms.add(arrays.text[f.end - 1])
        elif f.category == "body":
            label = _THE.sub("", text)
            key = "body_" + slug(label)
            ent = ex.entities.get(key) or Entity(key, "actor", "Organization", label)
        elif f.category == "group":
            key = "group_" + slug(_THE.sub("", text))
            ent = ex.entities.get(key) or Entity(key, "actor", "NonStateArmedGroup", _THE.sub("", text))
        elif f.category == "unidentified":
            suffix = country.lower() if country else "unknown"
            key = f"unidentified_armed_group_{suffix}"
            ent = ex.entities.get(key) or Entity(key, "actor", "UnidentifiedActor",
                                                 f"Unidentified armed group ({country})" if country else "Unidentified armed group")
        else:
            return None
        ent.surface_forms.add(text)
        verbatim = text if self._printed_as_read else self._verbatim(arrays, f.start, f.end)
        if verbatim != text:
            ent.surface_forms.add(verbatim)      # "Hadi’s government" as printed, beside the plain-quote form
        if f.named_from >= 0:
            ent.surface_forms.add(arrays.span_text(f.named_from, f.end))
        if ent.kind == "CivilianGroup":
            start = self._civilian_phrase_start(doc, f.start)
            if start < f.start:
                ent.surface_forms.add(self._verbatim(arrays, start, f.end))   # "four Arab shepherds"
        ex.entities[ent.key] = ent
        return ent.key

    def _civilian_phrase_start(self, doc: Doc, start: int) -> int:
        """Start of the noun phrase around a civilian noun: its count, nationality and state
        ("five shepherds", "four Arab shepherds", "abducted farmers"), as annotators quote it."""
        arrays = TokenArrays.of(doc)
        k = start
        sent_start = arrays.sent_bounds(start)[0]
        while k - 1 >= sent_start and start - k < 3:
            word, low = arrays.text[k - 1], arrays.lower[k - 1]
            if like_num(word) or low in _NUMBER_WORDS or word in self.lex.demonyms \
                    or word in self.lex.stateless_demonyms \
                    or (k == start and arrays.is_alpha[k - 1] and word.islower() and low.endswith("ed") and len(word) > 4):
                k -= 1
            else:
                break
        return k

    def _verbatim(self, arrays: TokenArrays, start: int, end: int) -> str:
        """The span as the article prints it (typographic quotes were made plain for matching)."""
        original = getattr(self, "_original_text", "")
        lo, hi = arrays.idx[start], arrays.idx[end - 1] + len(arrays.text[end - 1])
        return original[lo:hi] if len(original) >= hi else arrays.span_text(start, end)

    def _titled_name(self, doc: Doc, f: Found) -> str | None:
        """The name with the title phrase before it, when there is one."""
        arrays = TokenArrays.of(doc)
        start = f.start
        has_title = False
        while start - 1 >= 0 and f.start - start < 6:
            tok = doc[start - 1]
            if tok.lower_ in self.lex.person_titles or arrays.span_text(max(0, start - 2), start).lower() in self.lex.person_titles:
                has_title = True
            elif not (tok.is_alpha or tok.text in ("-", ".")) or not (
                    tok.text[:1].isupper() or tok.lower_ in ("of", "for") or tok.lower_ in self.lex.source_modifiers):
                break
            if tok.is_sent_start:
                start -= 1
                break
            start -= 1
        while start < f.start and arrays.lower[start] in ("of", "for", "the", "-"):
            start += 1
        return arrays.span_text(start, f.end) if has_title and start < f.start else None

    def _unnamed_source(self, ex: Extraction, ref: SourceRef, last: dict[str, str]) -> str:
        lowered = ref.text.lower()
        if lowered.startswith("the ") and ref.head in last:
            key = last[ref.head]          # "the source added": the one mentioned before
        else:
            key = unnamed_key(ex.article.id, ref)
        last[ref.head] = key
        ent = ex.entities.get(key)
        if ent is None:
            ent = Entity(key, "source", ref.kind, ref.text[:1].lower() + ref.text[1:], article_local=True)
            ex.entities[key] = ent
        ent.surface_forms.add(ref.text)
        return key

    def _sentence_events(self, ex: Extraction, doc: Doc, s: _Sentence, sentences: list[_Sentence],
                         key_of: dict[tuple[int, int], str], offset: int) -> list[EventFrame]:
        arrays = TokenArrays.of(doc)
        found = self.triggers.find(doc, s.span)
        triggers = [t for t in found if self.triggers.factual(doc, t, s.span)]
        if not triggers:
            killing = _killing_verb(doc, s.span)
            if killing is None or not self.triggers.factual(doc, killing, s.span):
                return []
            triggers = [killing]
        else:
            # "the raid followed a statement that their commander had been killed": a killing
            # told in a clause of its own is an event of its own
            killing = _killing_verb(doc, s.span)
            if killing is not None and not any(t.start <= killing.start < t.end for t in triggers) \
                    and self.triggers.factual(doc, killing, s.span) and any(
                        w in _CLAUSE_OPENERS for w in arrays.lower[min(t.end for t in triggers):killing.start]) \
                    and all(t.end <= killing.start for t in triggers):
                triggers.append(killing)
        triggers = [t for t in triggers if not _device_handled(doc, t, s.span)]
        triggers = [_territorial(doc, t, s) for t in triggers]
        triggers = _drop_modifying_triggers(triggers, doc)
        if any(not t.weak and not t.generic for t in triggers):
            # a weak verb with its own subject in a clause of its own stays: "Russia attacked the
            # suburbs, while Ukraine's forces advanced 500 meters"
            strong = [t for t in triggers if not t.weak and not t.generic]
            triggers = [t for t in triggers if not t.weak or (
                _verb_with_own_subject(doc, t, s) and all(_clause_apart(doc, t, u) for u in strong))]
        # "as part of Operation Olive Branch": the name, not another report of the event
        # "the Combined Joint Task Force Operation Inherent Resolve": part of a body's name
        triggers = [t for t in triggers if not (t.text == "Operation" and t.start > s.span.start
                                                and arrays.text[t.start - 1][:1].isupper() and arrays.is_alpha[t.start - 1]
                                                and not arrays.sent_start[t.start - 1])]
        named = [t for t in triggers if t.text == "Operation" and t.end < len(doc) and arrays.text[t.end][:1].isupper()]
        if named and len(named) < len(triggers):
            triggers = [t for t in triggers if t not in named]
        # "the group's military operations spokesman": a title, not an event
        triggers = [t for t in triggers if not (t.end < len(doc) and _TITLE_AFTER_TRIGGER.match(arrays.text[t.end]))]
        participants = [Participant(f.start, f.end, key, _participant_category(ex.entities[key], f.category))
                        for f in s.mentions if f.category in _ACTORISH
                        and (key := key_of.get((f.start, f.end))) is not None]
        acting = self._countries_as_subjects(ex, doc, s, key_of, triggers)
        # "Turkey resumed strikes": the country acts; it does not say where the events were
        acting_countries = {key_of[(p.start, p.end)] for p in acting if (p.start, p.end) in key_of}
        # a country says where only as a location ("in Iraq"), not as a subject ("Russia attacked")
        located = {key_of[(f.start, f.end)] for f in s.mentions if (f.start, f.end) in key_of
                   and f.start > 0 and arrays.lower[f.start - 1] in ("in", "inside", "across", "throughout", "into")}
        participants += acting
        # whoever the sentence quotes is telling, not taking part ("Aman Sartip, the manager of
        # the hospital, told ...") unless it is an armed party
        participants = [p for p in participants if p.key not in s.sources or p.category != "person"]
        participants.sort(key=lambda p: p.start)
        roles = assign_roles(doc, s.span, triggers, participants, self.lex)
        places = s.places
        frames = []
        # s.counts() is asked for only where it decides something: finding counts is the dearest
        # rule, and a sentence whose triggers all drop out needs none
        for t, r in zip(triggers, roles):
            if t.weak and not r.all() and not (t.type == "Bombing" and (places or s.counts())) \
                    and not any(c.kind == "killed" and c.value > 0 for c in s.counts()):
                continue
            if t.text.lower() in _KILL_VERBS and not r.all():
                continue
            if t.type in ("Arrest", "Kidnapping") and not r.targets and not any(c.kind == "captured" for c in s.counts()):
                continue          # "captured the base" takes a place, not people
            if t.generic and not r.all() and not places:
                # "the operation" with nothing new: kept only to be merged into an earlier event
                pass
            time = _nearest_time(s, t, doc)
            etype = "Killing" if t.type == "Attack" and _killing_of_a_leader(doc, t, r, participants) else t.type
            named = self._pronoun_victims(ex, doc, s, sentences, t, r, key_of)
            if named:
                # "He named the two leaders as A and B ... They were killed by an army unit": those named
                r.targets.extend(k for k in named if k not in r.targets + r.agents)
                etype = "Killing"
            if etype == "Arrest" and not r.agents and r.targets:
                # "11 militants were arrested, the military said": forces that report arrests made them
                forces = [k for k in s.sources if k in ex.entities and ex.entities[k].kind in _ARRESTING_KINDS
                          and k not in r.targets]
                if forces:
                    r.agents.append(forces[0])
            insurgents = bool(r.agents) and all(ex.entities[k].kind == "NonStateArmedGroup" for k in r.agents)
            if etype == "Raid" and insurgents:
                etype = "Attack"      # an insurgents' "raid" on a base is their attack, not a forces' raid
            forces = bool(r.agents) and all(ex.entities[k].kind in _ARRESTING_KINDS for k in r.agents)
            fighters = all(ex.entities[k].kind == "NonStateArmedGroup" for k in r.targets) if r.targets else \
                any(w in _FIGHTER_NOUNS for w in arrays.lower[t.end:min(t.end + 6, s.span.end)])
            if t.text.lower() in _KILL_VERBS and etype == "Attack" and forces and fighters:
                etype = "GroundOperation"     # "security forces killed 12 militants in Mardin": an operation
            if etype == "GroundOperation" and insurgents and r.targets and _killed_before(doc, s.span, t):
                etype = "Attack"      # "militants killed 12 soldiers and briefly captured the base": an attack
            fr = EventFrame(id=f"e{offset + len(frames) + 1}", type=etype, trigger=t.text, sentence=s.index,
                            evidence=s.text.strip(), agents=r.agents, targets=r.targets,
                            supporters=r.supporters, places=self._own_places(s, t, _spread(triggers, found), key_of, ex, doc),
                            time=time,
                            sources=list(s.sources))
            fr.name = _operation_name(s.text, arrays.idx[t.start] - s.span.start_char, t.text)
            if fr.name is None and etype == "GroundOperation":
                city = self._campaign_city(ex, doc, s, t, key_of)
                if city is not None:
                    # the campaign takes place in the city it is for
                    fr.name = campaign_name(ex.entities[city].label)
                    fr.places = [city] + [k for k in fr.places if k != city]
                    fr.time = fr.time or campaign_start(s.text[:arrays.idx[t.start] - s.span.start_char], s.published)
            if fr.name is None:
                setattr(fr, "_within_operation", _within_operation(s.text))
            frames.append(fr)
            setattr(fr, "_place_countries", self._countries_of([k for k in fr.places if k not in acting_countries
                                                                and (ex.entities[k].kind != "Country" or k in located)]))
            setattr(fr, "_generic", t.generic)
            setattr(fr, "_weak", t.weak)
            setattr(fr, "_reference", t.reference)
            setattr(fr, "_trigger_char", arrays.idx[t.start] - s.span.start_char)
        if frames:
            _attach_counts(frames, s.counts(), s, ex)
        return frames

    def _campaign_city(self, ex: Extraction, doc: Doc, s: _Sentence, t: Trigger,
                       key_of: dict[tuple[int, int], str]) -> str | None:
        """The city the trigger names an offensive on, if any (kg/extract/campaigns.py)."""
        gazetteer = self.lex.gazetteer
        if gazetteer is None:
            return None
        arrays = TokenArrays.of(doc)
        base = s.span.start_char

        def end_char(end: int) -> int:
            return arrays.idx[end - 1] + len(arrays.text[end - 1]) - base

        def is_city(key: str) -> bool:
            rec = gazetteer.get(key)
            return rec is not None and rec.kind == "Settlement" and rec.population >= CITY_POPULATION

        def city_of(key: str) -> str | None:
            """The city a place is, or is a part of ("eastern Mosul")."""
            if is_city(key):
                return key
            rec = gazetteer.get(key)
            return rec.within if rec is not None and rec.kind == "Settlement" and rec.within and is_city(rec.within) else None

        def focal_city() -> str | None:
            """The city the article is about: the one it names most (its parts counting)."""
            cities = Counter(city_of(m.key) for m in ex.mentions if m.category == "place")
            cities.pop(None, None)
            return cities.most_common(1)[0][0] if cities else None

        places = [(arrays.idx[f.start] - base, end_char(f.end), key_of[(f.start, f.end)])
                  for f in s.mentions if f.category == "place" and (f.start, f.end) in key_of]
        city = campaign_city(s.text, arrays.idx[t.start] - base, end_char(t.end), t.text, places, is_city, focal_city)
        if city is not None and city not in ex.entities:
            ex.entities[city] = _place_entity(gazetteer.get(city))      # the city of "eastern Mosul"
        return city

    def _pronoun_victims(self, ex: Extraction, doc: Doc, s: _Sentence, sentences: list[_Sentence], t: Trigger,
                         r: Roles, key_of: dict[tuple[int, int], str]) -> list[str]:
        """The persons a passive killing's pronoun subject ("They were killed") points back at."""
        arrays = TokenArrays.of(doc)
        if not t.passive or arrays.lower[t.start] not in _KILL_VERBS or r.targets or s.index == 0:
            return []
        first = arrays.lower[s.span.start]
        if first not in ("they", "he", "she") or t.start - s.span.start > 4:
            return []
        for prev in reversed(sentences[max(0, s.index - 2):s.index]):
            named = [key_of[(f.start, f.end)] for f in prev.mentions if (f.start, f.end) in key_of
                     and ex.entities[key_of[(f.start, f.end)]].kind == "Person"
                     and key_of[(f.start, f.end)] not in prev.sources]
            if named:
                return named
        return []

    def _countries_of(self, places: list[str]) -> dict[str, str]:
        """The country code of each place, as the gazetteer knows it."""
        out = {}
        for k in places:
            rec = self.lex.gazetteer.get(k) if self.lex.gazetteer else None
            if rec is not None and getattr(rec, "country", None):
                out[k] = rec.country
        return out

    def _countries_as_subjects(self, ex: Extraction, doc: Doc, s: _Sentence, key_of: dict[tuple[int, int], str],
                               triggers: list[Trigger]) -> list[Participant]:
        """"Turkey launched Operation Olive Branch": a country acting means its armed forces."""
        arrays = TokenArrays.of(doc)
        out = []
        for f in s.mentions:
            if f.category != "place" or (f.start, f.end) not in key_of:
                continue
            ent = ex.entities[key_of[(f.start, f.end)]]
            if ent.kind != "Country":
                continue
            after = arrays.lower[f.end:f.end + 3]
            acts = any(0 <= t.start - f.end <= 3 for t in triggers) or (after and after[0] in _LAUNCH_VERBS)
            # "Ukraine said it had repelled the attacks": a country telling its own deed
            tells = after and after[0] in self.lex.speech_verbs and any(w in ("it", "its") for w in after[1:3])
            acts = acts or bool(tells and triggers)
            if not acts or (f.start > 0 and arrays.lower[f.start - 1] in ("in", "of", "to", "from", "into", "on", "near")):
                continue
            country = self.lex.gazetteer.get(ent.key).country if self.lex.gazetteer and self.lex.gazetteer.get(ent.key) else None
            force = self.lex.default_force(country)
            if force:
                a = self.lex.actors[force]
                forces = ex.entities.setdefault(force, Entity(force, "actor", a.kind, a.label, wikidata=a.wikidata,
                                                              parent=a.parent, source_kind=a.source_kind))
                forces.surface_forms.add(arrays.span_text(f.start, f.end))
                out.append(Participant(f.start, f.end, force, "actor"))
        return out

    def _own_places(self, s: _Sentence, t: Trigger, triggers: list[Trigger], key_of: dict[tuple[int, int], str],
                    ex: Extraction, doc: Doc) -> list[str]:
        """The sentence's places, less those that belong to another trigger across a clause
        boundary: in "strikes in northern Iraq after an attempted attack in Ankara", Ankara is
        where the attack was, not the strikes."""
        if len(triggers) < 2:
            return list(s.places)
        arrays = TokenArrays.of(doc)

        def nearest(f: Found) -> Trigger:
            return min(triggers, key=lambda u: min(abs(f.start - u.end), abs(u.start - f.end)))

        def across(f: Found) -> bool:
            lo, hi = sorted((t.end, f.start)) if f.start >= t.end else (f.end, t.start)
            return any(w in _PLACE_CLAUSE_BOUNDARIES for w in arrays.lower[lo:hi])

        others = [f for f in s.mentions if f.category in ("place", "newplace") and nearest(f) is not t and across(f)]
        if not others:
            return list(s.places)
        return self._places_in(s, key_of, ex, doc, skip={(f.start, f.end) for f in others}) or list(s.places)

    def _places_in(self, s: _Sentence, key_of: dict[tuple[int, int], str], ex: Extraction, doc: Doc,
                   skip: set[tuple[int, int]] = frozenset()) -> list[str]:
        arrays = TokenArrays.of(doc)
        keys = []
        reference = set()
        for f in s.mentions:
            if f.category not in ("place", "newplace") or (f.start, f.end) in skip or (f.start, f.end) not in key_of:
                continue
            possessive = f.end < len(doc) and arrays.text[f.end] in ("'s", "’s")   # "Iraq's army"
            # "routes between Syria and Iraq", "the border between X and Y": a span, not where it happened
            if _between(doc, f):
                continue
            if not _dateline(doc, f) and not possessive:
                k = key_of[(f.start, f.end)]
                if k not in keys:
                    keys.append(k)
                if _reference_point(doc, f):
                    reference.add(k)
        if not keys:
            return keys           # (most sentences name no place)
        # "52 km southwest of Erbil": Erbil locates the event, it is not where it happened
        keys.sort(key=lambda k: (k in reference, _PLACE_ORDER.get(ex.entities[k].kind, 5)))
        non_country = [k for k in keys if ex.entities[k].kind != "Country"]
        return non_country or keys

    def _claims(self, ex: Extraction, doc: Doc, sentences: list[_Sentence], key_of: dict[tuple[int, int], str]) -> None:
        """Strength estimates and control claims."""
        for s in sentences:
            actors = [key_of[(f.start, f.end)] for f in s.mentions if (f.start, f.end) in key_of and f.category == "actor"]
            if not actors:
                continue          # both kinds of claim are an actor's (an estimate, of the nearest one)
            places = [key_of[(f.start, f.end)] for f in s.mentions if (f.start, f.end) in key_of and f.category == "place"]
            source = s.sources[0] if s.sources else None
            for est in find_strength(s.text, s.screen):
                actor = _nearest_key(s, key_of, doc, est.start, "actor")
                if actor:
                    ex.estimates.append(StrengthEstimate(actor, est.value, places[0] if places else None, source,
                                                         s.text.strip()))
            if actors and places and _CONTROL_WORDS.may_be_in(s.text) and _CONTROL.search(s.text):
                ex.control.append(ControlClaim(actors[0], places[0], source, s.text.strip()))


_PLACE_ORDER = {"Facility": 0, "TerrainFeature": 1, "Settlement": 2, "AdminRegion": 3, "Country": 4}   # specific first


def _verb_with_own_subject(doc: Doc, t: Trigger, s: _Sentence) -> bool:
    """Does an actor (or a country's forces) end right before this verb trigger?"""
    arrays = TokenArrays.of(doc)
    if not arrays.lower[t.start].endswith("ed"):
        return False
    return any(f.category in _ACTORISH + ("place",) and 0 <= t.start - f.end <= 2
               and all(arrays.lower[i] in ("'s", "’s", "forces", "troops", "army") for i in range(f.end, t.start))
               for f in s.mentions)


def _clause_apart(doc: Doc, a: Trigger, b: Trigger) -> bool:
    lo, hi = (a.end, b.start) if a.start < b.start else (b.end, a.start)
    arrays = TokenArrays.of(doc)
    return any(w in (",", ";") for w in arrays.text[lo:hi]) \
        or any(w in ("while", "whereas", "but") for w in arrays.lower[lo:hi])


def _killed_before(doc: Doc, sent: SentenceSpan, t: Trigger) -> bool:
    """Does the same subject kill people earlier in the clause ("killed 12 soldiers and captured ...")?"""
    arrays = TokenArrays.of(doc)
    words = arrays.lower[sent.start:t.start]
    return any(w in _KILL_VERBS for w in words) and \
        not (";" in arrays.text[sent.start:t.start] or any(w in ("after", "before", "when", "while") for w in words))


def _spread(triggers: list[Trigger], found: list[Trigger]) -> list[Trigger]:
    """The sentence's events, with the mentions that are not reported as fact ("after an
    attempted attack in Ankara") still holding their places."""
    return triggers + [u for u in found if not any(u.start < t.end and t.start < u.end for t in triggers)]


def _between(doc: Doc, f: Found) -> bool:
    """Is the place one end of "between X and Y", or the other side of a border?"""
    lo = max(0, f.start - 6)
    words = TokenArrays.of(doc).lower[lo:f.start]
    if not words:
        return False
    if words[-1] == "between" or words[-2:] in (["border", "with"], ["borders", "with"], ["frontier", "with"]):
        return True       # "near the border with Mali": the neighbour is not where it happened
    return "between" in words and words[-1] == "and" and not any(w in (",", ";", ".") for w in words[words.index("between"):])


def _participant_category(entity: Entity, category: str) -> str:
    if entity.kind == "CivilianGroup":
        return "civilian"
    if entity.kind == "Organization" or entity.source_kind == "Monitor":
        return "organization"
    if entity.kind == "Person":
        return "person"
    return "actor" if category == "anaphor" else category


_TERRITORY_NOUNS = {"town", "towns", "city", "cities", "village", "villages", "base", "bases", "area", "areas", "district",
                    "hill", "hills", "zones", "zone", "mountains", "peaks", "peak", "neighbourhoods", "neighborhoods",
                    "positions", "position", "territory", "neighbourhood", "neighborhood", "airport", "road",
                    "checkpoint", "crossing", "headquarters", "mountain", "outskirts", "region", "province"}


def _territorial(doc: Doc, t: Trigger, s: _Sentence) -> Trigger:
    """"Captured the town", "seized the base": ground taken, not people arrested."""
    arrays = TokenArrays.of(doc)
    if t.type not in ("Arrest", "Kidnapping") or t.text.lower() not in ("captured", "seized", "seizing", "capturing"):
        return t
    window = range(t.end, min(t.end + 6, s.span.end))
    if t.passive:
        # "the villages of A and B were captured from the YPG": the subject is what was taken
        window = range(s.span.start, t.start)
        if not any(arrays.lower[i] in _TERRITORY_NOUNS for i in window):
            return t
    takes_place = any(arrays.lower[i] in _TERRITORY_NOUNS for i in window) or any(
        f.category in ("place", "newplace") and f.start in window for f in s.mentions)
    if takes_place:
        # ground taken is an operation in its own right, not a weak mention
        return Trigger(t.start, t.end, t.text, "GroundOperation", False, t.generic, t.passive, t.reference)
    return t


# "destroyed two IEDs", "defused a roadside bomb", "seized explosives": a device is handled, it did not go off
_HANDLING_VERBS = {"destroyed", "destroying", "destroy", "defused", "defusing", "dismantled", "dismantling", "found",
                   "discovered", "seized", "confiscated", "removed", "recovered", "struck", "hit", "targeted", "cleared",
                   "neutralized", "neutralised", "detected", "caches", "cache", "stockpile", "workshop", "factory"}
_DEVICE_NOUNS = {"ied", "ieds", "improvised explosive device", "improvised explosive devices", "explosive device",
                 "explosive devices", "roadside bomb", "roadside bombs", "landmine", "landmines", "mines", "bombs",
                 "car bomb", "car bombs", "explosives", "vbied", "vbieds", "booby traps", "suicide vest", "suicide vests"}


def _device_handled(doc: Doc, t: Trigger, sent: SentenceSpan) -> bool:
    """Is a bomb noun the object of a verb that handles it ("airstrikes destroyed two IEDs")?"""
    arrays = TokenArrays.of(doc)
    if t.type != "Bombing" or t.text.lower() not in _DEVICE_NOUNS:
        return False
    for i in range(t.start - 1, max(sent.start, t.start - 14) - 1, -1):
        w = arrays.lower[i]
        if w in (";", ".", "when", "after", "as", "killed", "killing", "wounded", "while") or arrays.text[i] == "\n":
            return False
        if w in _HANDLING_VERBS:
            return True
    return False


def _drop_modifying_triggers(triggers: list[Trigger], doc: Doc) -> list[Trigger]:
    """Two trigger words in a row name one event: "an aerial bombing campaign" (the generic
    head adds nothing), "operations targeting IS remnants" (the participle says what the
    operations aimed at). But in "forces backed by airstrikes seized the town" the strikes
    are the support and the verb after them is the forces' own event."""
    out: list[Trigger] = []
    for t in triggers:
        prev = out[-1] if out else None
        supported = prev is not None and supporting_weapon(doc, prev, t)
        if prev is not None and t.start == prev.end and not supported and (
                t.generic or (t.text.lower().endswith(("ing", "ed")) and not prev.text.lower().endswith(("ing", "ed")))):
            continue
        out.append(t)
    return out


_LAUNCH_VERBS = {"launched", "launches", "began", "begun", "started", "carried", "conducted", "struck", "hit",
                 "bombed", "shelled", "attacked", "sent", "deployed", "stepped", "resumed", "continued"}

_PLACE_CLAUSE_BOUNDARIES = {";", "after", "before", "while", "when", "since", "whereas", "following", "days", "weeks"}
_FIGHTER_NOUNS = {"militants", "insurgents", "fighters", "rebels", "terrorists", "jihadists", "gunmen", "extremists"}
_UNNAMED_FIGHTERS = re.compile(r"(?i)^\S+(?:\s+\S+){0,3}?\s+(?:the|those|these)\s+(?:[\w-]+\s+)?(?:militants|insurgents|jihadists|extremists|terrorists|rebels|fighters)\b")
_RETAKING = {"recaptured", "retook", "retaken", "regained", "took back", "recapture", "retake"}
_ARRESTING_KINDS = ("StateForce", "RegionalForce", "ParamilitaryForce")
_KILL_VERBS = {"killed", "killing", "kills", "kill", "murdered", "shot"}
# a link to another story inside the body: "Read also: ...", "Related: ...", "See also: ..."
_LEADING_SPACE = re.compile(r"\s*")       # what str.lstrip() takes away (re's \s is str.isspace)
_CROSS_REFERENCE = re.compile(r"(?i)(?:read (?:also|more)|also read|related(?: stories| articles?| news)?|see also|more on this|watch)\s*:")


def _line_start(text: str, char: int) -> int:
    """Where the line holding `char` begins."""
    return text.rfind("\n", 0, char) + 1
_CLAUSE_OPENERS = {"after", "before", "when", "while", "since", ";", "whereas"}
# "killed the chief of the group's intelligence wing": a named person or a leader singled out
_LEADER_TITLES = {"chief", "leader", "commander", "head", "emir", "founder", "deputy", "spokesman", "governor", "mayor"}


def _killing_of_a_leader(doc: Doc, t: Trigger, r, participants) -> bool:
    """Is this killing verb's object one person named or titled (an assassination, an execution)
    rather than people struck in an attack?"""
    arrays = TokenArrays.of(doc)
    if t.passive or arrays.lower[t.start] not in _KILL_VERBS - {"shot"}:
        return False
    after = arrays.lower[t.end:t.end + 3]
    if after[:1] in (["the"], ["a"], ["its"], ["their"]) and len(after) > 1 and after[1] in _LEADER_TITLES:
        return True
    return any(p.category == "person" and p.key in r.targets and 0 <= p.start - t.end <= 1 for p in participants)


def _killing_verb(doc: Doc, sent: SentenceSpan) -> Trigger | None:
    """"Gunmen killed two farmers": a killing with no attack word is still an attack."""
    arrays = TokenArrays.of(doc)
    if _KILL_VERBS.isdisjoint(arrays.lower[sent.start:sent.end]):
        return None       # most sentences: one set test instead of a look at each word
    for i in range(sent.start, sent.end):
        if arrays.lower[i] in _KILL_VERBS:
            prev = arrays.lower[max(sent.start, i - 3):i]
            passive = any(w in ("was", "were", "been", "being", "is", "are") for w in prev)
            return Trigger(i, i + 1, arrays.text[i], "Attack", False, False, passive)
    return None


def _prune(ex: Extraction, quoted: set[str], named: set[str]) -> None:
    """Drop what the article mentions without making it a party or a source.

    An outlet named in passing ("told Kurdistan 24") is not a source of anything; "villagers"
    who neither act nor suffer in an event are not a party.
    """
    used: set[str] = set(quoted)
    for e in ex.events:
        used.update(e.agents + e.targets + e.supporters + e.sources)
        used.update(c.source for c in e.claims if c.source)
    for c in list(ex.estimates) + list(ex.control):
        used.update(k for k in (c.actor, c.source) if k)
    # what generic words ("police", "the military") point at is a party only if it takes
    # part; if it only speaks, it is a source
    taking_part = {k for e in ex.events for k in e.agents + e.targets + e.supporters}
    taking_part |= {c.actor for c in list(ex.estimates) + list(ex.control)}
    for k, ent in ex.entities.items():
        if k in quoted:
            ent.quoted = True        # "Ali Hassan warned that ...": a source even of no event
        if ent.category == "actor" and k not in named and k not in taking_part and k in quoted:
            ent.quoted_only = True
    drop = {k for k, ent in ex.entities.items()
            if (k not in used and ent.kind in ("NewsOutlet", "CivilianGroup"))
            or (ent.category == "actor" and k not in named and k not in used)}
    for k in drop:
        del ex.entities[k]
    ex.mentions = [m for m in ex.mentions if m.key not in drop]


_NUMBER_WORDS = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                           "twelve", "dozens", "hundreds", "thousands", "several", "many", "dozen", "some"})

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def _text_of(article: Article) -> str:
    # Typographic quotes become plain ones (same length, so offsets hold): "People’s
    # Protection Units" must meet the registry's "People's Protection Units".
    return article.full_text[:MAX_CHARS].translate(_QUOTES)


_DIRECTIONS = r"(?:north|south|east|west|northeast|northwest|southeast|southwest|north-east|north-west|south-east|south-west|northern|southern|eastern|western|outskirts|countryside|suburbs)"


# "52 km southwest of", "north of the city of": the place after it is where distances are measured from
_MEASURED_FROM = re.compile(rf"\b(?:km|kilometres|kilometers|miles)\b.*\bof\s*(?:the\s+)?$|\b{_DIRECTIONS}\s+of\s*(?:the\s+)?(?:city\s+of\s+|town\s+of\s+)?$")

_CREDIT_LINE = re.compile(r"^\s*(?:sources?(?:\(s\))?|photo|photograph|image|picture|credit)\s*:\s*$", re.I)
_PHOTO_CREDIT = {"photo", "photos"}


def _wire_service(doc: Doc, text: str, found: list[Found], publisher: str | None,
                  key_of: dict[tuple[int, int], str]) -> str | None:
    """The agency the report comes from, when it is not the publisher: named in the dateline
    ("ANKARA (Reuters) -"), or in a credit line ("Source: AFP", "AFP PHOTO / name")."""
    arrays = TokenArrays.of(doc)
    for f in found:
        if f.category != "outlet" or (f.start, f.end) not in key_of or key_of[(f.start, f.end)] == publisher:
            continue
        if arrays.idx[f.start] <= 300 and f.start > 0 and arrays.text[f.start - 1] == "(" \
                and f.end < len(doc) and arrays.text[f.end] == ")":
            return key_of[(f.start, f.end)]
        line_start = text.rfind("\n", 0, arrays.idx[f.start]) + 1
        if _CREDIT_LINE.match(text[line_start:arrays.idx[f.start]]):
            return key_of[(f.start, f.end)]
        if f.end < len(doc) and arrays.lower[f.end] in _PHOTO_CREDIT and arrays.text[f.start].isupper():
            return key_of[(f.start, f.end)]
    return None


def _dateline(doc: Doc, f: Found) -> bool:
    """"ERBIL (Kurdistan 24) –", "MOGADISHU, Somalia -": where the report was filed."""
    arrays = TokenArrays.of(doc)
    first = arrays.text[f.start]            # (no Token object: this runs for every place)
    at_start = f.start == 0 or "\n" in arrays.text[f.start - 1] or arrays.sent_start[f.start]
    # "ERBIL, Kurdistan Region -": the region after the dateline city
    if not at_start and f.start >= 2 and arrays.text[f.start - 1] == "," and arrays.text[f.start - 2].isupper() \
            and f.end < len(doc) and arrays.text[f.end] in ("-", "–", "—", "("):
        return True
    if not at_start:
        return False
    nxt = arrays.text[f.end] if f.end < len(doc) else ""
    # "Sanaa: At least ...": a paragraph opening with the filing city and a colon
    if nxt == ":" and (f.start == 0 or "\n" in arrays.text[f.start - 1]):
        return True
    return first.isupper() and len(first) > 2 or nxt in ("(", "–", "—") or \
        (nxt == "," and f.end + 2 < len(doc) and arrays.text[f.end + 2] in ("-", "–", "—", "("))


def _reference_point(doc: Doc, f: Found) -> bool:
    arrays = TokenArrays.of(doc)
    before = arrays.span_text(max(0, f.start - 4), f.start).lower()
    # both of the pattern's forms end in "of": the few words before most places hold none
    return "of" in before and bool(_MEASURED_FROM.search(before))


# Nouns naming a part of a town: "the Antar neighbourhood" lies in the town, not in its countryside.
_TOWN_PART_NOUNS = frozenset({"neighbourhood", "neighborhood", "neighbourhoods", "neighborhoods", "quarter",
                              "street", "square", "suburb", "suburbs"})


_CITY = Words("city")


def _part_of_town(doc: Doc, f: Found, near: Entity) -> bool:
    """True when an unlisted place is part of the known town itself: "the X neighbourhood",
    "the neighbourhood of X", "in X in Idlib city", "in the city of Idlib"."""
    arrays = TokenArrays.of(doc)
    if f.end < len(doc) and arrays.lower[f.end] in _TOWN_PART_NOUNS:
        return True
    if f.start >= 2 and arrays.lower[f.start - 1] == "of" and arrays.lower[f.start - 2] in _TOWN_PART_NOUNS:
        return True
    sentence = arrays.sent_text(f.start)
    if not _CITY.may_be_in(sentence):
        return False      # spares looking for the town's names
    names = [n for n in sorted({near.label, *near.surface_forms}, key=len, reverse=True) if n]
    return bool(names) and _named_as_city(sentence, names)


def _named_as_city(sentence: str, names: list[str]) -> bool:
    """Does the sentence say "X city" or "city of X" of one of the town's names (in any case)?"""
    positions = name_positions(sentence, names)
    if positions is None or any(n[:1].isspace() for n in names):
        forms = "|".join(re.escape(n) for n in names)
        return bool(re.search(rf"\b(?:{forms})\s+city\b|\bcity\s+of\s+(?:{forms})\b", sentence, re.I))
    # What that pattern matches, from where the names are, without compiling it for each town (a
    # tenth of a millisecond): "X city", a name opening on a word boundary; "city of X", a name
    # right after the words and ending on one. (A name opening on a space could be reached with
    # fewer of the spaces after "of": those go the first way.)
    if any(_WORD_BOUNDARY.match(sentence, at) and any(_CITY_AFTER_NAME.match(sentence, at + len(n)) for n in found)
           for at, found in positions.items()):
        return True
    return any(any(_WORD_BOUNDARY.match(sentence, m.end() + len(n)) for n in positions.get(m.end(), ()))
               for m in _CITY_OF.finditer(sentence))


_WORD_BOUNDARY = re.compile(r"\b")
_CITY_AFTER_NAME = re.compile(r"\s+city\b", re.I)
_CITY_OF = re.compile(r"\bcity\s+of\s+", re.I)


def _nearest_known_place(ex: Extraction, doc: Doc, f: Found, place_of_sentence: list) -> Entity | None:
    if not place_of_sentence:
        return None
    _, rec = min(place_of_sentence, key=lambda p: abs(p[0] - f.start))
    return ex.entities.get(rec.key)


def _latest_known_place(ex: Extraction, doc: Doc, f: Found, sentence_places: dict, datelines: set[int]) -> Entity | None:
    """"... airstrikes in Marib. The strikes hit them in the western district of Sirwah": with no
    known place in its own sentence, an unlisted one lies near the place the two sentences before
    were about (not the dateline's city, which is where the report was filed)."""
    arrays = TokenArrays.of(doc)
    here = arrays.sent_bounds(f.start)[0]
    starts = [start for start in arrays.sent_starts if start < here][-2:]
    for start in reversed(starts):
        places = [(pos, rec) for pos, rec in sentence_places.get(start, []) if pos not in datelines]
        if places:
            return ex.entities.get(places[-1][1].key)
    return None


def _nearest_key(s: _Sentence, key_of: dict[tuple[int, int], str], doc: Doc, char: int, category: str) -> str | None:
    arrays = TokenArrays.of(doc)
    best, dist = None, 10 ** 9
    for f in s.mentions:
        if f.category != category or (f.start, f.end) not in key_of:
            continue
        d = abs(arrays.idx[f.start] - s.span.start_char - char)
        if d < dist:
            best, dist = key_of[(f.start, f.end)], d
    return best


# Clauses with a time of their own. "when" is not one: "clashes erupted late on Sunday when
# the group attacked" dates the attack too.
_SUBORDINATE = re.compile(r"\b(?:since|after|before|until|following|despite|as|ahead of|prior to)\b", re.I)
# "ongoing clashes", "the fighting continues": still going on when the report was written
# "the ministry said on Sunday": a date of the telling, not of the event
_WHEN_SAID = re.compile(r"\b(?:said|says|told|added|reported|announced|stated|confirmed|claimed)\b(?:\s+\S+){0,3}\s*(?:on|late|early)?\s*$", re.I)
_BOUND_BEFORE = re.compile(r"\b(?:since|until|after|before)\s*$", re.I)
_BOUND = re.compile(r"(?i)(?:since|until|by)\b")
# "On 28 April 2020, ...": a date opening the sentence
_OPENING_DATE = re.compile(r"\W*(?:(?:as\s+reported\s+)?on|around|in|by|since|during|early|late)?\s*$", re.I)
_ONGOING = re.compile(r"\b(?:ongoing|continuing|still\s+raging|continued)\s+(?:\w+\s+){0,2}$", re.I)


def _nearest_time(s: _Sentence, t: Trigger, doc: Doc) -> TimeValue | None:
    arrays = TokenArrays.of(doc)
    pos = arrays.idx[t.start] - s.span.start_char
    text = s.text

    def own_clause(tm: TimeMention) -> bool:
        # "launched ... since Iraq declared victory in December": that date is another event's
        lo, hi = sorted((pos, tm.start))
        between = text[lo:hi]
        before = text[max(0, tm.start - 40):tm.start]
        if _WHEN_SAID.search(before):
            return False      # "the ministry said on Sunday": when it was said, not when it happened
        return not _SUBORDINATE.search(between) and not _BOUND_BEFORE.search(before[-12:])

    dated = [tm for tm in s.times() if tm.time is not None and own_clause(tm)
             and not _BOUND.match(tm.text)]   # "since 2019" bounds, it doesn't date
    # a date in the trigger's own clause wins; then the sentence's opening date ("On 28 April
    # 2020, ..."), which governs everything after it; then the closest
    lo = text.rfind(",", 0, pos) + 1
    hi = text.find(",", pos)
    hi = len(text) if hi < 0 else hi
    same_clause = [tm for tm in dated if lo <= tm.start < hi]
    if same_clause:
        dated = same_clause
    else:
        opening = [tm for tm in dated if _OPENING_DATE.match(text[:tm.start])]
        if opening:
            return opening[0].time
    if not dated:
        return None
    # the closest to the trigger, with a little preference for a precise day
    dated.sort(key=lambda tm: abs(tm.start - pos) - (25 if tm.time.precision == "day" else 0))  # type: ignore[union-attr]
    return dated[0].time


_OPERATION_NAME = re.compile(r"\bOperation\s+((?:[A-Z][\w'’-]+\s?){1,4})")
_OPEN_QUOTE = r"[\"“']?"
# "as part of Operation X", "during Operation X": an action within the operation (the first
# list also keeps "under" and "in" from naming it)
_WITHIN_BEFORE_NAME = re.compile(r"(?i)(?:part of|under|within|framework of|scope of|during|in)\s+(?:the\s+)?(?:ongoing\s+)?" + _OPEN_QUOTE + "$")
_PART_OF_BEFORE_NAME = re.compile(r"(?i)(?:part of|within|framework of|scope of|during)\s+(?:the\s+)?(?:ongoing\s+)?" + _OPEN_QUOTE + "$")
_OPERATION_WORD = re.compile(r"(?i)operation|offensive|campaign")


def _operation_name(text: str, trigger_at: int, trigger: str) -> str | None:
    """"Operation Olive Branch", when the trigger is that operation, not a battle within it."""
    # (the pattern opens on \b, which keeps re from skipping ahead to the literal "Operation":
    # a test for the word first costs a twentieth of searching a sentence without it)
    m = _OPERATION_NAME.search(text) if "Operation" in text else None
    if not m:
        return None
    if _WITHIN_BEFORE_NAME.search(text[:m.start()]):
        return None     # "... as part of Operation Olive Branch": an action within it
    names_it = _OPERATION_WORD.search(trigger) or abs(m.start() - trigger_at) <= 40
    return ("Operation " + m.group(1).strip()) if names_it else None


def _within_operation(text: str) -> str | None:
    """"... as part of Operation Olive Branch": the named operation an action belongs to."""
    if "Operation" not in text:
        return None         # (as in _operation_name)
    for m in _OPERATION_NAME.finditer(text):
        if _PART_OF_BEFORE_NAME.search(text[:m.start()]):
            return "Operation " + m.group(1).strip()
    return None


def _operation_parties_from_parts(frames: list[EventFrame]) -> None:
    """Who fights in the actions told as part of a named operation fights in the operation:
    "Turkey launched Operation X" and "Turkish troops and their allies took four villages as
    part of Operation X" make the allies agents of X and the villages' defenders its targets."""
    named = {f.name: f for f in frames if f.name and f.type == "GroundOperation"}
    for part in frames:
        op = named.get(getattr(part, "_within_operation", None))
        if op is None or op is part:
            continue
        held = set(op.agents + op.targets + op.supporters)
        if op.agents and not set(part.agents) & set(op.agents + op.supporters):
            continue      # another side's action within the operation's time
        op.agents.extend(k for k in part.agents if k not in held)
        op.targets.extend(k for k in part.targets if k not in held and k not in part.agents)
        setattr(part, "_part_of_frame", op)


_CIVILIAN_VICTIMS = re.compile(r"(?:(?:other|more|innocent|unarmed)\s+)?\b(?:people|civilians|persons|passers-by|passersby|worshippers|shoppers|residents)\b", re.I)
_BACKGROUND_TOLL = re.compile(r"\b(?:since|conflict|insurgency|civil war|the war|decades?|years? of|over the past|so far|in total|altogether)\b", re.I)
_NOT_A_SUM = re.compile(r"\b(?:said|says|according|claimed|claims|while|whereas|but|reported|other reports)\b", re.I)


def _attach_counts(frames: list[EventFrame], counts: list, s: _Sentence, ex: Extraction,
                   follow_up: bool = False) -> None:
    """Counts go to the event whose trigger is nearest; parts of one toll are added up
    ("6 were killed by gunfire and 3 by IEDs"); another source's figure becomes a claim."""
    if not frames:
        return
    previous: dict[tuple[int, str], object] = {}
    for c in counts:
        if c.value >= 200 and _BACKGROUND_TOLL.search(s.text):
            continue        # "tens of thousands have died in the war since it began"
        # the event reported before the count ("an attack ..., where 6 were killed by IEDs")
        earlier = [f for f in frames if getattr(f, "_trigger_char", 0) <= c.start]
        fr = frames[0] if follow_up else (earlier[-1] if earlier else frames[0])
        attr = c.kind
        before = previous.get((id(fr), attr))
        current = getattr(fr, attr)
        vague_key = f"_{attr}_vague"
        if current is None or (getattr(fr, vague_key, False) and not c.vague):
            # "killing a number of militants ... Three militants were killed": the figure wins
            setattr(fr, attr, c.value)
            setattr(fr, vague_key, c.vague)
        elif before is not None and not c.vague and not _NOT_A_SUM.search(s.text[before.end:c.start]):  # type: ignore[attr-defined]
            setattr(fr, attr, current + c.value)
        elif attr == "killed" and current != c.value:
            fr.claims.append(CasualtyClaim(killed=c.value, source=s.sources[0] if s.sources else None))
        if getattr(fr, attr) is not None and not follow_up or before is None:
            previous[(id(fr), attr)] = c
        # "killing five people": unnamed victims are civilians
        victims = _CIVILIAN_VICTIMS.match(s.text[c.end:c.end + 30].strip()) or _CIVILIAN_VICTIMS.search(c.text)
        if victims and attr in ("killed", "wounded") and not fr.targets:
            ent = ex.entities.setdefault("civilians", Entity("civilians", "actor", "CivilianGroup", "Civilians"))
            ent.surface_forms.add(victims.group(0))
            fr.targets.append("civilians")


_TITLE_AFTER_TRIGGER = re.compile(r"(?i)^(?:spokesman|spokesmen|spokeswoman|spokesperson|commander|commanders|chief|chiefs|head|official|officials|room|centre|center|command|headquarters|unit|wing|department|directorate)$")
# "seized the base", "took control of the town": the outcome of an attack, not an operation of its own
_CAPTURE_OUTCOME = re.compile(r"(?i)^(?:seized|seizing|captured|capturing|took(?:\s+over|\s+control)?|taken\s+over|overran|overrun|stormed)\b")


def _operation_and_its_fighting(a: EventFrame, b: EventFrame) -> bool:
    """Forces that "attacked" or "clashed" on the day of their own operation: the operation."""
    kinds = {a.type, b.type}
    return "GroundOperation" in kinds and bool(kinds & {"Attack", "Raid", "Clash"}) \
        and bool(set(a.agents) & set(b.agents))


def _fighting_back(a: EventFrame, b: EventFrame) -> bool:
    """"... attacked the shepherds, who fought back. In the clashes, ...": a bare "the clashes"
    after an attack is that attack, fought back."""
    parties = set(a.agents + a.targets)
    if a.type in ("Attack", "Ambush", "Raid") and b.type == "Clash" and getattr(b, "_generic", False) \
            and set(b.agents) <= parties and (not b.targets or set(b.targets) & parties):
        return True       # (a victim it names for the first time, "Ali, a shepherd, was killed", joins it)
    # "... the raid on the base. Our troops killed 13 militants": the defenders killing their
    # attackers, told right after, is the same fight
    return a.type in ("Attack", "Ambush", "Raid", "Bombing") and (b.trigger or "").lower() in _KILL_VERBS \
        and bool(b.agents) and bool(b.targets) and set(b.agents) <= set(a.targets) and set(b.targets) <= set(a.agents) \
        and 0 <= b.sentence - a.sentence <= 3


def _abduction_assault(a: EventFrame, b: EventFrame) -> bool:
    """"Militants abducted five shepherds ... they were attacked by the group near the village":
    the assault in which people were taken is the abduction."""
    return {a.type, b.type} == {"Kidnapping", "Attack"} and bool(set(a.agents) & set(b.agents)) \
        and (not a.targets or not b.targets or bool(set(a.targets) & set(b.targets))) \
        and abs(a.sentence - b.sentence) <= 2


def _compatible(a: EventFrame, b: EventFrame, ex: Extraction) -> bool:
    if _FAMILY.get(a.type) != _FAMILY.get(b.type) and a.type != b.type and not _operation_and_its_fighting(a, b) \
            and not _fighting_back(a, b) and not _abduction_assault(a, b):
        return False
    if a.time and b.time and a.time.iso()[:7] != b.time.iso()[:7]:
        return False
    if (a.type == "Killing") != (b.type == "Killing") and not set(a.agents) & set(b.agents):
        return False      # a leader singled out and killed is not the attack told around it
    if a.time and b.time and a.time.precision == b.time.precision == "day" and a.time.value != b.time.value:
        return False
    # the side that suffered one is the side that did the other: two events, unless one fights back
    if "Clash" not in (a.type, b.type) and (set(a.targets) & set(b.agents) or set(b.targets) & set(a.agents)) \
            and not set(a.agents) & set(b.agents) and not set(a.targets) & set(b.targets) and not _fighting_back(a, b):
        return False
    if a.agents and b.agents and not set(a.agents) & set(b.agents) and not set(a.agents) & set(b.supporters) \
            and not set(b.agents) & set(a.supporters) and not _fighting_back(a, b):
        return False
    pa = [ex.entities[k] for k in a.places if k in ex.entities and ex.entities[k].kind != "Country"]
    pb = [ex.entities[k] for k in b.places if k in ex.entities and ex.entities[k].kind != "Country"]
    # "in Iraq, the coalition carried out 23 strikes" is not the strike near Kobani told before
    ca, cb = set(getattr(a, "_place_countries", {}).values()), set(getattr(b, "_place_countries", {}).values())
    if ca and cb and not ca & cb:
        return False
    # a country-wide mention ("in Iraq") does not contradict a place inside it
    if pa and pb and not {x.key for x in pa} & {y.key for y in pb}:
        close = any(x.lat is not None and y.lat is not None and haversine_km((x.lat, x.lon), (y.lat, y.lon)) <= 40
                    for x in pa for y in pb)
        # "Near Fallujah, two airstrikes ... Another airstrike near Habbaniya": strikes each
        # told with a place of their own are separate, however close; only a look back ("the
        # strikes") or an unplaced summary joins a nearby place
        listed = not getattr(b, "_generic", False) and b.sentence != a.sentence and \
            _own_place_opening(b.evidence) and a.type == b.type
        if not close or listed:
            return False
    # "... troops took the last quarter of the old town ... the five-week-old battle for it": the
    # campaign told after one of its actions is the campaign, not another report of the action
    # and an action told after the campaign is one of its actions, unless it only looks back ("the
    # offensive")
    if b.name and is_campaign_name(b.name) and not a.name and b.sentence != a.sentence:
        return False
    if a.name and is_campaign_name(a.name) and not b.name and b.sentence != a.sentence \
            and not getattr(b, "_generic", False):
        return False
    before = b.evidence.lower()[max(0, getattr(b, "_trigger_char", 0) - 30):getattr(b, "_trigger_char", 0)]
    if "similar" in before:
        return False
    # "another airstrike destroyed ...", "a second attack": a new event, not the one just told
    if b.sentence != a.sentence and _ANOTHER.search(before):
        return False
    return True


_ANOTHER = re.compile(r"\b(?:another|a second|a third|a separate|a further|a fresh)\s+(?:\w+\s+){0,2}$")
_PLACE_OPENING = re.compile(r"^\W*(?:Near|In|Around|At|Outside|North of|South of|East of|West of)\s+[A-Z]")


def _own_place_opening(text: str) -> bool:
    """Does the sentence open with its place ("Near Ramadi, five airstrikes struck ...")?"""
    return bool(_PLACE_OPENING.match(text))


def _fuller_toll(target: EventFrame, fr: EventFrame, attr: str) -> bool:
    """"A shepherd was killed ... In the clashes, the shepherd and a militant were killed": a
    later look back at the same event ("the clashes") with a larger figure gives its whole toll.
    A figure told by one of the parties themselves stays a claim."""
    new, old = getattr(fr, attr), getattr(target, attr)
    if not getattr(fr, "_generic", False) or new is None or old is None or new <= old:
        return False
    if getattr(fr, f"_{attr}_vague", False):
        return False
    parties = set(target.agents) | set(target.targets) | set(fr.agents) | set(fr.targets)
    return not parties & set(fr.sources)


def _merge(frames: list[EventFrame], ex: Extraction) -> list[EventFrame]:
    """Repeated mentions of one event ("the operation", "the raids") become one frame."""
    kept: list[EventFrame] = []
    for fr in frames:
        target = None
        # a repeated mention refers to the latest event it fits; the headline to the lead
        for k in (kept if getattr(fr, "_headline", False) else reversed(kept)):
            if _compatible(k, fr, ex):
                target = k
                break
        generic = getattr(fr, "_generic", False)
        if target is None:
            if generic and not fr.agents and not fr.targets:
                continue          # "the attack" with nothing to attach it to
            if getattr(fr, "_reference", False) and not fr.agents:
                continue          # "the abducted shepherds are from X": an event told before
            kept.append(fr)
            continue
        if _abduction_assault(target, fr):
            target.type = "Kidnapping"
        # an attack that then "seized" its target stays an attack
        # ("fighters clashed with IS ... the SDF advanced slowly": an advance in the fight, still a clash)
        if _operation_and_its_fighting(target, fr) and not _CAPTURE_OUTCOME.match(fr.trigger or "") \
                and not getattr(fr, "_weak", False):
            target.type = "GroundOperation"
        headline = getattr(fr, "_headline", False)
        # "X, Y and the coalition launched ..." then "..., supported by the coalition": the
        # explicit support cue is the more precise statement of that party's part
        for key in fr.supporters:
            if key in target.agents and len(target.agents) > 1 and not headline:
                target.agents.remove(key)
                target.supporters.append(key)
        for attr in ("agents", "targets", "supporters", "places", "sources"):
            seq = getattr(target, attr)
            if headline and attr in ("agents", "targets", "supporters") and seq:
                continue      # the headline's roles are a summary: they only fill the body's gaps
            # a party keeps the role the earlier mention gave it: the coalition that "supported"
            # the operation does not become its agent because a later line says it "struck"
            held = target.agents + target.targets + target.supporters if attr in ("agents", "targets", "supporters") else []
            for key in getattr(fr, attr):
                if key not in seq and key not in held:
                    seq.append(key)
        target.targets = [k for k in target.targets if k not in target.agents and k not in target.supporters]
        target.supporters = [k for k in target.supporters if k not in target.agents]
        if target.time is None or (fr.time and fr.time.precision == "day" and target.time.precision != "day"):
            target.time = fr.time or target.time
        for attr in ("killed", "wounded", "captured"):
            vague = f"_{attr}_vague"
            if getattr(fr, attr) is not None and (getattr(target, attr) is None or (
                    getattr(target, vague, False) and not getattr(fr, vague, False)) or _fuller_toll(target, fr, attr)):
                setattr(target, attr, getattr(fr, attr))
                setattr(target, vague, getattr(fr, vague, False))
        target.claims.extend(fr.claims)
        target.name = target.name or fr.name
        setattr(target, "_place_countries", {**getattr(fr, "_place_countries", {}), **getattr(target, "_place_countries", {})})
    return kept


def _place_entity(place: PlaceRecord) -> Entity:
    return Entity(place.key, "place", place.kind, place.label, wikidata=place.wikidata, geonames=place.geonames,
                  lat=place.lat, lon=place.lon, precision_km=place.precision_km, within=place.within)


WIDE_REGION_KM = 150.0      # a region wider than this ("northern Syria") says which part of a country


def _too_wide_to_place(place: Entity) -> bool:
    """A country, or a region as wide as a part of one: it tells which part of the country an
    article is about, not where an event it does not place happened."""
    return place.kind == "Country" or (place.kind == "AdminRegion" and (place.precision_km or 0) > WIDE_REGION_KM)


def _fill_defaults(frames: list[EventFrame], sentences: list[_Sentence], ex: Extraction, published: date | None) -> None:
    """Events with no place or date take the nearest earlier ones of the same paragraph, then the article's."""
    article_places: Counter[str] = Counter()
    for m in ex.mentions:
        if m.category == "place" and not _too_wide_to_place(ex.entities[m.key]):
            article_places[m.key] += 1
    first_day = next((tm.time for s in sentences for tm in s.times()
                      if tm.time and tm.time.precision == "day" and (published is None or tm.time.value <= published)), None)
    main_time = next((f.time for f in frames if f.time and f.time.precision == "day"), None)
    for n, fr in enumerate(frames):
        if not fr.agents:
            # "Another airstrike destroyed ...": the agent of the same kind of event just reported
            prev = next((p for p in reversed(frames[:n]) if p.agents and _FAMILY.get(p.type) == _FAMILY.get(fr.type)), None)
            if prev is not None:
                fr.agents = [k for k in prev.agents if k not in fr.targets]
        if not fr.places:
            for s in reversed(sentences[:fr.sentence]):
                if s.paragraph < sentences[fr.sentence].paragraph - 1:
                    break
                ps = [k for k in s.places if not _too_wide_to_place(ex.entities[k])]
                if ps:
                    fr.places = ps[:2]
                    break
            if not fr.places and article_places:
                fr.places = [article_places.most_common(1)[0][0]]
        if fr.time is None and published and _ONGOING.search(fr.evidence[max(0, getattr(fr, "_trigger_char", 0) - 30):getattr(fr, "_trigger_char", 0)]):
            fr.time = TimeValue(published, "day")
        if fr.time is None:
            fr.time = main_time or first_day or (TimeValue(published, "day") if published else None)


def _attribute_nearby(frames: list[EventFrame], sentences: list[_Sentence]) -> None:
    """An event told without "said" in its own sentence is usually told by the source quoted
    around it ("... the attack. Five soldiers died, the official said.")."""
    for fr in frames:
        if fr.sources:
            continue
        for dist in (1, 2, 3):
            near = [sentences[i] for i in (fr.sentence + dist, fr.sentence - dist)
                    if 0 <= i < len(sentences) and sentences[i].sources
                    and abs(sentences[i].paragraph - sentences[fr.sentence].paragraph) <= 1]
            if near:
                fr.sources = list(near[0].sources)
                break


def _opponents_from_context(frames: list[EventFrame]) -> None:
    """An operation whose sentence names only one side fights the enemy the article gives
    that side elsewhere ("Turkish forces liberated four villages" ... from the YPG). Ground
    retaken ("the military recaptured the base") is retaken from whoever took it from them."""
    from collections import Counter as _Counter
    for n, f in enumerate(frames):
        if f.agents and not f.targets and (f.trigger or "").lower() in _RETAKING:
            took = next((p for p in reversed(frames[:n]) if p.agents and set(f.agents) & set(p.targets)), None)
            if took is not None:
                f.targets = [k for k in took.agents if k not in f.agents]
    enemies: dict[str, _Counter[str]] = {}
    for f in frames:
        for a in f.agents + f.supporters:
            for t in f.targets:
                enemies.setdefault(a, _Counter())[t] += 1
    for f in frames:
        if f.agents and not f.targets and f.type not in ("Arrest", "Kidnapping", "Killing"):
            votes: _Counter[str] = _Counter()
            for a in f.agents:
                votes.update(enemies.get(a, {}))
            if votes:
                best = votes.most_common(1)[0][0]
                if best not in f.agents + f.supporters:
                    f.targets = [best]
    # "troops were still fighting the militants": the unnamed fighters are the armed group the
    # article's other events are against
    against: _Counter[str] = _Counter(t for f in frames for t in f.targets)
    for f in frames:
        if f.agents and not f.targets and f.type in ("Clash", "GroundOperation", "Attack", "Raid") and against:
            at = getattr(f, "_trigger_char", 0)
            if _UNNAMED_FIGHTERS.search(f.evidence[at:at + 80]):
                best = next((k for k, _ in against.most_common() if k not in f.agents + f.supporters), None)
                if best is not None:
                    f.targets = [best]


def _blame_dominant_group(frames: list[EventFrame], dominant: str | None) -> None:
    """A roadside bomb or a kidnapping with no named perpetrator, in a report about one armed
    group that carries out other attacks in it, is attributed to that group."""
    if dominant is None or not any(dominant in f.agents for f in frames):
        return
    for fr in frames:
        if not fr.agents and fr.type in ("Bombing", "Kidnapping", "Ambush", "Shelling") and dominant not in fr.targets:
            fr.agents = [dominant]


def _link_parts(frames: list[EventFrame], ex: Extraction) -> None:
    """Strikes on the day of a ground operation, on its target or place, are part of it; so are
    the actions told as part of a named operation, and those in a campaign's city, by its parties."""
    for fr in frames:
        op = getattr(fr, "_part_of_frame", None)
        if op is not None and op in frames:
            fr.part_of = op.id
    campaigns = [f for f in frames if f.name and is_campaign_name(f.name)]
    for fr in frames:
        if fr.part_of or fr.name:
            continue
        for op in campaigns:
            city = op.places[0]
            in_city = any(k == city or (k in ex.entities and ex.entities[k].within == city) for k in fr.places)
            if in_city and set(fr.agents + fr.targets) & set(op.agents + op.targets + op.supporters):
                fr.part_of = op.id
                break
    for fr in frames:
        if fr.part_of:
            continue
        if fr.type not in ("Airstrike", "DroneStrike", "Shelling"):
            continue
        for op in frames:
            if op is fr or op.type != "GroundOperation" or not op.time or not fr.time:
                continue
            if op.time.value == fr.time.value and (set(op.targets) & set(fr.targets) or set(op.places) & set(fr.places)) \
                    and (set(fr.agents) & set(op.supporters) or set(fr.agents) & set(op.agents)):
                fr.part_of = op.id
                break
