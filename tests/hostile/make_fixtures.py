"""Writes the hostile-input corpus in tests/hostile/corpus/ and its manifest, expected.json.

    python tests/hostile/make_fixtures.py

Every file is written for this project (no third-party text). Each input item gets the
outcome the build must give it: "stored" (with an optional notice) or "rejected" with a
word or two its reason must contain. The 50 MB inputs are not here: tests/test_hostile.py
makes them in a temporary folder at test time.
"""
from __future__ import annotations

import codecs
import json
import random
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
MANIFEST = HERE / "expected.json"

# A conflict report in plain words, so stored items also carry a few events to the graph.
STRIKE = ("Turkish warplanes struck PKK positions in Qandil on Saturday, killing 3 militants, "
          "the Turkish defence ministry said.")
CLASH = ("Peshmerga forces clashed with Islamic State militants near Makhmour on Monday, a "
         "security source told reporters. Two fighters were wounded.")


def header(title: str, url: str, date: str = "2022-05-01", source: str = "Hostile Test Wire") -> str:
    return f"Title: {title}\nSource: {source}\nDate: {date}\nURL: {url}\n\n"


def url(name: str) -> str:
    return f"https://example.invalid/hostile/{name}"


def fixtures() -> dict[str, tuple[bytes, dict[str, dict[str, str]]]]:
    """file name -> (bytes, {item suffix: expectation}); "" is the file itself as one item."""
    rng = random.Random(20260501)
    out: dict[str, tuple[bytes, dict[str, dict[str, str]]]] = {}

    def add(name: str, data: bytes | str, **items: dict[str, str]) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        out[name] = (raw, {("" if k == "whole" else k.replace("line", ":").replace("entry", "#")): v
                           for k, v in items.items()})

    stored = {"outcome": "stored"}

    def rejected(reason: str) -> dict[str, str]:
        return {"outcome": "rejected", "reason": reason}

    def noticed(reason: str) -> dict[str, str]:
        return {"outcome": "stored", "notice": reason}

    # ---------------------------------------------------------------- bytes and encodings
    add("binary_image.txt", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(3000)),
        whole=rejected("binary"))
    add("nul_padded.json", b'{"maintext": "' + STRIKE.encode() + b'"}' + b"\x00" * 4096,
        whole=rejected("binary"))
    add("latin1.txt", (header("Frappes aériennes près de Qandil", url("latin1"))
                       + "Des avions turcs ont frappé des positions à Qandil ; "
                         "les autorités ont déclaré que trois militants ont été tués. " * 6
                       ).encode("latin-1"),
        whole=rejected("not UTF-8"))
    add("damaged_utf8.txt", header("Two damaged bytes", url("damaged")).encode()
        + STRIKE.encode()[:40] + b"\xff\xfe" + STRIKE.encode()[40:], whole=stored)
    add("utf16_bom.txt", codecs.BOM_UTF16_LE + (header("UTF-16 with a byte-order mark", url("utf16"))
                                                 + CLASH).encode("utf-16-le"), whole=stored)
    add("utf8_bom.json", codecs.BOM_UTF8 + json.dumps(
        {"title": "UTF-8 with a BOM", "maintext": STRIKE, "url": url("utf8-bom")}).encode(), whole=stored)

    # ---------------------------------------------------------------- empty
    add("empty.txt", b"", whole=rejected("empty"))
    add("blank.txt", "  \n\t\n   \r\n\n", whole=rejected("empty"))
    add("header_only.txt", header("A header and nothing else", url("header-only")), whole=rejected("text"))
    add("empty_object.json", "{}", whole=rejected("no text"))
    add("empty_list.json", "[]", whole=rejected("no articles"))
    add("zero_width_only.txt", "\u200b\u200c\u200d\ufeff\u2060\u200e\u200f\n" * 20, whole=rejected("empty"))

    # ---------------------------------------------------------------- JSON of the wrong shape
    lines = [
        {"title": 42, "maintext": STRIKE},
        {"maintext": ["Turkish warplanes", "struck Qandil"]},
        {"maintext": {"text": STRIKE}},
        {"maintext": STRIKE, "url": 7},
        [1, 2, 3],
        "just a string",
        None,
        {"maintext": STRIKE, "url": url("epoch-date"), "date_publish": 1700000000},
        {"maintext": CLASH, "url": url("object-date"), "date_publish": {"$date": "2022-05-01"}},
        {"maintext": True},
        {"maintext": STRIKE, "title": "A record that is fine", "url": url("fine-record")},
        {"maintext": CLASH, "url": url("infinite-id"), "id": float("inf")},
    ]
    text = "\n".join(json.dumps(line) for line in lines)
    text += '\n{"maintext": "a broken line", "title": \n'
    text += '{"maintext": "big number", "id": ' + "9" * 5000 + "}\n"
    add("wrong_types.jsonl", text,
        line1=rejected("'title' must be a string"), line2=rejected("'maintext' must be a string"),
        line3=rejected("'maintext' must be a string"), line4=rejected("'url' must be a string"),
        line5=rejected("expected a JSON object"), line6=rejected("expected a JSON object"),
        line7=rejected("expected a JSON object"), line8=noticed("date"), line9=noticed("date"),
        line10=rejected("'maintext' must be a string"), line11=stored, line12=stored,
        line13=rejected("invalid JSON"), line14=rejected("invalid JSON"))
    add("deep_nesting.json", "[" * 5000 + "]" * 5000, whole=rejected("nested too deeply"))
    add("deep_nesting.jsonl",
        '{"maintext": "nested", "extra": ' + "[" * 5000 + "]" * 5000 + "}\n"
        + json.dumps({"maintext": STRIKE, "url": url("after-deep-line")}) + "\n",
        line1=rejected("nested too deeply"), line2=stored)
    add("lone_surrogates.jsonl",
        '{"title": "Lone \\ud800 surrogate", "maintext": "Turkish warplanes \\udfff struck PKK '
        'positions in Qandil on Saturday.", "url": "' + url("surrogate") + '"}\n', line1=stored)
    add("records_without_newlines.json",
        json.dumps({"maintext": STRIKE, "url": url("concat-1")})
        + json.dumps({"maintext": CLASH, "url": url("concat-2")}),
        line1=rejected("invalid JSON (Extra data"))
    add("list_of_mixed.json", json.dumps([
        {"maintext": STRIKE, "url": url("list-1")}, 17, {"maintext": ""}, {"maintext": CLASH, "url": url("list-4")},
    ]), entry1=stored, entry2=rejected("expected a JSON object"), entry3=rejected("no text"), entry4=stored)

    # ---------------------------------------------------------------- markup
    add("scripts_and_entities.html", f"""<!DOCTYPE html>
<html lang="en"><head><title>Strike &amp; counter-strike &lt;script&gt;</title>
<script>alert('pwned-in-head')</script><style>body {{ display: none }}</style></head>
<body onload="alert('pwned-onload')"><nav>Home | World | <a href="javascript:alert(1)">Login</a></nav>
<article><h1>Strike &amp; counter-strike</h1>
<p>{STRIKE} Officials called it a &ldquo;precise&rdquo; operation &#8212; residents disagreed.</p>
<script>document.write('pwned-inline')</script>
<p>{CLASH} The word &lt;script&gt; is only text here &#x202E;reversed&#x202C; and &#0; gone.</p>
<img src="x" onerror="alert('pwned-img')"><iframe src="javascript:alert('pwned-frame')"></iframe>
</article></body></html>""", whole=stored)
    add("only_scripts.html", "<html><head><script>var a = 1;</script></head><body><script>"
        "document.write('nothing to read');</script><noscript></noscript></body></html>",
        whole=rejected("no article text"))
    add("tag_soup.html", f"<html><body><div><p>{STRIKE}<p>{CLASH}<div><b><i>unclosed <table><tr><td>"
        f"{STRIKE}</body>", whole=stored)
    add("xxe.html", f"""<?xml version="1.0"?>
<!DOCTYPE html [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<html><head><title>External entity</title></head><body><article>
<p>{STRIKE} &xxe;</p><p>{CLASH}</p></article></body></html>""", whole=stored)
    add("xxe_feed.xml", f"""<?xml version="1.0"?>
<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<rss version="2.0"><channel><title>External entity feed</title>
<item><title>Leak attempt</title><link>{url("xxe-feed")}</link><description>{STRIKE} &xxe;</description></item>
</channel></rss>""", entry1=stored)
    entities = "\n".join(f' <!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    add("billion_laughs.xml", f"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol0 "lol">
{entities}
]>
<rss version="2.0"><channel><title>Laughs</title>
<item><title>&lol9;</title><link>{url("laughs")}</link><description>{STRIKE} &lol9;</description></item>
</channel></rss>""", entry1=stored)
    add("not_a_feed.xml", "<?xml version='1.0'?><inventory><item>bolts</item></inventory>",
        entry1=rejected("no text"))

    # ---------------------------------------------------------------- scripts and invisible characters
    add("arabic_rtl.txt", header("غارات جوية تركية على قنديل", url("arabic"), source="وكالة الاختبار")
        + "قصفت طائرات حربية تركية مواقع لحزب العمال الكردستاني في جبال قنديل يوم السبت، "
          "وقالت وزارة الدفاع التركية إن ثلاثة مسلحين قتلوا.\n", whole=stored)
    add("bidi_controls.txt", header("Bidi \u202eegatnaS\u202c controls", url("bidi"))
        + "Turkish warplanes \u202estruck\u202c PKK positions in \u2067Qandil\u2069 on Saturday, "
          "killing 3 militants, the Turkish \u200fdefence\u200e ministry said.\n", whole=stored)
    add("zero_width.txt", header("Zero\u200bwidth \ufeffcharacters", url("zero-width"))
        + "Pesh\u200bmerga forces clashed with Islamic\u2060 State militants near Makh\u200dmour "
          "on Monday, a security source told reporters. Two fighters were wounded.\n", whole=stored)
    add("combining_marks.txt", header("Z\u0351\u0352\u0357a\u0358\u035c\u0361lgo", url("zalgo"))
        + "".join(c + "\u0301\u0316\u0334" if c.isalpha() and rng.random() < 0.3 else c for c in STRIKE)
        + "\n", whole=stored)
    add("control_characters.txt", header("Terminal \x1b[31mred\x1b[0m title\x07", url("ansi"))
        + STRIKE + " \x1b[2J\x08 " + CLASH + "\n", whole=stored)
    add("emoji_astral.txt", header("💥 Strike 🇹🇷 𝕼𝖆𝖓𝖉𝖎𝖑", url("emoji"))
        + "🚀 " + STRIKE + " 𐎀𐎁 " + CLASH + " 🏳️‍🌈\n", whole=stored)

    # ---------------------------------------------------------------- dates
    absurd = ["9999-12-31", "0000-00-00", "1066-10-14", "2022-02-30", "2022-13-01", "yesterday",
              "-2022-01-01", "2022-01-01T25:61:00", "99999999999999999999", "1/2/2022", "\u0662\u0660\u0662\u0662-05-01"]
    add("absurd_dates.jsonl", "\n".join(json.dumps({
        "title": f"Absurd date {n}", "url": url(f"absurd-date-{n}"), "date_publish": d,
        "maintext": ("On February 30, 2022, Turkish warplanes struck PKK positions in Qandil, "
                     "killing 3 militants. In the year 3000 and on 32 March 2019 nothing happened. "
                     "Peshmerga forces clashed with Islamic State militants near Makhmour on 31 "
                     "April, a security source said.")}) for n, d in enumerate(absurd, 1)),
        # A time of day past 24:00 does not spoil a valid day; Arabic-Indic digits are digits.
        **{f"line{n}": (stored if d.startswith(("2022-01-01T", "\u0662")) else noticed("date"))
           for n, d in enumerate(absurd, 1)})

    # ---------------------------------------------------------------- other languages
    add("russian.txt", header("Удары по Кандилю", url("russian"))
        + "Турецкие военные самолёты в субботу нанесли удары по позициям РПК в горах Кандиль, "
          "сообщило министерство обороны Турции. Погибли трое боевиков.\n", whole=stored)
    add("chinese.txt", header("土耳其空袭坎迪尔", url("chinese"))
        + "土耳其国防部说，土耳其战机周六空袭了坎迪尔山区的库尔德工人党阵地，打死三名武装分子。\n",
        whole=stored)
    add("sorani.txt", header("هێرشی ئاسمانی بۆ سەر قەندیل", url("sorani"))
        + "فڕۆکە جەنگییەکانی تورکیا ڕۆژی شەممە هێرشیان کردە سەر بنکەکانی پەکەکە لە قەندیل.\n",
        whole=stored)
    add("turkish.json", json.dumps({
        "title": "Kandil'e hava harekâtı", "url": url("turkish"), "language": "tr",
        "maintext": "Türk savaş uçakları cumartesi günü Kandil'deki PKK mevzilerini vurdu; "
                    "Milli Savunma Bakanlığı üç teröristin etkisiz hale getirildiğini açıkladı."},
        ensure_ascii=False), whole=stored)

    # ---------------------------------------------------------------- injection and oversize fields
    add("sparql_injection.txt",
        'Title: Quote" } ; DROP ALL ; INSERT DATA { <urn:x> <urn:y> "z\n'
        "Source: Evil\\ Outlet > } ; CLEAR ALL ;\n"
        f"URL: {url('injection')}\n\n"
        f'{STRIKE} The "ministry" said \\" }} ; DROP ALL ; # and <urn:a> <urn:b> <urn:c> .\n',
        whole=stored)
    add("bad_urls.jsonl", "\n".join(json.dumps(r) for r in [
        {"maintext": STRIKE, "url": "javascript:alert(1)"},
        {"maintext": STRIKE, "url": "https://example.invalid/a> <b> <c"},
        {"maintext": STRIKE, "url": "file:///etc/passwd"},
        {"maintext": STRIKE, "url": "https://" + "a" * 5000 + ".invalid/"},
        {"maintext": CLASH, "url": "HTTPS://EXAMPLE.INVALID/hostile/Upper-Case?q=1#frag"},
    ]), line1=rejected("not an absolute http"), line2=rejected("not an absolute http"),
        line3=rejected("not an absolute http"), line4=rejected("the limit is"), line5=stored)
    add("huge_title.json", json.dumps({"title": "Long " * 2000 + "\n\t title", "maintext": CLASH,
                                       "url": url("huge-title")}), whole=stored)
    add("duplicate_first.txt", header("The same address", url("duplicate")) + STRIKE + "\n", whole=stored)
    add("duplicate_second.txt", header("The same address again", url("duplicate")) + CLASH + "\n",
        whole=rejected("duplicate"))
    return out


def write() -> None:
    if CORPUS.exists():
        shutil.rmtree(CORPUS)
    CORPUS.mkdir(parents=True)
    manifest: dict[str, dict[str, str]] = {}
    for name, (data, items) in fixtures().items():
        (CORPUS / name).write_bytes(data)
        for suffix, expectation in items.items():
            manifest[name + suffix] = expectation
    MANIFEST.write_text(json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                        encoding="utf-8")


if __name__ == "__main__":
    write()
