"""The ingest stage: paths and bytes in, ``Article`` values and ``IngestError``s out."""
from __future__ import annotations

import hashlib
import io
import json
import logging
import sys
from datetime import date
from pathlib import Path

import pytest

from kg.ingest import MAX_TEXT_CHARS, IngestError, article_id, read_articles
from kg.model import Article

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"


def read(*inputs: str | Path) -> tuple[list[Article], list[IngestError]]:
    errors: list[IngestError] = []
    articles = list(read_articles([str(item) for item in inputs], errors=errors))
    return articles, errors


def skipped(errors: list[IngestError]) -> list[IngestError]:
    return [error for error in errors if error.skipped]


def write_jsonl(path: Path, *records: object) -> Path:
    path.write_text("\n".join(json.dumps(record, ensure_ascii=False) for record in records) + "\n",
                    encoding="utf-8")
    return path


def record(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "title": "Clashes near a checkpoint", "maintext": "Gunmen attacked a checkpoint.",
        "url": "https://news.example.org/a/1", "date_publish": "2019-05-06 08:00:00",
        "source_domain": "news.example.org", "language": "en", "publisher": "Example News"}
    base.update(fields)
    return base


# --- news-please JSON Lines and JSON ---------------------------------------------------

def test_example_jsonl_gives_three_articles_with_all_fields() -> None:
    articles, errors = read(EXAMPLES / "articles.jsonl")
    assert errors == []
    assert [article.outlet for article in articles] == [
        "Kurdistan 24", "Anadolu Agency", "Garowe Online"]
    first = articles[0]
    assert first.url == "https://example.invalid/articles/kurdistan24-hamrin-operation"
    assert first.id == article_id(first.url)
    assert first.title.startswith("Peshmerga and Iraqi army launch joint sweep")
    assert "around 150 militants" in first.text
    assert first.published == date(2021, 3, 11)
    assert first.source_domain == "kurdistan24.net"
    assert first.language == "en"
    assert first.origin == f"{EXAMPLES / 'articles.jsonl'}:1"


def test_broken_line_in_the_middle_is_named_and_the_rest_is_read() -> None:
    articles, errors = read(FIXTURES / "mixed.jsonl")
    name = FIXTURES / "mixed.jsonl"
    assert [article.origin for article in articles] == [
        f"{name}:1", f"{name}:7", f"{name}:8", f"{name}:10"]
    reasons = {error.item: error.reason for error in skipped(errors)}
    assert reasons[f"{name}:3"].startswith("invalid JSON (Expecting value at column")
    assert reasons[f"{name}:4"] == "field 'maintext' must be a string or null, got a number"
    assert reasons[f"{name}:5"] == "field 'maintext' must be a string or null, got an array"
    assert reasons[f"{name}:6"] == "expected a JSON object, got an array"
    assert reasons[f"{name}:9"].startswith("no text")
    assert f"{name}:2" not in reasons          # a blank line is not an error


def test_text_and_description_stand_in_for_maintext() -> None:
    articles, _ = read(FIXTURES / "mixed.jsonl")
    fallback = next(article for article in articles if article.title == "Fallback text")
    assert fallback.text == "Text from the text field."
    # No publisher: the outlet is the domain, lower-cased and without "www.".
    assert fallback.source_domain == "example.org"
    assert fallback.outlet == "example.org"


def test_json_document_with_a_list_of_records(tmp_path: Path) -> None:
    articles, errors = read(FIXTURES / "records.json")
    name = FIXTURES / "records.json"
    assert [(article.origin, article.title) for article in articles] == [
        (f"{name}#1", "First in list"), (f"{name}#3", "Third")]
    assert articles[1].text == "Only a description."
    assert skipped(errors) == [
        IngestError(f"{name}#2", "field 'title' must be a string or null, got a number")]


def test_json_document_with_one_object(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(record(), indent=2), encoding="utf-8")
    articles, errors = read(path)
    assert errors == []
    assert [(article.origin, article.title) for article in articles] == [
        (str(path), "Clashes near a checkpoint")]


def test_json_lines_saved_as_json_are_read_line_by_line(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "crawl.json", record(), record(url="https://news.example.org/a/2"))
    articles, errors = read(path)
    assert errors == []
    assert [article.origin for article in articles] == [f"{path}:1", f"{path}:2"]


def test_invalid_json_document_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[\n  {"title": "x",\n   "maintext" "y"}\n]', encoding="utf-8")
    assert read(path) == ([], [IngestError(
        str(path), "invalid JSON (Expecting ':' delimiter at line 3, column 15)")])


@pytest.mark.parametrize("value, expected", [
    ("2018-07-17 10:00:00", date(2018, 7, 17)),             # news-please
    ("2018-07-17", date(2018, 7, 17)),
    ("2018-07-17T10:00:00Z", date(2018, 7, 17)),
    ("2018-07-17T01:30:00+03:00", date(2018, 7, 17)),       # the publisher's day, not UTC's
    ("2018-07-17T23:30:00-05:00", date(2018, 7, 17)),
    ("2018-07-17T10:00:00.123456", date(2018, 7, 17)),
    ("20180717", date(2018, 7, 17)),
    ("2018/07/17", date(2018, 7, 17)),
    ("17 July 2018", date(2018, 7, 17)),
    ("Tuesday, 17th of July, 2018", date(2018, 7, 17)),
    ("July 17, 2018", date(2018, 7, 17)),
    ("Jul. 17 2018", date(2018, 7, 17)),
    ("Tue, 17 Jul 2018 10:00:00 +0300", date(2018, 7, 17)),  # RFC 2822, as in feeds
    ("17.07.2018", date(2018, 7, 17)),
    ("07/17/2018", date(2018, 7, 17)),                       # unambiguous: 17 is no month
    ("17/07/2018", date(2018, 7, 17)),
    (None, None),
    ("", None),
])
def test_publication_date_forms(tmp_path: Path, value: str | None, expected: date | None) -> None:
    articles, errors = read(write_jsonl(tmp_path / "d.jsonl", record(date_publish=value)))
    assert errors == []
    assert articles[0].published == expected


@pytest.mark.parametrize("value, reason", [
    ("0000-00-00 00:00:00", "outside 1900..2100"),
    ("9999-12-31 00:00:00", "outside 1900..2100"),
    ("1066-10-14", "outside 1900..2100"),
    ("2018-02-30", "impossible"),
    ("03/04/2018", "ambiguous"),
    ("yesterday", "not in a known format"),
    (1531814400, "not a date string"),
])
def test_unusable_date_keeps_the_article_without_one(tmp_path: Path, value: object,
                                                      reason: str) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", record(date_publish=value))
    articles, errors = read(path)
    assert len(articles) == 1 and articles[0].published is None
    assert len(errors) == 1
    assert errors[0].item == f"{path}:1" and errors[0].skipped is False
    assert reason in errors[0].reason and "kept without a publication date" in errors[0].reason


# --- addresses and ids -------------------------------------------------------------------

def test_missing_url_gets_a_stable_example_invalid_address(tmp_path: Path) -> None:
    first = write_jsonl(tmp_path / "a.jsonl", record(url=None, source_domain=None))
    again = write_jsonl(tmp_path / "b.jsonl", record(url="", source_domain=None))
    (one,), _ = read(first)
    (two,), _ = read(again)
    assert one.url.startswith("https://example.invalid/articles/")
    assert len(one.url.rsplit("/", 1)[1]) == 16
    assert one.url == two.url and one.id == two.id       # same content, same address
    assert one.source_domain is None                       # example.invalid is no publisher
    other = write_jsonl(tmp_path / "c.jsonl", record(url=None, maintext="Something else."))
    (three,), _ = read(other)
    assert three.url != one.url


def test_missing_url_uses_the_record_id_when_there_is_one(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "ids.jsonl",
                       record(url=None, id="acled-IRQ1234"),
                       record(url=None, id=98765, maintext="Second."),
                       record(url=None, id="not safe/for a url?", maintext="Third."))
    articles, errors = read(path)
    assert errors == []
    assert [article.url for article in articles[:2]] == [
        "https://example.invalid/articles/acled-IRQ1234",
        "https://example.invalid/articles/98765"]
    assert articles[2].url.startswith("https://example.invalid/articles/")
    assert " " not in articles[2].url


def test_article_id_is_deterministic_and_folds_url_variants() -> None:
    url = "https://www.rudaw.net/english/middleeast/iraq/10032021"
    # Fixed for good: graph names depend on it. SHA-1 of the normalised form, 16 digits.
    normalised = b"//rudaw.net/english/middleeast/iraq/10032021"
    assert article_id(url) == hashlib.sha1(normalised).hexdigest()[:16] == "6000aaada808fe99"
    assert len(article_id(url)) == 16
    assert all(article_id(variant) == article_id(url) for variant in (
        "http://www.rudaw.net/english/middleeast/iraq/10032021",
        "https://RUDAW.net/english/middleeast/iraq/10032021/",
        "https://rudaw.net:443/english/middleeast/iraq/10032021#comments",
        "https://rudaw.net/english/middleeast/iraq/10032021?utm_source=twitter&utm_medium=x",
        "  https://www.rudaw.net/english/middleeast/iraq/10032021\n",
    ))
    assert article_id("https://rudaw.net/english/middleeast/iraq/10032022") != article_id(url)
    assert article_id("https://rudaw.net/story?id=1") != article_id("https://rudaw.net/story?id=2")


def test_url_is_kept_as_given(tmp_path: Path) -> None:
    # The address is how the evaluation finds an article's graph: never rewritten.
    url = "http://WWW.News.example.org/a/1/?utm_source=x"
    (article,), _ = read(write_jsonl(tmp_path / "u.jsonl", record(url=f" {url} ")))
    assert article.url == url


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/a", "/relative/path",
                                 "https://exa mple.org/a"])
def test_url_that_is_no_web_address_is_rejected(tmp_path: Path, url: str) -> None:
    path = write_jsonl(tmp_path / "u.jsonl", record(url=url))
    articles, errors = read(path)
    assert articles == []
    assert "is not an absolute http(s) address" in errors[0].reason


def test_the_same_article_twice_is_read_once(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "dup.jsonl", record(),
                       record(url="http://www.news.example.org/a/1/", title="Again"))
    articles, errors = read(path)
    assert [article.title for article in articles] == ["Clashes near a checkpoint"]
    assert errors == [IngestError(f"{path}:2", f"duplicate of {path}:1 (same address)")]


# --- text with a header --------------------------------------------------------------------

def test_header_keys_in_any_order_and_case() -> None:
    (article,), errors = read(FIXTURES / "header_variants.txt")
    assert errors == []
    assert article.title == "Security forces raid a hideout near Tuz Khurmatu"
    assert article.outlet == "Example Wire"
    assert article.published == date(2018, 7, 17)
    assert article.url == "https://www.example.org/2018/07/17/raid?utm_source=newsletter"
    assert article.source_domain == "example.org"
    # Paragraphs kept, runs of blank lines reduced to one.
    assert article.text == (
        "Security forces raided a hideout near Tuz Khurmatu, the interior ministry said.\n\n"
        "A second paragraph follows after one blank line.\n\nAnd a third after several.")


def test_text_without_header_takes_a_standalone_first_line_as_title() -> None:
    (article,), errors = read(FIXTURES / "no_header.txt")
    assert errors == []
    assert article.title == "Militants shell a village in the north"
    assert article.text.startswith("Mortar rounds fell")
    assert article.url.startswith("https://example.invalid/articles/")


def test_text_without_header_or_headline_is_all_body(tmp_path: Path) -> None:
    path = tmp_path / "para.txt"
    body = "Baghdad: a long first sentence about an attack that is not a headline at all. " * 3
    path.write_text(body, encoding="utf-8")
    (article,), _ = read(path)
    assert article.text == body.strip()
    assert article.title.endswith("…") and len(article.title) <= 120


def test_header_with_empty_body_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty_body.txt"
    path.write_text("Title: Nothing follows\nSource: Example\n\n   \n", encoding="utf-8")
    assert read(path) == ([], [IngestError(str(path), "empty text")])


def test_example_articles_folder() -> None:
    articles, errors = read(EXAMPLES / "articles")
    assert errors == []
    assert len(articles) == 7
    assert [Path(article.origin).name for article in articles] == sorted(
        path.name for path in (EXAMPLES / "articles").glob("*.txt"))
    by_outlet = {article.outlet: article for article in articles}
    assert {"Kurdistan 24", "Rudaw", "Anadolu Agency", "Garowe Online", "North Press Agency",
            "Shafaq News", "The New Arab"} == set(by_outlet)
    assert all(article.url.startswith("https://example.invalid/") for article in articles)
    assert all(article.published is not None and article.language == "en" for article in articles)
    # The two Hamrin reports: one event, different outlets, different figures.
    assert "11 militants were killed" in by_outlet["Kurdistan 24"].text
    assert "Seventeen ISIS militants were killed" in by_outlet["Rudaw"].text


def test_right_to_left_text_is_kept_with_its_language() -> None:
    (article,), errors = read(FIXTURES / "arabic.txt")
    assert errors == []
    assert article.language == "ar"
    assert article.title == "اشتباكات في ريف دير الزور"
    assert article.outlet == "مثال نيوز"
    assert article.text.startswith("قال مصدر محلي")


# --- HTML ---------------------------------------------------------------------------------

def test_html_page_main_text_and_metadata() -> None:
    (article,), errors = read(EXAMPLES / "page.html")
    assert errors == []
    assert article.title == "Peshmerga repel IS attack on village near Khanaqin"
    assert article.url == "https://example.invalid/articles/rudaw-khanaqin-attack"
    assert article.published == date(2021, 3, 20)
    assert article.outlet == "Rudaw"
    assert article.language == "en"
    assert article.text.startswith("KHANAQIN, Kurdistan Region - Peshmerga forces repelled")
    assert "reinforcements had been sent" in article.text
    for boilerplate in ("Home", "Most read", "Football", "All rights reserved", "font-family"):
        assert boilerplate not in article.text
    assert "SCRIPT-TEXT-MUST-NOT-APPEAR" not in article.text
    assert "DEMO-TRACKER" not in article.text


def test_html_scripts_never_reach_the_text() -> None:
    (article,), errors = read(FIXTURES / "hostile_page.html")
    assert errors == []
    assert article.language == "fr"
    assert "tuant deux soldats" in article.text and "renforts" in article.text
    assert "LEAK" not in article.text and "LEAK" not in article.title
    assert "alert(" not in article.text and "steal()" not in article.text


def test_html_without_article_text_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><head><script>var x = 1;</script></head><body></body></html>",
                    encoding="utf-8")
    articles, errors = read(path)
    assert articles == []
    assert errors == [IngestError(str(path), "no article text found in the page")]


# --- feeds --------------------------------------------------------------------------------

def test_rss_feed_entries() -> None:
    articles, errors = read(EXAMPLES / "feed.xml")
    assert errors == []
    assert [article.origin for article in articles] == [
        f"{EXAMPLES / 'feed.xml'}#1", f"{EXAMPLES / 'feed.xml'}#2"]
    first, second = articles
    assert first.outlet == second.outlet == "Garowe Online"
    assert first.url == "https://example.invalid/articles/garowe-middle-shabelle-village"
    assert first.published == date(2021, 3, 22)      # 21:40 +0300 is still the 22nd there
    assert first.language == "en"
    # content:encoded beats the teaser in description; markup and entities resolved.
    assert first.text.startswith("JOWHAR, Somalia - Somali National Army troops")
    assert "“The enemy fled" in first.text and "<p>" not in first.text
    assert second.text.startswith("AFGOYE, Somalia") and "<" not in second.text


def test_atom_feed_entry_without_link_and_with_script() -> None:
    (article,), errors = read(FIXTURES / "atom.xml")
    assert errors == []
    assert article.title == "Drone strike reported near the border"
    assert article.outlet == "Example Monitor"
    assert article.published == date(2020, 6, 2)     # feedparser's UTC form says June 1st
    assert article.url.startswith("https://example.invalid/articles/")  # a tag: id is no address
    assert "ATOM-SCRIPT-LEAK" not in article.text and "alert" not in article.text
    assert article.text == ("A drone struck a vehicle near the border late on Monday, "
                            "the monitor said.\n\nTwo people were killed.")


def test_xml_that_is_no_feed_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "notes.xml"
    path.write_text("<?xml version='1.0'?><notes><note>hello</note></notes>", encoding="utf-8")
    articles, errors = read(path)
    assert articles == [] and len(errors) == 1 and errors[0].item == str(path)


# --- folders, globs, stdin, content sniffing ----------------------------------------------

def test_folders_are_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deeper").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    for relative in ("z.txt", "b/one.txt", "a/two.txt", "a/deeper/three.txt", ".hidden/no.txt"):
        (tmp_path / relative).write_text(f"Title: {relative}\n\nBody of {relative}.\n",
                                         encoding="utf-8")
    (tmp_path / ".dotfile.txt").write_text("Title: hidden\n\nHidden.", encoding="utf-8")
    (tmp_path / "README.md").write_text("# not an article", encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    articles, errors = read(tmp_path)
    assert errors == []
    assert [article.title for article in articles] == [
        "a/deeper/three.txt", "a/two.txt", "b/one.txt", "z.txt"]


def test_glob_patterns(tmp_path: Path) -> None:
    articles, errors = read(EXAMPLES / "articles" / "0[12]-*.txt")
    assert errors == []
    assert [article.outlet for article in articles] == ["Kurdistan 24", "Rudaw"]
    pattern = str(tmp_path / "*.jsonl")
    assert read(pattern) == ([], [IngestError(pattern, "no files match the pattern")])


def test_a_file_named_twice_is_read_once() -> None:
    path = EXAMPLES / "articles" / "06-shafaq-kirkuk-arrests.txt"
    articles, errors = read(path, EXAMPLES / "articles" / "06-*.txt", EXAMPLES / "articles")
    assert errors == []
    assert len(articles) == 7


def test_a_single_path_string_is_accepted() -> None:
    # A str is a Sequence[str] too; it must be one path, not a list of characters.
    articles = list(read_articles(str(FIXTURES / "no_header.txt")))
    assert len(articles) == 1


@pytest.mark.parametrize("content, title", [
    (json.dumps(record(title="From stdin JSONL")) + "\n"
     + json.dumps(record(url="https://news.example.org/a/2")) + "\n", "From stdin JSONL"),
    (json.dumps(record(title="From stdin JSON"), indent=2), "From stdin JSON"),
    ("Title: From stdin text\nSource: Example\n\nBody text.\n", "From stdin text"),
    ("<html><head><title>From stdin HTML</title></head><body><article><h1>From stdin HTML</h1>"
     "<p>Soldiers were wounded in an attack on a base, officials said on Monday.</p>"
     "</article></body></html>", "From stdin HTML"),
    ('<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title><item>'
     "<title>From stdin RSS</title><link>https://news.example.org/r/1</link>"
     "<description>An entry.</description></item></channel></rss>", "From stdin RSS"),
])
def test_stdin_is_sniffed(monkeypatch: pytest.MonkeyPatch, content: str, title: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(content))
    articles, errors = read("-")
    assert errors == []
    assert articles[0].title == title
    assert articles[0].origin.startswith("-")


def test_stdin_bytes_and_line_origins(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (json.dumps(record()) + "\n{broken\n").encode("utf-8")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    articles, errors = read("-")
    assert [article.origin for article in articles] == ["-:1"]
    assert [error.item for error in errors] == ["-:2"]


def test_empty_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert read("-") == ([], [IngestError("-", "empty input")])


@pytest.mark.parametrize("content, title", [
    (json.dumps(record(title="sniffed jsonl")) + "\n"
     + json.dumps(record(url="https://news.example.org/a/2")), "sniffed jsonl"),
    ("<!doctype html><html><body><article><h1>sniffed html</h1><p>Two soldiers were killed "
     "in an attack on Monday, an official said.</p></article></body></html>", "sniffed html"),
    ("Title: sniffed text\n\nBody.", "sniffed text"),
])
def test_unknown_extension_is_sniffed(tmp_path: Path, content: str, title: str) -> None:
    path = tmp_path / "download.dat"
    path.write_text(content, encoding="utf-8")
    articles, errors = read(path)
    assert errors == []
    assert articles[0].title == title


# --- bad input ------------------------------------------------------------------------------

def test_missing_file_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.jsonl"
    articles, errors = read(missing, FIXTURES / "no_header.txt")
    assert len(articles) == 1
    assert errors == [IngestError(str(missing), "no such file or folder")]


def test_binary_file_is_rejected(tmp_path: Path) -> None:
    png = tmp_path / "image.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    zeros = tmp_path / "zeros.jsonl"
    zeros.write_bytes(bytes(4096))
    articles, errors = read(png, zeros)
    assert articles == []
    assert errors == [IngestError(str(png), "binary content, not text"),
                      IngestError(str(zeros), "binary content, not text")]


@pytest.mark.parametrize("name", ["empty.jsonl", "empty.txt", "empty.html", "empty.xml",
                                  "empty.json"])
def test_empty_file_is_rejected(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("  \n\n", encoding="utf-8")
    assert read(path) == ([], [IngestError(str(path), "empty file")])


def test_file_with_only_blank_json_lines_has_no_articles(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[]", encoding="utf-8")
    assert read(path) == ([], [IngestError(str(path), "no articles found")])


def test_deep_nesting_does_not_crash(tmp_path: Path) -> None:
    deep = "[" * 10_000 + "]" * 10_000
    lines = tmp_path / "deep.jsonl"
    lines.write_text(json.dumps(record()) + "\n" + deep + "\n"
                     + '{"maintext": ' + deep + "}\n"
                     + json.dumps(record(url="https://news.example.org/a/2")) + "\n",
                     encoding="utf-8")
    document = tmp_path / "deep.json"
    document.write_text(deep, encoding="utf-8")
    articles, errors = read(lines, document)
    assert [article.origin for article in articles] == [f"{lines}:1", f"{lines}:4"]
    assert errors == [IngestError(f"{lines}:2", "invalid JSON (nested too deeply)"),
                      IngestError(f"{lines}:3", "invalid JSON (nested too deeply)"),
                      IngestError(str(document), "invalid JSON (nested too deeply)")]


def test_wrong_types_everywhere(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "types.jsonl",
                       record(url=["https://a.example"]),
                       record(title={"nested": "object"}),
                       record(language=7),
                       record(publisher=True),
                       "a string",
                       12,
                       None,
                       record(id=[1, 2], url=None))
    articles, errors = read(path)
    assert len(articles) == 1 and articles[0].url.startswith("https://example.invalid/")
    assert [error.reason for error in errors] == [
        "field 'url' must be a string or null, got an array",
        "field 'title' must be a string or null, got an object",
        "field 'language' must be a string or null, got a number",
        "field 'publisher' must be a string or null, got a boolean",
        "expected a JSON object, got a string",
        "expected a JSON object, got a number",
        "expected a JSON object, got null",
    ]


def test_huge_text_is_rejected_with_its_size(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "huge.jsonl", record(maintext="x" * (MAX_TEXT_CHARS + 1)),
                       record(url="https://news.example.org/a/2"))
    articles, errors = read(path)
    assert [article.origin for article in articles] == [f"{path}:2"]
    assert errors == [IngestError(f"{path}:1", f"text has {MAX_TEXT_CHARS + 1:,} characters; "
                                               f"the limit is {MAX_TEXT_CHARS:,}")]
    text_file = tmp_path / "huge.txt"
    text_file.write_text("Title: Huge\n\n" + "word " * (MAX_TEXT_CHARS // 4), encoding="utf-8")
    articles, errors = read(text_file)
    assert articles == [] and "the limit is 2,000,000" in errors[0].reason


def test_overlong_json_line_is_skipped_without_reading_it_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kg.ingest._newsplease.MAX_LINE_CHARS", 500)
    path = write_jsonl(tmp_path / "long.jsonl", record(maintext="y" * 2000),
                       record(url="https://news.example.org/a/2"))
    articles, errors = read(path)
    assert [article.origin for article in articles] == [f"{path}:2"]
    assert errors == [IngestError(f"{path}:1", "line longer than 500 characters")]


def test_file_over_the_size_limit_is_not_read(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kg.ingest._reader.MAX_FILE_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_text("Title: Big\n\n" + "text " * 100, encoding="utf-8")
    articles, errors = read(path)
    assert articles == [] and errors[0].reason.startswith("file has 512 bytes; the limit")


def test_invisible_characters_and_odd_spacing_are_cleaned(tmp_path: Path) -> None:
    text = ("Pesh\u200bmerga\u00ad forces\u00a0killed\u2009150\u2060 militants.\u200d\r\n"
            "Second\u0007 line\tand \ufeffBOM.\u202eevil\u202c\r"
            "Cafe\u0301 \u2028next")
    path = write_jsonl(tmp_path / "zw.jsonl", record(maintext=text, title="\u200bTi\u200ctle\n"))
    (article,), errors = read(path)
    assert errors == []
    assert article.title == "Title"
    assert article.text == ("Peshmerga forces killed 150 militants.\n"
                            "Second line and BOM.evil\nCafé\nnext")


def test_invisible_character_table_matches_this_pythons_unicode_tables() -> None:
    # The build reads a precomputed table instead of scanning Unicode at start-up; under the
    # Unicode version it was made for it must name exactly the characters a scan finds.
    import unicodedata

    from kg.ingest import _text

    if unicodedata.unidata_version != _text._INVISIBLE_UNICODE_VERSION:
        pytest.skip("another Unicode version: the build scans the tables itself")
    assert _text._scan_invisible_ranges() == _text._INVISIBLE_RANGES
    kept = "\n\t\u200c\u200d a\u00e9"
    assert _text._invisible_pattern().sub("", "\x00\u00ad\U000e0041" + kept + "\ud800") == kept


def test_ascii_text_is_cleaned_as_any_other_text() -> None:
    # ASCII text (nearly every article) goes through str methods and screens instead of the
    # Unicode-wide regexes: the result must be the same, controls and odd spacing included.
    import random

    from kg.ingest import _text

    def reference(text: str) -> str:
        spaced = _text._HORIZONTAL_SPACE.sub(" ", _text._normalise_unicode(text))
        return _text._BLANK_LINES.sub("\n\n", "\n".join(line.strip() for line in spaced.split("\n"))).strip()

    rng = random.Random(8)
    alphabet = ["a", "b", " ", " ", "  ", "\n", "\n\n\n", "\r", "\r\n", "\t", "\x0b", "\x0c", "\x1c", "\x1f",
                "\x00", "\x07", "\x7f", "\r\r\n", ".", "\n \n"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30)))
        assert text.isascii()
        assert _text._normalise_ascii(text) == _text._normalise_unicode(text), repr(text)
        assert _text.clean_text(text) == reference(text), repr(text)
    assert _text.clean_text("Two  spaces\tand a tab\r\n\x0cform feed\x07 bell\n\n\n\nend ") == \
        "Two spaces and a tab\n\nform feed bell\n\nend"


def test_joiners_inside_persian_words_are_kept(tmp_path: Path) -> None:
    persian = "نیروهای پیشمرگه می\u200cگویند"
    path = write_jsonl(tmp_path / "fa.jsonl", record(maintext=persian, language="fa"))
    (article,), _ = read(path)
    assert article.text == persian and article.language == "fa"


def test_encodings(tmp_path: Path) -> None:
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("Title: UTF-16 article\n\nDéjà lu, with a BOM.".encode("utf-16"))
    bom8 = tmp_path / "bom.jsonl"
    bom8.write_bytes(b"\xef\xbb\xbf" + json.dumps(record(title="BOM line")).encode("utf-8"))
    few_bad = tmp_path / "few_bad.txt"
    few_bad.write_bytes(b"Title: A damaged byte\n\n" + b"Plain text. " * 100 + b"caf\xe9.")
    cp1256 = tmp_path / "arabic_cp1256.txt"
    cp1256.write_bytes(("Title: x\n\n" + "قال مصدر محلي إن مسلحين هاجموا " * 20).encode("cp1256"))
    articles, errors = read(utf16, bom8, few_bad, cp1256)
    assert [article.title for article in articles] == ["UTF-16 article", "BOM line",
                                                       "A damaged byte"]
    assert articles[0].text == "Déjà lu, with a BOM."
    assert articles[2].text.endswith("caf\ufffd.")
    assert len(errors) == 1 and errors[0].item == str(cp1256)
    assert errors[0].reason.startswith("not UTF-8 text (") and "re-encode" in errors[0].reason


def test_errors_are_logged_when_no_list_is_given(tmp_path: Path,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    missing = tmp_path / "missing.jsonl"
    with caplog.at_level(logging.WARNING, logger="kg.ingest"):
        articles = list(read_articles([str(missing), str(FIXTURES / "no_header.txt")]))
    assert len(articles) == 1
    assert f"{missing}: no such file or folder" in caplog.text


def test_reading_is_lazy(tmp_path: Path) -> None:
    # Nothing is opened until the caller asks for articles, so a CLI can stream a crawl.
    path = write_jsonl(tmp_path / "lazy.jsonl", record(), "broken")
    errors: list[IngestError] = []
    articles = read_articles([str(path)], errors=errors)
    assert errors == []
    assert next(articles).origin == f"{path}:1"
    assert errors == []
    assert list(articles) == [] and [error.item for error in errors] == [f"{path}:2"]


def test_web_urls_with_spaces_or_unprintable_characters_are_refused() -> None:
    from kg.ingest._ids import is_web_url

    assert is_web_url("https://news.example/2021/03/strike")
    for odd in (" ", "\t", "\n", "\u00a0", "\u2028", "\u3000", "\x00", "\u200b"):
        assert not is_web_url(f"https://news.example/a{odd}b"), repr(odd)
    assert not is_web_url("") and not is_web_url("ftp://news.example/a") and not is_web_url("https:///a")
