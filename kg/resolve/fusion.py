"""Cross-article event fusion: reports of one real-world event share one event IRI.

An event's fusion id is derived from what identifies it in the world (type family, day, the
place it happened and the sides involved), so two articles that report the same strike on the
same day at the same place agree on the id without seeing each other. Events that lack a
day-precise date or a specific place keep their per-article id: fusing on weak evidence is
worse than leaving two reports apart.
"""
from __future__ import annotations

from kg.model import Entity, EventFrame, Extraction
from kg.rdf.iris import slug

FAMILY = {"Airstrike": "strike", "DroneStrike": "strike", "Shelling": "shelling",
          "GroundOperation": "ground", "Raid": "ground", "Clash": "ground", "Attack": "attack",
          "Ambush": "attack", "Killing": "attack", "Bombing": "bombing", "Kidnapping": "abduction",
          "Arrest": "arrest"}
_SPECIFIC = ("Facility", "TerrainFeature", "Settlement")


class EventFuser:
    """Sets `global_id` on events that carry enough identity to be fused across articles."""

    def fusion_key(self, event: EventFrame, entities: dict[str, Entity]) -> str | None:
        if event.time is None or event.time.precision != "day":
            return None
        place = next((entities[k] for k in event.places
                      if k in entities and entities[k].kind in _SPECIFIC), None)
        if place is None:
            return None
        sides = sorted({k for k in event.agents + event.supporters if k in entities
                        and entities[k].category == "actor" and not entities[k].article_local})
        if not sides:
            return None
        return "-".join([event.time.value.isoformat(), FAMILY.get(event.type, "event"),
                         slug(place.key, 40), slug(sides[0], 30)])

    def fuse(self, ex: Extraction) -> Extraction:
        seen: set[str] = set()
        for event in ex.events:
            key = self.fusion_key(event, ex.entities)
            if key and key not in seen:
                event.global_id = key
                seen.add(key)
        return ex
