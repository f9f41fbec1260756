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
    ex = run(extractor, "On Tuesday Peshmerga units and the Iraqi army, with the support of the US-led coalition, "
                        "began a joint military operation against Islamic State cells in the hills near Makhmour.")
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
    ex = run(extractor, "Iraqi forces arrested five suspects in Kirkuk on Wednesday, a police source told Kurdistan 24. "
                        "The source added that the suspects belonged to the Islamic State.")
    e = only(ex)
    assert e.type == "Arrest"
    (src,) = e.sources
    assert ex.entities[src].kind == "AnonymousSource"
    assert ex.entities[src].label == "a police source"
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


@pytest.mark.parametrize("text,factual", [
    # a habit cue is its words in a row, whatever stands between them
    ("The group continued -- to the dismay of villagers -- attacks on farms near Kirkuk.", True),
    ("The group continued, to the dismay of villagers, to attack farms near Kirkuk.", False),
    ("Militants, who usually hide in the hills, attacked a checkpoint near Kirkuk.", False),
    # ... and whole words: "willingly" and "ifs" are no "will" or "if"
    ("Villagers willingly said that militants attacked a checkpoint near Kirkuk on Monday.", True),
    ("No ifs: militants attacked a checkpoint near Kirkuk on Monday.", True),
    # a war told as years-long, spaced or not, is no event; a hyphen elsewhere changes nothing
    ("The decades - long insurgency of the militants near Kirkuk goes on.", False),
    ("Pro-government fighters attacked militants near Kirkuk on Monday.", True),
    # a modal after the trigger, before any punctuation, makes it a plan
    ("Attacks on the militants near Kirkuk will continue, the army said.", False),
    ("Attacks on the militants near Kirkuk, which will be studied, began on Monday.", True),
])
def test_factuality_cues(extractor, text, factual):
    assert bool(run(extractor, text).events) is factual, [(e.type, e.trigger) for e in run(extractor, text).events]


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


# ---------------------------------------------------------------- sources
def quoted(ex) -> dict[str, str]:
    """Label of every entity the article quotes (as a source of an event or not), by key."""
    return {k: e.label for k, e in ex.entities.items() if e.quoted or e.category == "source"}


def test_a_speaker_of_no_event_is_still_a_source(extractor):
    ex = run(extractor, "Karwan Hadi Salih, a council member in Dohuk, warned on Monday that the roads are unsafe.")
    assert "person_karwan_hadi_salih" in quoted(ex)


def test_the_statement_is_the_body_that_issued_it(extractor):
    ex = run(extractor, "The Turkish Defence Ministry said in a statement that its jets struck PKK shelters in Hakurk. "
                        "Twelve militants were killed, the statement added.")
    labels = quoted(ex)
    assert "turkish_ministry_of_national_defence" in labels
    assert not any("statement" in lab.lower() for lab in labels.values())


def test_a_described_statement_is_an_unnamed_source(extractor):
    ex = run(extractor, "Army units cleared three villages near Hit, according to a military statement.")
    assert "a military statement" in quoted(ex).values()


def test_a_bare_statement_before_its_body_is_not_a_source(extractor):
    ex = run(extractor, "In a statement on its website, the Turkish Armed Forces said jets hit PKK depots in Zap.")
    assert set(quoted(ex)) == {"turkish_armed_forces"}


def test_surname_alone_is_the_person_named_before(extractor):
    ex = run(extractor, "Defence Minister Idrissa Kaboreh visited the wounded. "
                        "Later, Kaboreh said eleven soldiers were killed in the ambush near Djibo.")
    assert "person_idrissa_kaboreh" in quoted(ex)
    assert not any(k.startswith("person_") and k != "person_idrissa_kaboreh" for k in ex.entities)


def test_inverted_verb_with_a_long_title(extractor):
    ex = run(extractor, '"The attack was planned for months," said US State Department spokesman Dale Whitmore.')
    assert "person_dale_whitmore" in quoted(ex)


def test_speech_inside_a_quotation_is_the_speakers_words(extractor):
    ex = run(extractor, '"The province is calmer than some foreign diplomats say, but not safe," '
                        'Hemin Rasul Aziz, a local party leader, told reporters.')
    labels = quoted(ex)
    assert "person_hemin_rasul_aziz" in labels
    assert not any("diplomat" in lab for lab in labels.values())


def test_a_name_inside_the_clause_is_not_the_speaker(extractor):
    ex = run(extractor, "A police source said the two victims were named as the teacher Karim Adel Mahdi, "
                        "the source said. Samir Yousef Nouri, a farmer, and one gunman were killed, he added.")
    assert not any(k.startswith("person_") for k in quoted(ex))


def test_credit_line_agency_is_a_source(extractor):
    ex = run(extractor, "Turkish jets struck PKK positions in the Qandil mountains on Sunday.\nSource: AFP",
             outlet="Daily Example")
    assert "agence_france_presse" in quoted(ex)


def test_outlet_witness_and_local_media(extractor):
    ex = run(extractor, "Peshmerga forces entered Sinjar on Friday, a Reuters witness said.\n"
                        "Speaking to local media, army commander Farhad Ali Ahmed confirmed the advance.")
    labels = set(quoted(ex).values())
    assert "a Reuters witness" in labels
    assert "local media" in labels
    assert "person_farhad_ali_ahmed" in quoted(ex)


def test_bare_title_after_according_to(extractor):
    ex = run(extractor, "Two rockets hit Reyhanli on Sunday, according to governor of Hatay.")
    assert "governor of Hatay" in quoted(ex).values()


def test_registry_person_keeps_the_titled_form(extractor):
    ex = run(extractor, "Iraqi Prime Minister Haider al-Abadi said the army retook the town.")
    assert "Iraqi Prime Minister Haider al-Abadi" in ex.entities["haider_al_abadi"].surface_forms


# ---------------------------------------------------------------- registry coverage
def actor_keys(ex) -> set[str]:
    return {k for k, e in ex.entities.items() if e.category == "actor"}


def test_sahel_security_services_by_country(extractor):
    ex = run(extractor, "Gunmen attacked a gendarmerie post near Tillaberi in Niger on Sunday, killing four gendarmes, "
                        "and the National Guard of Niger pursued them.", outlet="Example Wire")
    assert {"niger_gendarmerie", "niger_national_guard"} <= actor_keys(ex)


def test_syrian_opposition_and_islamist_factions(extractor):
    ex = run(extractor, "Regime forces clashed with opposition and Islamist factions near Kafr Nabl in Idlib on Monday.",
             outlet="Example Wire")
    assert "syrian_rebels" in actor_keys(ex)


def test_libyan_and_lebanese_bodies(extractor):
    ex = run(extractor, "The Tariq Bin Ziyad Brigade shelled positions of the Benghazi Defense Brigades south of Sirte, Libya.",
             outlet="Example Wire")
    assert {"tariq_bin_ziyad_brigade", "benghazi_defense_brigades"} <= actor_keys(ex)
    ex = run(extractor, "Lebanese General Security arrested two members of Asbat al-Ansar in Sidon, Lebanon.",
             outlet="Example Wire")
    assert {"lebanese_general_security", "asbat_al_ansar"} <= actor_keys(ex)


def test_coalition_named_by_its_task_force(extractor):
    ex = run(extractor, "U.S.-led warplanes struck Islamic State positions near Hit, officials from the Combined Joint Task "
                        "Force Operation Inherent Resolve said.", outlet="Example Wire")
    assert "us_led_coalition" in actor_keys(ex)
    assert not any(k.startswith("group_") for k in ex.entities)


def test_a_nationality_before_a_site_is_its_forces(extractor):
    ex = run(extractor, "Unknown aircraft hit an Iranian depot outside Mayadin on Friday, a monitor reported.",
             outlet="Example Wire")
    assert "iranian_armed_forces" in actor_keys(ex)


def test_quote_that_opens_the_sentence_hides_its_speech_verbs(extractor):
    ex = run(extractor, 'Hemin Rasul Aziz, a local party leader, spoke on Monday.\n'
                        '"The province is calmer than some foreign diplomats say, but it is not safe.')
    assert not any("diplomat" in lab for lab in quoted(ex).values())


def test_one_of_the_victims_is_a_witness(extractor):
    ex = run(extractor, "Gunmen abducted four farmers near Daquq on Monday. One of the farmers, who was freed the next "
                        "day, told reporters that the kidnappers wore masks.")
    sources = {k: e for k, e in ex.entities.items() if e.category == "source"}
    assert any(e.kind == "Witness" and e.label.lower() == "one of the farmers" for e in sources.values())


def test_coordinated_unnamed_sources_are_one(extractor):
    ex = run(extractor, "The group has turned to kidnapping for ransom, according to security analysts and officials.")
    assert "security analysts and officials" in quoted(ex).values()


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


def test_later_look_back_gives_the_whole_toll(extractor):
    ex = run(extractor, "A farmer was killed near Kirkuk on Sunday by suspected Islamic State militants, a police source said. "
                        "The attackers were later repelled. "
                        "In the clashes, the farmer and one of the militants were killed, the source added.")
    e = only(ex, "Attack")
    assert e.killed == 2


def test_a_partys_larger_figure_stays_a_claim(extractor):
    ex = run(extractor, "Al-Shabaab fighters attacked an army base near Baidoa on Friday, killing three soldiers, an officer said. "
                        "Al-Shabaab said the attack killed 20 soldiers.", outlet="Garowe Online")
    e = only(ex, "Attack")
    assert e.killed == 3


def test_seizing_the_target_keeps_the_attack(extractor):
    ex = run(extractor, "Al-Shabaab fighters attacked an army base near Baidoa on Friday, killing four soldiers. "
                        "The militants briefly seized the base before withdrawing, a military officer said.",
             outlet="Garowe Online")
    assert [e.type for e in ex.events] == ["Attack"]
    assert ex.events[0].killed == 4


def test_operation_in_a_title_is_no_event(extractor):
    ex = run(extractor, "Al-Shabaab fighters attacked an army base near Baidoa on Friday, the group's military "
                        "operations spokesman said.", outlet="Garowe Online")
    assert [e.type for e in ex.events] == ["Attack"]


def test_when_clause_shares_the_time(extractor):
    ex = run(extractor, "Fighting erupted on Tuesday night when Islamic State militants launched a large attack on a prison in Hasakah.",
             published=date(2021, 3, 11))
    e = only(ex, "Attack")
    assert e.time.iso() == "2021-03-09"


def test_ongoing_fighting_is_dated_by_the_report(extractor):
    ex = run(extractor, "Islamic State militants attacked a prison in Hasakah on Monday, a monitor said. "
                        "The Syrian Democratic Forces are locked in ongoing clashes with the militants in the nearby villages of Ghwayran.",
             published=date(2021, 3, 11))
    clash = [e for e in ex.events if e.type == "Clash"]
    assert clash and clash[0].time.iso() == "2021-03-11"


@pytest.mark.parametrize("text,label,south", [
    ("Syrian regime forces shelled Kafr Zaytun in the southern countryside of Idlib on Monday.", "Kafr Zaytun", True),
    ("Turkish forces shelled Zarzuna and surrounding villages in the northern countryside of Aleppo on Monday.", "Zarzuna", False),
])
def test_unlisted_village_placed_by_the_countryside_it_lies_in(extractor, text, label, south):
    ex = run(extractor, text, outlet="Kurdistan 24")
    e = only(ex, "Shelling")
    places = [ex.entities[k] for k in e.places]
    village = next(p for p in places if p.label == label)
    anchor = (35.93, 36.63) if south else (36.20, 37.16)
    assert village.lat is not None
    assert (village.lat < anchor[0] - 0.1) if south else (village.lat > anchor[0] + 0.1)


def test_same_named_villages_of_different_reports_are_different_places(extractor):
    one = run(extractor, "Regime forces shelled Kafr Tulul in Idlib countryside on Monday.")
    two = run(extractor, "Regime forces shelled Kafr Tulul in the western countryside of Aleppo on Monday.")
    three = run(extractor, "Regime forces shelled Kafr Tulul in the southern countryside of Idlib on Monday.")
    keys = [only(ex, "Shelling").places for ex in (one, two, three)]
    villages = [next(k for k in ks if "kafr_tulul" in k) for ks in keys]
    assert len(set(villages)) == 3


def test_village_in_idlib_lies_in_the_governorate_and_a_neighbourhood_in_the_town(extractor):
    ex = run(extractor, "Regime forces shelled Kafr Tulul in Idlib on Monday.")
    village = next(e for e in ex.entities.values() if e.label == "Kafr Tulul")
    region = ex.entities.get("idlib") and extractor.lex.gazetteer.get("idlib_governorate")
    assert (village.lat, village.lon) == (region.lat, region.lon)
    ex = run(extractor, "A grenade was hurled into a bakery in the Tulul neighbourhood in Idlib city on Monday.")
    quarter = next(e for e in ex.entities.values() if e.label == "Tulul")
    town = extractor.lex.gazetteer.get("idlib")
    assert abs(quarter.lat - town.lat) < 0.01 and abs(quarter.lon - town.lon) < 0.01


def test_a_town_named_as_a_city_is_read_as_its_pattern_reads_it():
    """_named_as_city finds "X city" and "city of X" from where the names stand, as the pattern
    of the town's names (compiled beyond ASCII) does."""
    import itertools
    import re
    from kg.extract.extractor import _named_as_city
    sentences = ["a bakery in Idlib city was hit", "in the city of IDLIB", "in the city of Idlibi", "in Idlib's city",
                 "the cityof Idlib", "Idlib  City centre", "in xIdlib city", "in the city of  Idleb and Idlib",
                 "in the city of Idl", "the city of Idlib city", "in Idlib cityscape", "in Idlib-city", "in İdlib city"]
    name_sets = [["Idlib"], ["Idlib", "Idl"], ["Idleb", "Idlib"], ["İdlib", "Idlib"]]
    for sentence, names in itertools.product(sentences, name_sets):
        forms = "|".join(re.escape(n) for n in names)
        expected = bool(re.search(rf"\b(?:{forms})\s+city\b|\bcity\s+of\s+(?:{forms})\b", sentence, re.I))
        assert _named_as_city(sentence, names) == expected, (sentence, names)


@pytest.mark.parametrize("name", ["Kafr Beirut", "Tell Hamdun", "Khirbet Baghdad"])
def test_compound_village_name_is_not_shortened_to_a_known_word(extractor, name):
    ex = run(extractor, f"Regime forces shelled {name} in Aleppo countryside on Monday.")
    e = only(ex, "Shelling")
    labels = [ex.entities[k].label for k in e.places]
    assert name in labels
    assert not {"beirut", "al_tall", "baghdad"} & set(e.places)


def test_variant_spelling_of_a_known_town_is_that_town(extractor):
    ex = run(extractor, "Regime forces arrested ten men in the town of Ein Tirma near Damascus on Monday.")
    town = next(e for e in ex.entities.values() if e.category == "place" and e.label.lower().endswith("tarma"))
    assert town.lat is not None and not town.key.startswith("unlisted")


@pytest.mark.parametrize("text, outlet, region", [
    ("Gunmen abducted two farmers from a village of Salaheddine province on Tuesday.", "Kurdistan 24",
     "salahuddin_governorate"),
    ("Gunmen abducted two farmers in Syria's Dair Ezzour province on Tuesday.", "", "deir_ez_zor_governorate"),
    ("Gunmen abducted two farmers from a village of Mali's Tombouktou region on Tuesday.", "", "timbuktu_region"),
])
def test_a_province_spelt_with_other_vowels_is_that_province(extractor, text, outlet, region):
    e = only(run(extractor, text, outlet=outlet), "Kidnapping")
    assert e.places == [region]      # not an unlisted village, nor the district named after it


@pytest.mark.parametrize("text", [
    "Regime forces shelled rebel positions in Hama countryside on Monday.",
    "Regime forces shelled rebel positions in the countryside of Hama on Monday.",
    "Regime forces shelled rebel positions in rural Hama on Monday.",
])
def test_a_town_named_with_its_countryside_is_the_region(extractor, text):
    e = only(run(extractor, text), "Shelling")
    assert "hama_governorate" in e.places and "hama" not in e.places


def test_the_outskirts_of_an_unlisted_village_name_it(extractor):
    ex = run(extractor, "A roadside bomb exploded on the outskirts of Qawzar, northern Diyala province, on Monday, killing a soldier.")
    e = only(ex, "Bombing")
    village = next(ex.entities[k] for k in e.places if ex.entities[k].label == "Qawzar")
    region = ex.entities["diyala_governorate"]
    assert village.within == "diyala_governorate" and village.lat > region.lat + 0.2


def test_country_before_backed_qualifies_a_party_and_is_no_place(extractor):
    ex = run(extractor, "A Turkey backed faction fired at a checkpoint on Monday.")
    assert "turkey" not in ex.entities


def test_one_article_names_one_unlisted_village_once(extractor):
    ex = run(extractor, "Regime forces shelled Kafr Tulul in the southern countryside of Idlib on Monday. "
                        "Later, rebels attacked regime positions near Kafr Tulul in Idlib.")
    villages = [k for k, e in ex.entities.items() if e.label == "Kafr Tulul"]
    assert len(villages) == 1


def test_a_named_desert_is_a_terrain_feature(extractor):
    ex = run(extractor, "A landmine exploded under a militia vehicle in Zawiyeh desert in Homs countryside on Monday.")
    desert = next(e for e in ex.entities.values() if e.label == "Zawiyeh")
    assert desert.kind == "TerrainFeature" and desert.lat is not None


def test_compound_place_name_is_a_place_without_other_cues(extractor):
    ex = run(extractor, "Regime forces shelled Kafr Tulul on Monday, killing two civilians.")
    e = only(ex, "Shelling")
    assert [ex.entities[k].label for k in e.places] == ["Kafr Tulul"]


def test_a_list_of_names_is_not_placed_by_the_next_one(extractor):
    ex = run(extractor, "Syrian regime forces shelled Kafr Zaytun and Idlib on Monday.")
    # "X and Idlib" lists two places: nothing says X lies at Idlib
    assert not any(e.label == "Kafr Zaytun" and e.within == "idlib" for e in ex.entities.values())


def test_colon_dateline_is_not_where_it_happened(extractor):
    ex = run(extractor, "Kabul: Taliban fighters attacked a police checkpoint in Kunduz on Monday, killing four officers.")
    e = only(ex, "Attack")
    assert "kabul" not in e.places


def test_unlisted_place_lies_near_the_place_just_reported(extractor):
    ex = run(extractor, "Coalition airstrikes killed 20 Houthi fighters in Marib on Friday, a military source said. "
                        "The strikes hit the fighters as they moved toward army positions in the western district of Wadi Qarnaw.",
             outlet="Kurdistan 24")
    place = next(e for e in ex.entities.values() if e.label.endswith("Qarnaw"))
    marib = ex.entities["marib"]
    assert place.within == "marib" and (place.lat, place.lon) == (marib.lat, marib.lon)
    assert [e.killed for e in ex.events if e.type == "Airstrike"] == [20]


# ---------------------------------------------------------------- actors: who is a party, and whose forces

def test_iraqi_kurdish_is_one_party_named_from_the_first_word(extractor):
    ex = run(extractor, "Islamic State militants attacked Iraqi Kurdish positions west of Kirkuk on Monday.")
    e = only(ex)
    assert e.targets == ["peshmerga"]
    assert "Iraqi Kurdish positions" in ex.entities["peshmerga"].surface_forms


def test_province_police_is_a_named_body_of_the_national_police(extractor):
    ex = run(extractor, "Gunmen attacked a checkpoint near Baquba on Tuesday, killing two soldiers, "
                        "a spokesman for the Diyala police said.")
    assert "iraqi_police" in ex.entities
    assert "Diyala police" in ex.entities["iraqi_police"].surface_forms


def test_body_in_a_persons_title_is_no_party(extractor):
    ex = run(extractor, "US State Department spokesman Tom Reed said on Monday that Islamic State militants "
                        "attacked a checkpoint near Raqqa.")
    assert "us_state_department" not in ex.entities
    assert any(k.startswith("person_tom") for k in ex.entities)


def test_ministry_named_before_officials_is_a_party(extractor):
    ex = run(extractor, "A roadside bomb killed four people in Baghdad on Friday, according to interior ministry officials.")
    assert "iraqi_ministry_of_interior" in ex.entities


def test_generic_phrase_refers_back_to_the_force_whose_name_ends_in_it(extractor):
    ex = run(extractor, "Islamic State fighters attacked the Kurdish internal security forces in Hasakah on Sunday. "
                        "The militants later fired on security forces near the prison.")
    keys = {m.key for m in ex.mentions if m.text.lower().endswith("security forces")}
    assert keys == {"asayish_aanes"}


@pytest.mark.parametrize("text", [
    "Turkish jets struck positions of the Democratic Workers Front in the mountains on Monday.",
    "Turkish jets struck PKK positions near Sinjar on Monday, the defence minister told reporters.",
])
def test_civilian_nouns_inside_names_or_spoken_to_are_no_party(extractor, text):
    ex = run(extractor, text)
    assert not {"workers", "journalists"} & set(ex.entities)


def test_kurdish_workers_party_is_the_pkk(extractor):
    ex = run(extractor, "Turkish warplanes bombed Kurdish Workers Party (PKK) hideouts near Sinjar on Tuesday.")
    e = only(ex)
    assert e.targets == ["pkk"]


def test_regime_of_a_ruler_is_the_government(extractor):
    ex = run(extractor, "The rebels said the Bashar Assad regime had blocked aid to Idlib.")
    assert "syrian_government" in ex.entities
    assert "bashar_al_assad" not in ex.entities


def test_the_military_is_the_army_of_the_country_whose_forces_are_named(extractor):
    ex = run(extractor, "Iraqi forces pushed into the old city of Mosul on Monday. The militants blew up a bridge "
                        "to slow the advance by the military.")
    keys = {m.key for m in ex.mentions if m.text.lower().endswith("military")}
    assert keys == {"iraqi_army"}


def test_counter_terrorism_forces_in_syria_are_the_sdf_anti_terror_units(extractor):
    ex = run(extractor, "Counter-terrorism forces raided a house in Hasakah, Syria, on Tuesday and arrested two Islamic State members.")
    assert "anti_terror_units_yat" in ex.entities


def test_police_quoted_as_a_body_is_a_party(extractor):
    ex = run(extractor, "Gunmen stormed a military base near Afgoye on Monday, police said.", outlet="Reuters")
    assert "somali_police_force" in ex.entities


def test_arms_of_the_named_armed_forces_are_those_forces(extractor):
    ex = run(extractor, "The Turkish Armed Forces said on Sunday that YPG positions near Afrin were hit by "
                        "warplanes and ground forces operating from Hatay, Turkey.", outlet="Hurriyet Daily News")
    assert not {"turkish_air_force", "turkish_land_forces"} & set(ex.entities)
    assert {m.key for m in ex.mentions if m.text in ("warplanes", "ground forces")} == {"turkish_armed_forces"}


def test_body_whose_charter_or_council_is_cited_is_no_party(extractor):
    ex = run(extractor, "Turkish jets struck YPG positions near Afrin on Sunday, citing self-defence under the "
                        "U.N. charter and the U.N. Security Council decisions.", outlet="Reuters")
    assert "united_nations" not in ex.entities


def test_the_government_is_the_one_the_article_names(extractor):
    ex = run(extractor, "The Turkish state has fought the PKK for decades. Turkish jets struck PKK hideouts near "
                        "Sinjar in Iraq on Monday. The government said the raids would go on.", outlet="Reuters")
    keys = {m.key for m in ex.mentions if m.text.lower() == "the government"}
    assert keys == {"turkish_government"}


def test_civilian_group_keeps_the_phrase_annotators_quote(extractor):
    ex = run(extractor, "Islamic State militants abducted five shepherds near Kirkuk on Monday.")
    assert "five shepherds" in ex.entities["shepherds"].surface_forms


def test_surface_forms_keep_typographic_apostrophes(extractor):
    ex = run(extractor, "Houthi rebels shelled positions of Hadi’s government near Marib on Monday.", outlet="Reuters")
    assert "Hadi’s government" in ex.entities["yemeni_government"].surface_forms


def test_elite_national_forces_are_the_special_forces(extractor):
    ex = run(extractor, "Elite Iraqi forces cleared the last Islamic State pockets in eastern Mosul on Wednesday.",
             outlet="Reuters")
    assert "counter_terrorism_service" in only(ex).agents
    assert "iraqi_security_forces" not in ex.entities


def test_a_places_security_committee_is_a_body(extractor):
    ex = run(extractor, "The Diyala province security committee imposed a curfew after gunmen attacked a "
                        "checkpoint in Baquba on Friday.")
    bodies = [e for e in ex.entities.values() if e.kind == "Organization" and "committee" in e.label.lower()]
    assert [b.label for b in bodies] == ["Diyala province security committee"]


def test_somalias_federal_government_in_context(extractor):
    ex = run(extractor, "Al Shabaab fighters attacked an army base near Afgoye, Somalia, on Monday. The group "
                        "wants to overthrow the federal government.", outlet="Reuters")
    assert "somali_federal_government" in ex.entities


@pytest.mark.parametrize("text", [
    "Kurdish forces took the disputed towns despite Baghdad's objections, an official said on Monday.",
    "Turkish jets struck PKK hideouts near Sinjar on Monday. Baghdad condemned the raids.",
])
def test_capital_that_objects_or_speaks_is_its_government(extractor, text):
    ex = run(extractor, text, outlet="Reuters")
    assert "iraqi_government" in ex.entities
    assert any(e.category == "place" and e.label == "Baghdad" for e in ex.entities.values())   # still the place named


def test_capital_as_a_city_is_a_place(extractor):
    ex = run(extractor, "A car bomb exploded in Baghdad on Friday, killing five people.", outlet="Reuters")
    assert "iraqi_government" not in ex.entities
    assert only(ex).places


def test_a_capital_after_a_preposition_is_where_the_speakers_are(extractor):
    ex = run(extractor, "Witnesses in Ankara said a car bomb exploded near a police station on Tuesday.",
             outlet="Reuters")
    assert "turkish_government" not in ex.entities
    assert [ex.entities[k].label for k in only(ex).places] == ["Ankara"]


def test_an_event_is_placed_only_at_places(extractor):
    ex = run(extractor, "Ankara said its jets struck PKK positions near Sinjar on Monday.", outlet="Reuters")
    assert "turkish_government" in ex.entities           # the capital speaking is its government ...
    event = only(ex)
    assert event.places and all(ex.entities[k].category == "place" for k in event.places)   # ... never a place


def test_whoever_repels_an_attack_suffered_it(extractor):
    e = only(run(extractor, "The Iraqi army repelled an attack by Islamic State militants near Kirkuk on Sunday."))
    assert e.agents == ["islamic_state"] and e.targets == ["iraqi_army"]
    e = only(run(extractor, "Islamic State attacks on Kirkuk were pushed back by the Peshmerga on Sunday."))
    assert "peshmerga" in e.targets and "peshmerga" not in e.agents


def test_a_speaker_telling_its_own_deed_takes_part(extractor):
    e = only(run(extractor, "Ukraine said it had repelled heavy Russian attacks near Bakhmut on Thursday."))
    assert e.agents == ["russian_armed_forces"] and e.targets == ["ukrainian_armed_forces"]


def test_a_leader_killed_in_a_clause_of_its_own_is_a_killing(extractor):
    ex = run(extractor, "Al Shabaab attacked a base near Baidoa on Friday. The raid came a week after the "
                        "United States announced that it had killed the head of al Shabaab's finance wing.")
    kills = [e for e in ex.events if e.type == "Killing"]
    assert len(kills) == 1 and kills[0].targets == ["al_shabaab"] and kills[0].agents
    attack = next(e for e in ex.events if e.type != "Killing")
    assert attack.agents == ["al_shabaab"] and not set(kills[0].agents) & set(attack.agents)


def test_defenders_killing_their_attackers_is_the_same_fight(extractor):
    ex = run(extractor, "Al Shabaab fighters raided an army outpost near Marka on Sunday. \u201cWe lost four "
                        "soldiers in the cowardly attack. Our men killed nine of the militants,\u201d Somali army "
                        "commander Hassan Nur said.")
    e = only(ex)
    assert e.type == "Attack"       # an insurgents' raid is their attack
    assert e.agents == ["al_shabaab"] and e.targets == ["somali_national_army"]


def test_a_link_to_another_story_and_a_superlative_are_no_events(extractor):
    ex = run(extractor, "Gunmen attacked a police checkpoint near Kirkuk on Sunday.\n"
                        "Read also: Militants kill 30 villagers in fresh attacks in Mali\n"
                        "The police said it was one of the deadliest attacks on the police in months.")
    e = only(ex)
    assert e.trigger == "attacked"


def test_a_link_line_is_known_by_its_start_past_any_indent(extractor):
    ex = run(extractor, "Gunmen attacked a police checkpoint near Kirkuk on Sunday.\n"
                        " \u2003 Related stories: Militants kill 30 villagers in fresh attacks in Mali\n"
                        "Police reinforcements arrived later.")
    assert only(ex).trigger == "attacked"
    # the cue opens the line, not the sentence: told after a story's own sentence, it is no link
    ex = run(extractor, "Police reinforcements arrived later. Read also: gunmen attacked a checkpoint near Kirkuk on Sunday.")
    assert [e.trigger for e in ex.events] == ["attacked"]


def test_a_partner_named_after_the_event_is_an_agent(extractor):
    e = only(run(extractor, "Turkish troops captured three villages held by the YPG on Monday as part of an offensive "
                            "waged together with the Free Syrian Army."), "GroundOperation")
    assert set(e.agents) == {"turkish_armed_forces", "free_syrian_army"} and e.targets == ["ypg"]


def test_ousting_a_group_is_a_ground_operation(extractor):
    e = only(run(extractor, "Iraqi forces have ousted Islamic State militants from eastern Mosul, their commander said."))
    assert e.type == "GroundOperation" and e.targets == ["islamic_state"] and e.agents


def test_the_antecedent_of_a_leading_relative_clause_is_the_agent(extractor):
    e = only(run(extractor, "The chief of the Wagner Group, which is spearheading the assault on Soledar, "
                            "gave a speech on Monday."))
    assert "wagner_group" in e.agents


def test_strikes_named_as_support_leave_the_verb_to_the_forces(extractor):
    ex = run(extractor, "Kurdish forces backed by US airstrikes seized the town of Sinjar from Islamic State on Friday.")
    op = only(ex, "GroundOperation")
    assert op.agents == ["peshmerga"] and op.targets == ["islamic_state"] and op.supporters
    strike = only(ex, "Airstrike")
    assert strike.agents == op.supporters and strike.targets == ["islamic_state"]


def test_strikes_each_told_with_their_own_place_stay_apart(extractor):
    ex = run(extractor, "In Iraq, the US-led coalition carried out 12 airstrikes against Islamic State.\n"
                        "Near Fallujah, two airstrikes destroyed an Islamic State vehicle. Another airstrike hit an "
                        "Islamic State position near Habbaniya.\n"
                        "Near Ramadi, three airstrikes struck Islamic State fighters.")
    strikes = [e for e in ex.events if e.type == "Airstrike"]
    labels = [{ex.entities[k].label for k in e.places} for e in strikes]
    assert len(strikes) == 3, labels       # the unplaced summary joins the first
    assert all(len({"Fallujah", "Habbaniyah", "Ramadi"} & x) == 1 for x in labels), labels


def test_a_country_named_as_location_keeps_events_in_other_countries_apart(extractor):
    ex = run(extractor, "Near Kobani, two coalition airstrikes struck Islamic State fighters.\n"
                        "In Iraq, the US-led coalition targeted Islamic State with ten airstrikes.")
    assert len([e for e in ex.events if e.type == "Airstrike"]) == 2


def test_devices_destroyed_are_no_bombing_and_according_to_is_no_party(extractor):
    ex = run(extractor, "Near Ramadi, three coalition airstrikes struck an Islamic State unit and destroyed two IEDs "
                        "and a roadside bomb, according to the coalition's central command.")
    e = only(ex)
    assert e.type == "Airstrike" and e.targets == ["islamic_state"] and "us_led_coalition" in e.agents


def test_a_plan_in_one_clause_does_not_cover_a_report_in_the_next(extractor):
    ex = run(extractor, "The operation aims to cut the smuggling routes between Syria and Iraq, noting it began on "
                        "Monday with missile attacks by the US-led coalition on Islamic State hideouts near Hajin.")
    e = only(ex, "Shelling")
    assert e.agents == ["us_led_coalition"] and e.targets == ["islamic_state"]
    assert not {ex.entities[k].kind for k in e.places} & {"Country"}     # "between Syria and Iraq" is a span


def test_civilians_caught_in_clashes_are_never_a_side(extractor):
    e = only(run(extractor, "Five civilians, 20 Islamic State militants and 12 SDF fighters were killed in clashes "
                            "near Hasakah on Saturday."))
    assert e.type == "Clash" and "civilians" not in e.agents and e.agents


def test_forces_reporting_arrests_made_them(extractor):
    e = only(run(extractor, "Nine PKK suspects were arrested in Van province on Friday, the Turkish military announced."))
    assert e.type == "Arrest" and e.agents == ["turkish_armed_forces"] and e.targets == ["pkk"]


def test_a_long_running_campaign_and_its_backing_strikes_are_background(extractor):
    ex = run(extractor, "Islamic State militants attacked a Peshmerga post near Kirkuk on Friday. The assault showed "
                        "the group's reach after a years-long campaign by Iraqi troops backed by coalition air strikes.")
    e = only(ex)
    assert e.agents == ["islamic_state"] and e.targets == ["peshmerga"]


def test_an_advance_within_a_clash_keeps_the_clash(extractor):
    ex = run(extractor, "SDF fighters clashed with Islamic State militants near Hasakah on Saturday. The SDF "
                        "advanced slowly under the cover of coalition air power near Hasakah.")
    clash = [e for e in ex.events if e.type in ("Clash", "GroundOperation")]
    assert len(clash) == 1 and clash[0].type == "Clash"


def test_a_place_in_another_events_clause_is_not_this_events(extractor):
    ex = run(extractor, "Turkey carried out air strikes on PKK bases in northern Iraq after an attempted attack in "
                        "Ankara, the defence ministry said.")
    e = only(ex)
    assert e.type == "Airstrike" and e.targets == ["pkk"]
    assert "Ankara" not in {ex.entities[k].label for k in e.places}


def test_the_assault_in_which_people_were_taken_is_the_abduction(extractor):
    ex = run(extractor, "Islamic State militants abducted four shepherds near Kirkuk on Tuesday. The shepherds were "
                        "grazing their sheep when they were attacked by Islamic State militants.")
    e = only(ex)
    assert e.type == "Kidnapping" and e.agents == ["islamic_state"]


def test_a_weak_verb_with_its_own_subject_in_its_own_clause_stays(extractor):
    ex = run(extractor, "Islamic State militants attacked the village of Tel Skuf on Monday, while Peshmerga forces "
                        "advanced two kilometres near Bashiqa.")
    advance = only(ex, "GroundOperation")
    assert advance.agents == ["peshmerga"]
    assert only(ex, "Attack").agents == ["islamic_state"]


def test_insurgents_killing_and_capturing_a_base_attacked_it(extractor):
    ex = run(extractor, "Al Shabaab fighters killed seven Somali soldiers and for a few hours captured an army base near "
                        "Balad on Tuesday.\nAl Shabaab is fighting the Somali government in a bid to rule the country.")
    e = only(ex)
    assert e.type == "Attack" and e.agents == ["al_shabaab"] and e.targets == ["somali_national_army"]


def test_ground_retaken_is_retaken_from_whoever_took_it(extractor):
    ex = run(extractor, "Al Shabaab militants attacked a Somali army base near Afgoye on Monday.\n"
                        "The Somali army recaptured the base when reinforcements arrived.")
    op = only(ex, "GroundOperation")
    assert op.agents == ["somali_national_army"] and op.targets == ["al_shabaab"]


def test_a_party_reporting_casualties_is_telling_not_taking_part(extractor):
    e = only(run(extractor, "Turkish warplanes struck PKK positions in northern Iraq on Tuesday, with the Kurdistan "
                            "Regional Government reporting casualties."))
    assert e.targets == ["pkk"]


def test_a_headlines_reduced_passive_makes_victims(extractor):
    art = Article(id="t2", url="https://example.invalid/t2", title="Peshmerga Fighters Killed In Attack Near Kirkuk",
                  text="Four fighters died near Kirkuk on Sunday.", published=date(2021, 8, 10), outlet="Rudaw")
    e = only(extractor.extract(art))
    assert e.targets == ["peshmerga"] and not e.agents


def test_forces_killing_militants_is_an_operation_apart_from_where_soldiers_died(extractor):
    ex = run(extractor, "Three soldiers were killed on Sunday in a sweep of the town of Nusaybin, security sources "
                        "said. The army has been clashing with the group in rural areas as well.\n"
                        "A day earlier, Turkish security forces killed 12 PKK militants in Sirnak province, the "
                        "military said.")
    ops = [e for e in ex.events if e.type == "GroundOperation"]
    killing = [e for e in ops if e.agents == ["turkish_armed_forces"]]
    assert len(killing) == 1 and killing[0].targets == ["pkk"] and killing[0].killed == 12
    assert not any(e.type == "Clash" for e in ex.events)     # "has been clashing": the ongoing war


def test_unnamed_militants_fought_are_the_articles_armed_group(extractor):
    ex = run(extractor, "Iraqi special forces launched an offensive against Islamic State in Mosul on Monday.\n"
                        "Iraqi army troops were still fighting the hardline militants in the north of the city, "
                        "a military statement said.")
    clash = only(ex, "Clash")
    assert clash.targets == ["islamic_state"] and clash.agents


def test_persons_named_then_killed_under_a_pronoun_are_the_killings_victims(extractor):
    ex = run(extractor, "Jihadist militants ambushed an army convoy near Djibo on Sunday, killing nine soldiers, a "
                        "security source said.\nHe named two militant leaders killed earlier as spiritual leader Bande "
                        "Amadou and commander Ali Sidibe. They were killed by a special army unit on Saturday.")
    kill = only(ex, "Killing")
    assert set(kill.targets) == {"person_bande_amadou", "person_ali_sidibe"} and kill.agents
    assert only(ex, "Ambush").targets == ["burkina_faso_armed_forces"]


def test_the_far_side_of_a_border_is_not_where_it_happened(extractor):
    ex = run(extractor, "Twelve soldiers were killed in an ambush by jihadists near the country's border with Mali "
                        "on Sunday, the government of Burkina Faso said.")
    e = only(ex)
    assert "Mali" not in {ex.entities[k].label for k in e.places}


def test_a_pronoun_opening_the_next_sentence_is_the_victims_just_told(extractor):
    ex = run(extractor, "Three Turkish soldiers were killed on Sunday in a sweep of the town of Nusaybin, security "
                        "sources said. They were clearing a building when a roadside bomb exploded.")
    bomb = only(ex, "Bombing")
    assert bomb.targets == ["turkish_armed_forces"] and not bomb.agents


def test_numerous_attacks_thwarted_are_a_record_not_an_event(extractor):
    ex = run(extractor, "Islamic State militants attacked the prison in Hasakah on Thursday. The SDF and the "
                        "coalition foiled numerous attacks over the following weeks.")
    e = only(ex)
    assert e.agents == ["islamic_state"] and "us_led_coalition" not in e.targets


def test_a_victim_named_after_the_trigger_and_killed_is_a_target(extractor):
    ex = run(extractor, "Two Islamic State militants attacked two shepherds near Kirkuk on Sunday, a source "
                        "said. In the fighting, Omar Khalil, a shepherd, and one attacker were killed, he added.")
    e = only(ex)
    assert e.type == "Attack" and e.agents == ["islamic_state"] and len(e.targets) == 2


def test_token_arrays_say_what_the_tokens_say(extractor):
    # The finders read these lists instead of spaCy's Token and Span objects: every value must
    # be the one the token gives, or extraction would change.
    from kg.extract.tokens import TokenArrays
    text = ("NORTHVILLE (Wire) -\nGunmen  killed 3 herders near Tel Ashvar on Friday, the district's police said.\n\n"
            "\"We lost two men,\" a villager told reporters. More than 1,000 people fled the U.S.-backed operation!")
    doc = extractor.nlp(text)
    arrays = TokenArrays.of(doc)
    assert TokenArrays.of(doc) is arrays                      # made once per doc
    other = extractor.nlp("Another report.")
    assert TokenArrays.of(other).text == ["Another", "report", "."]
    assert TokenArrays.of(doc) is arrays                      # the last doc asked is no shortcut for another
    tokens = list(doc)
    assert arrays.doc_text == doc.text == text
    assert arrays.text == [t.text for t in tokens]
    assert arrays.lower == [t.lower_ for t in tokens]
    assert arrays.idx == [t.idx for t in tokens]
    assert arrays.is_alpha == [t.is_alpha for t in tokens]
    assert arrays.is_punct == [t.is_punct for t in tokens]
    assert arrays.is_space == [t.is_space for t in tokens]
    assert arrays.sent_start == [bool(t.is_sent_start) for t in tokens]
    assert arrays.capitalised == [t.text[:1].isupper() for t in tokens]
    sents = list(doc.sents)
    assert len(sents) >= 4
    assert list(zip(arrays.sent_starts, arrays.sent_ends)) == [(s.start, s.end) for s in sents]
    for t in tokens:
        assert arrays.sent_bounds(t.i) == (t.sent.start, t.sent.end)
        assert arrays.sent_text(t.i) == t.sent.text
    for start in range(-3, len(doc) + 2):
        for end in range(-3, len(doc) + 2):
            assert arrays.span_text(start, end) == doc[start:end].text
    # given the text the doc was made from, the arrays take it as the doc's text: the same
    given = TokenArrays(doc, text)
    assert given.doc_text == arrays.doc_text
    assert given.text == arrays.text and given.idx == arrays.idx
    # the columns the sentence splitter read, left for the first arrays made, and the doc's own
    # columns read again give the same arrays
    from kg.extract.sentences import COLUMNS_KEY
    fresh = extractor.nlp(text)
    assert COLUMNS_KEY in fresh.user_data
    from_splitter = TokenArrays(fresh)
    assert COLUMNS_KEY not in fresh.user_data
    from_doc = TokenArrays(fresh)
    for name in ("text", "lower", "idx", "is_alpha", "is_punct", "is_space", "space_after", "sent_start",
                 "capitalised", "sent_starts", "sent_ends", "doc_text"):
        assert getattr(from_splitter, name) == getattr(from_doc, name) == getattr(arrays, name), name
    # positions: every token of that exact text, whether the doc holds the word or not, in any case
    for word in {t.text for t in tokens} | {"north", "Gunmen", "gunmen", "VILLAGER", "’", ";"}:
        assert arrays.positions(word) == [t.i for t in tokens if t.text == word], word


def test_place_spans_around_words_in_no_name_are_still_found(extractor):
    """Spans that hold a word no place name has are not looked up; the names beside such a
    word, hyphenated names with their article and terrain names still are."""
    from kg.extract.tokens import TokenArrays
    doc = extractor.nlp("Qxzvbwq Deir ez-Zor and Mount Qarachokh, near Bab al-Hawa.")
    spans = extractor.mentions.place_candidates(doc)
    arrays = TokenArrays.of(doc)
    found = {arrays.span_text(s, e): name for s, e, name in spans}
    assert found["Deir ez-Zor"] == "deir zor"
    assert found["Bab al-Hawa"] == "bab hawa"
    assert any("Qarachokh" in text for text in found)
    assert not any("Qxzvbwq" in text for text in found)


def test_turkish_led_operation_coalition_is_a_party(extractor):
    # ACLED names the Turkish army and its Syrian allies acting jointly in the Peace Spring
    # area as one coalition actor, abbreviated OPS; "ops" in lower case is no such actor
    ex = run(extractor, "Turkish troops and OPS fighters fired mortar rounds at a farm west of Ain Issa in "
                        "Raqqa province on Saturday, a local monitor said.", outlet="")
    e = only(ex)
    assert e.type == "Shelling"
    assert {"turkish_armed_forces", "operation_peace_spring"} <= set(e.agents)
    ex = run(extractor, "Special ops units of the police raided a house in Kirkuk on Sunday.")
    assert all("operation_peace_spring" not in e.agents for e in ex.events)


@pytest.mark.parametrize("text,expected", [
    # the phrase ends the sentence: looked up by its first word, the longest that fits
    ("Gunmen ambushed a patrol near Kirkuk, according to local media", {("NewsOutlet", "local media")}),
    ("Gunmen ambushed a patrol near Kirkuk, according to a local resident",
     {("Witness", "a local resident")}),
    ("Gunmen ambushed a patrol near Kirkuk, a local journalist told local news media.",
     {("Witness", "a local journalist"), ("NewsOutlet", "local news media")}),
])
def test_unnamed_source_phrases_longest_first(extractor, text, expected):
    ex = run(extractor, text)
    assert {(e.kind, e.label) for e in ex.entities.values() if e.category == "source"} == expected


@pytest.mark.parametrize("text", [
    "Raids by warplanes hit militant positions near Kirkuk on Monday.",      # the trigger opens the sentence
    "Near Kirkuk on Monday, militant positions were hit in raids by warplanes",
    "On Monday, coalition warplanes near Kirkuk carried out raids",          # ... or closes it
])
def test_weapon_words_around_the_trigger_type_it(extractor, text):
    assert [e.type for e in run(extractor, text).events] == ["Airstrike"]


def test_an_unplaced_event_does_not_take_a_region_as_wide_as_part_of_a_country(extractor):
    ex = run(extractor, "Kurdish-led forces hold much of northern Syria and a strip near Manbij. "
                        "On Monday gunmen ambushed one of their patrols, killing two fighters.")
    e = only(ex)
    assert e.places == ["manbij"]


def test_the_arab_coalition_of_yemen_is_not_the_syrian_arab_coalition(extractor):
    syria = run(extractor, "Fighters of the Syrian Arab Coalition advanced on Raqqa on Monday.")
    assert "syrian_arab_coalition" in syria.entities and "saudi_led_coalition" not in syria.entities
    assert syria.entities["syrian_arab_coalition"].parent == "sdf"
    yemen = run(extractor, "Warplanes of the Arab coalition struck Houthi positions in Saada, Yemen, on Monday.")
    assert "saudi_led_coalition" in yemen.entities


def test_new_words_get_the_attributes_extraction_reads_and_no_others():
    import spacy
    from spacy.lang.en.lex_attrs import like_num

    from kg.extract import make_nlp

    words = ["Qorvathabad", "xylomertz", "4,517", "seventeen", "?!", "\u00a0", "ZARQUN"]
    doc = make_nlp()(" ".join(words))
    reference = spacy.blank("en")(" ".join(words))
    for tok, ref in zip(doc, reference):
        assert (tok.lower_, tok.is_alpha, tok.is_punct, tok.is_space) == (ref.lower_, ref.is_alpha, ref.is_punct, ref.is_space)
        # what the rules ask of a word's text themselves is what spaCy's attributes say
        assert (like_num(tok.text), tok.text.isdigit(), tok.text.islower()) == (ref.like_num, ref.is_digit, ref.is_lower)
    # the attributes no rule reads are not computed for words met first after start-up
    assert doc[0].shape_ == "" and reference[0].shape_ == "Xxxxx"
    assert doc[0].suffix_ == "" and reference[0].suffix_ == "bad"
    assert not doc[2].like_num and reference[2].like_num


def test_a_place_distances_are_measured_from_comes_after_the_place_of_the_event(extractor):
    # "30 km south of Kirkuk", "south of Kirkuk": Kirkuk locates the event at Daquq
    for text in ("Islamic State militants attacked an army checkpoint 30 km south of Kirkuk in Daquq on Monday.",
                 "Islamic State militants attacked an army checkpoint south of Kirkuk in Daquq on Monday."):
        assert only(run(extractor, text)).places == ["daquq", "kirkuk"], text
    # with no "of" before it, a place keeps its place in the text
    ex = run(extractor, "Islamic State militants attacked an army checkpoint in Kirkuk and Daquq on Monday.")
    assert only(ex).places == ["kirkuk", "daquq"]


def test_a_mention_source_and_an_unnamed_source_on_one_span_stay_two():
    # sources_of keeps each source once by equality: a mention and an unnamed phrase over the
    # same tokens are two sources, two readings of one span one
    from kg.extract.attribution import MentionSpan, SourceRef
    assert MentionSpan(3, 5, "actor", "k") != SourceRef(3, 5, "actor", "k")
    assert MentionSpan(3, 5, "actor", "k") == MentionSpan(3, 5, "actor", "k")
    assert SourceRef(3, 5, "a source", "AnonymousSource").head == ""
