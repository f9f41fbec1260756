"""Extraction on sentences written for these tests: plain Article in, plain frames out."""
from datetime import date

import pytest

from kg.extract import Extractor
from kg.model import Article


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def run(extractor: Extractor, text: str, published: date | None = date(2021, 3, 11), outlet: str = "Kurdistan 24"):
    art = Article(id="t1", url="https://example.invalid/t1", title="", text=text, published=published, outlet=outlet)
    return extractor.extract(art)


def only(ex, type_=None):
    events = [e for e in ex.events if type_ is None or e.type == type_]
    assert len(events) == 1, [(e.type, e.trigger) for e in ex.events]
    return events[0]


def test_joint_operation_with_support(extractor):
    ex = run(extractor, "Peshmerga forces, along with the Iraqi army and with the support of the US-led coalition, "
                        "launched a military operation on Tuesday against Islamic State remnants near Makhmour.")
    e = only(ex)
    assert e.type == "GroundOperation"
    assert set(e.agents) >= {"peshmerga"} and len(e.agents) == 2
    assert e.targets == ["islamic_state"]
    assert e.supporters == ["us_led_coalition"]
    assert e.time.iso() == "2021-03-09"
    assert ex.entities[e.places[0]].label.lower().startswith("makh")


def test_passive_voice_swaps_roles(extractor):
    ex = run(extractor, "Two shepherds were kidnapped by Islamic State militants near Kirkuk on Sunday.")
    e = only(ex)
    assert e.type == "Kidnapping"
    assert e.agents == ["islamic_state"]
    assert ex.entities[e.targets[0]].kind == "CivilianGroup"
    assert e.captured == 2


def test_weapon_cues_type_the_strike(extractor):
    ex = run(extractor, "Turkish warplanes struck PKK positions in the Qandil mountains on Monday, killing four militants.")
    e = only(ex)
    assert e.type == "Airstrike"
    assert e.targets == ["pkk"] and e.killed == 4
    assert ex.entities[e.agents[0]].kind == "StateForce"
    ex = run(extractor, "A Turkish drone strike hit a car carrying PKK members near Sinjar.")
    assert only(ex).type == "DroneStrike"


def test_attribution_to_unnamed_source_and_official(extractor):
    ex = run(extractor, "Iraqi forces arrested five suspects in Kirkuk on Wednesday, a security source told Kurdistan 24. "
                        "The source added that the suspects belonged to the Islamic State.")
    e = only(ex)
    assert e.type == "Arrest"
    (src,) = e.sources
    assert ex.entities[src].kind == "AnonymousSource"
    assert ex.entities[src].label == "a security source"
    assert "Kurdistan 24" not in {ex.entities[s].label for s in e.sources}


@pytest.mark.parametrize("text", [
    "The group threatened to attack Kurdish villages near Makhmour.",
    "Officials fear the militants will launch new attacks in Diyala.",
    "The group continues to carry out attacks, kidnappings and ambushes in Kirkuk.",
    "The army denied that any airstrike took place.",
    "The mountain has often been used by the group to attack Peshmerga positions.",
])
def test_not_factual(extractor, text):
    assert run(extractor, text).events == []


def test_repeated_mentions_merge_and_distinct_dates_stay_apart(extractor):
    ex = run(extractor, "Peshmerga forces launched an operation against Islamic State militants near Makhmour on Tuesday. "
                        "The operation was supported by coalition aircraft, a military source said. "
                        "On February 2, Peshmerga forces launched a similar operation near Makhmour.")
    ops = [e for e in ex.events if e.type == "GroundOperation"]
    assert len(ops) == 2
    assert {o.time.iso() for o in ops} == {"2021-03-09", "2021-02-02"}


def test_casualties_in_next_sentence_attach_to_event(extractor):
    ex = run(extractor, "Al-Shabaab militants ambushed a Somali army convoy near Qoryoley on Sunday. "
                        "At least five soldiers were killed and seven wounded.", outlet="Garowe Online")
    e = only(ex)
    assert e.type == "Ambush"
    assert e.agents == ["al_shabaab"]


def test_strength_estimate_and_control_claims(extractor):
    ex = run(extractor, "Roughly 200 Islamic State militants are hiding in the Hamrin mountains, a military source said. "
                        "Iraqi forces control the villages south of Makhmour.")
    assert [(s.actor, s.count) for s in ex.estimates] == [("islamic_state", 200)]
    assert ex.control and ex.control[0].actor != "islamic_state"


def test_every_surface_form_is_kept(extractor):
    ex = run(extractor, "ISIS attacked a checkpoint in Tal Afar. Daesh later claimed the attack. "
                        "The Islamic State group said its fighters killed three soldiers.")
    forms = ex.entities["islamic_state"].surface_forms
    assert {"ISIS", "Daesh"} <= forms


def test_no_text_no_events(extractor):
    ex = run(extractor, "The weather in Erbil was sunny on Monday.")
    assert ex.events == []


def test_country_acting_is_its_forces_and_anti_x_is_the_target(extractor):
    ex = run(extractor, "Turkey launched a new anti-PKK operation in the Zap region on Monday.", outlet="Anadolu Agency")
    e = only(ex)
    assert e.agents == ["turkish_armed_forces"] and e.targets == ["pkk"]


def test_seizing_a_town_is_a_ground_operation(extractor):
    ex = run(extractor, "Islamic State militants seized the town of Hit on Sunday.")
    assert only(ex).type == "GroundOperation"


def test_unnamed_victims_are_civilians(extractor):
    ex = run(extractor, "A car bomb exploded in a market in Kirkuk on Friday, killing five people.")
    e = only(ex)
    assert e.type == "Bombing" and e.killed == 5 and e.targets == ["civilians"]


def test_unlisted_village_is_placed_near_the_known_place(extractor):
    ex = run(extractor, "Islamic State militants attacked the village of Zarqa Saghira near Kirkuk on Friday.")
    e = only(ex)
    village = ex.entities[e.places[0]]
    assert village.label == "Zarqa Saghira" and village.kind == "Settlement"
    assert village.lat is not None and village.precision_km >= 4


def test_dateline_is_not_where_it_happened(extractor):
    ex = run(extractor, "ERBIL (Kurdistan 24) - Turkish warplanes struck PKK positions in the Qandil mountains on Monday.")
    e = only(ex)
    assert "erbil" not in e.places


def test_headline_merges_into_the_lead(extractor):
    art = Article(id="t2", url="https://example.invalid/t2", title="Peshmerga kill 12 IS militants near Makhmour",
                  text="Peshmerga forces killed 12 Islamic State militants in an operation near Makhmour on Tuesday, "
                       "a military source said.", published=date(2021, 3, 11), outlet="Rudaw")
    ex = extractor.extract(art)
    assert len(ex.events) == 1 and ex.events[0].killed == 12


def test_speaker_with_possessive_or_parenthesis_takes_no_part(extractor):
    ex = run(extractor, "Five airstrikes struck Islamic State units near Hasakah, the coalition's central command said.")
    e = only(ex)
    assert e.targets == ["islamic_state"]
    ex = run(extractor, "The Popular Mobilization Forces (PMF) said gunmen of the Islamic State attacked a police checkpoint near Tikrit.")
    e = only(ex)
    assert "popular_mobilization_forces" not in e.agents and "islamic_state" in e.agents


def test_object_of_an_active_harm_verb_before_the_trigger_is_a_target(extractor):
    ex = run(extractor, "Islamic State militants killed a Peshmerga officer and three fighters in an attack near Kifri on Sunday.")
    e = only(ex)
    assert e.agents == ["islamic_state"] and e.targets == ["peshmerga"]


def test_subject_of_a_noun_trigger_with_a_by_agent_suffered_it(extractor):
    ex = run(extractor, "The Iraqi army repelled an attack by Islamic State militants near Tarmiyah on Monday.")
    e = only(ex)
    assert e.agents == ["islamic_state"] and "iraqi_army" in e.targets


def test_object_right_after_a_verb_trigger_belongs_to_it(extractor):
    ex = run(extractor, "Fighter jets of the US-led coalition targeted Islamic State fighters with eight strikes in Syria on Tuesday.")
    e = only(ex)
    assert e.type == "Airstrike"
    assert e.agents == ["us_led_coalition"] and e.targets == ["islamic_state"]


def test_explicit_support_outranks_a_listed_subject(extractor):
    ex = run(extractor, "Peshmerga forces, the Iraqi army and the US-led coalition launched a military operation against "
                        "Islamic State remnants near Makhmour on Sunday. The operation, supported by the US-led coalition, "
                        "continued into the evening.")
    e = only(ex)
    assert set(e.agents) == {"peshmerga", "iraqi_army"} and e.supporters == ["us_led_coalition"]


def test_victims_of_the_next_sentence_are_the_events_targets(extractor):
    ex = run(extractor, "Islamic State militants attacked a village near Tuz Khurmatu on Sunday night. "
                        "Colonel Ahmed Karim and two Iraqi army soldiers were killed.")
    e = only(ex)
    assert e.agents == ["islamic_state"]
    assert "iraqi_army" in e.targets and any(k.startswith("person_") for k in e.targets)


def test_artillery_words_in_a_later_clause_do_not_make_a_shelling(extractor):
    ex = run(extractor, "The Islamic State assault on the outskirts of Kirkuk began at midnight on Friday, "
                        "prompting fighting with heavy weapons.")
    assert [e.type for e in ex.events] == ["Attack"]
    ex = run(extractor, "Rebels destroyed an army vehicle near Kafr Nabl on Monday, using a guided missile.")
    assert only(ex).type == "Shelling"


def test_headline_roles_do_not_override_the_body(extractor):
    art = Article(id="t3", url="https://example.invalid/t3", title="Iraqi army, Peshmerga, coalition launch anti-IS strike",
                  text="Coalition jets carried out raids on Islamic State hideouts near Makhmour on Monday.",
                  published=date(2021, 3, 11), outlet="Rudaw")
    ex = extractor.extract(art)
    strikes = [e for e in ex.events if e.type == "Airstrike"]
    assert len(strikes) == 1 and strikes[0].agents == ["us_led_coalition"]


def test_an_affiliation_is_not_a_part_in_the_event(extractor):
    ex = run(extractor, "Turkish troops captured the village of Kastal from PKK-affiliated YPG fighters on Friday.")
    e = only(ex)
    assert e.type == "GroundOperation" and "pkk" not in e.supporters + e.agents + e.targets


def test_named_operation_takes_the_parties_of_its_parts(extractor):
    ex = run(extractor, "Turkey launched Operation Spring Shield on March 1 in Idlib. "
                        "On Friday, Turkish troops and the Free Syrian Army captured three villages from the YPG "
                        "as part of Operation Spring Shield.")
    op = next(e for e in ex.events if e.name == "Operation Spring Shield")
    assert set(op.agents) == {"turkish_armed_forces", "free_syrian_army"} and op.targets == ["ypg"]
    parts = [e for e in ex.events if e.part_of == op.id]
    assert len(parts) == 1


def test_two_trigger_words_in_a_row_are_one_event(extractor):
    ex = run(extractor, "Turkish F-16 jets resumed their bombing campaign near Afrin on Thursday.")
    assert [e.type for e in ex.events] == ["Airstrike"]
    ex = run(extractor, "Iraqi army units launched operations targeting Islamic State remnants in the Hamrin mountains on Saturday.")
    e = only(ex)
    assert e.type == "GroundOperation" and e.targets == ["islamic_state"]


def test_territory_taken_in_the_passive_and_its_defenders(extractor):
    ex = run(extractor, "The villages of Kastal and Maryamin were captured from the YPG on Friday.")
    e = only(ex)
    assert e.type == "GroundOperation" and e.targets == ["ypg"]
    ex = run(extractor, "Turkish troops captured four villages held by the YPG on Friday.")
    e = only(ex)
    assert e.agents == ["turkish_armed_forces"] and e.targets == ["ypg"]


def test_neutralized_fighters_are_targets(extractor):
    ex = run(extractor, "The Turkish army neutralized 12 PKK militants in airstrikes in northern Iraq on Monday.")
    e = only(ex)
    assert e.agents == ["turkish_armed_forces"] and e.targets == ["pkk"]


def test_a_running_tally_is_not_an_event(extractor):
    ex = run(extractor, "Since the operation began, Turkish troops have captured a total of 40 villages.")
    assert ex.events == []


def test_a_participle_clause_shares_the_subject_before_it(extractor):
    ex = run(extractor, "Peshmerga forces raided a village near Gwer on Saturday. "
                        "Coalition warplanes backed the raid, providing air cover and targeting Islamic State hideouts.")
    strikes = [e for e in ex.events if e.type == "Airstrike"]
    assert len(strikes) == 1 and strikes[0].agents == ["us_led_coalition"] and strikes[0].targets == ["islamic_state"]


def test_a_group_named_before_a_target_noun_is_the_target(extractor):
    ex = run(extractor, "Turkish jets carried out air strikes in northern Iraq's PKK bases in Qandil on Sunday.")
    e = only(ex)
    assert e.agents == ["turkish_armed_forces"] and e.targets == ["pkk"]


def test_speaker_with_a_name_in_apposition_and_back_references(extractor):
    ex = run(extractor, "Islamic State militants abducted four shepherds near Daquq on Monday. "
                        "The chief of the Iraqi police department, Karim Salih, said the abducted shepherds come from a nearby village.")
    e = only(ex)
    assert e.agents == ["islamic_state"] and "iraqi_police" not in e.agents


def test_operation_inside_a_body_name_is_no_event(extractor):
    ex = run(extractor, "Officials of the Combined Joint Task Force Operation Inherent Resolve spoke to reporters on Monday.")
    assert ex.events == []
