"""Citations (issue 9, part 3): "Author Year" from the source list, never an id; seeds never cited;
deduplicated; in the web view and the HTML export each citation links to its source entry."""

from __future__ import annotations

import re

import pytest
import yaml

from bot.domain.errors import TopicError
from bot.domain.schema import build_topic
from bot.domain.topic import Source, derive_short
from bot.export import export, link_citations
from bot.service import DebateService
from bot.storage.sqlite import SQLiteStore
from bot.topic_files import default_topics_dir, load_topic_file

from .conftest import MINI

SHIPPED = [load_topic_file(p) for p in sorted(default_topics_dir().glob("*.yaml"))]
AUTHOR_YEAR = re.compile(r"^[A-Z][\w'\u2019.-]*(?: [\w'\u2019.&-]+)*? (1[5-9]\d\d|20\d\d)$")


def _lines(topic):
    for claim in topic.claims:
        yield from claim.arguments
        yield from claim.rebuttals
        yield from claim.counter_rebuttals
    for kind in topic.kinds.values():
        yield from kind.replies
    yield from topic.misconceptions


@pytest.mark.parametrize("topic", SHIPPED, ids=lambda t: t.id)
def test_every_cited_source_has_an_author_year_short_form(topic):
    for src in topic.sources.values():
        if src.is_seed:
            continue
        assert src.short() != src.id
        assert AUTHOR_YEAR.match(src.short()), (src.id, src.short())


@pytest.mark.parametrize("topic", SHIPPED, ids=lambda t: t.id)
def test_no_citation_of_any_line_names_an_id_or_a_seed(topic):
    ids = set(topic.sources)
    seeds = {s.short() for s in topic.sources.values() if s.is_seed}
    for line in _lines(topic):
        cite = topic.cite(line.sources)
        if not cite:
            continue
        assert cite.startswith("(") and cite.endswith(")")
        parts = cite[1:-1].split("; ")
        assert len(parts) == len(set(parts)), (line.id if hasattr(line, "id") else line, cite)  # deduplicated
        for part in parts:
            assert part not in ids and part not in seeds, cite
            assert AUTHOR_YEAR.match(part), cite


def test_seed_sources_are_never_cited(purges):
    seeds = [s.id for s in purges.sources.values() if s.is_seed]
    assert "seed-essay" in seeds and "birt-1993" in seeds
    assert purges.cite(seeds) == ""
    assert purges.cite(["seed-essay", "khrushchev-1956", "birt-1993"]) == "(Khrushchev 1956)"
    assert [s.id for s in purges.cited(["seed-essay", "popov-1992"])] == ["popov-1992"]


def test_citations_are_deduplicated_and_keep_their_order(purges):
    assert purges.cite(["popov-1992", "khrushchev-1956", "popov-1992"]) == "(Popov 1992; Khrushchev 1956)"
    assert purges.cite(["getty-naumov-1999", "unknown-id"]) == "(Getty & Naumov 1999)"
    assert purges.cite([]) == ""


def test_two_sources_with_one_short_form_are_cited_once():
    data = yaml.safe_load(MINI.read_text())
    data["sources"].append({"id": "smith-2020b", "citation": "Smith, A. More on Uniforms. 2020."})
    topic = build_topic(data)
    assert topic.cite(["smith-2020", "smith-2020b", "jones-2019"]) == "(Smith 2020; Jones 2019)"


def test_the_shipped_sources_that_needed_it_have_a_short_form(purges):
    assert purges.sources["memorial-lists"].short() == "Memorial 2002"
    assert purges.sources["dewey-1938"].short() == "Dewey Commission 1938"
    assert purges.sources["getty-rittersporn-zemskov-1993"].short() == "Getty et al. 1993"
    assert purges.sources["jansen-petrov-2002"].short() == "Jansen & Petrov 2002"


@pytest.mark.parametrize(
    ("citation", "sid", "short"),
    [
        ("Khrushchev, N. S. 'On the Cult of Personality', 25 Feb 1956.", "khrushchev-1956", "Khrushchev 1956"),
        ("Getty, J. Arch, and Oleg V. Naumov. The Road to Terror. Yale, 1999.", "getty-naumov-1999",
         "Getty & Naumov 1999"),
        ("Petrov, N. V., and A. B. Roginskii. 'Pol'skaia operatsiia'. 1997.", "petrov-roginsky-1997",
         "Petrov & Roginskii 1997"),
        ("Sebag Montefiore, Simon. Young Stalin. London, 2007.", "montefiore", "Sebag Montefiore 2007"),
        ("Conquest, Robert. The Great Terror (1968); revised 1990.", "conquest-1990", "Conquest 1990"),
        ("Chuev, Felix; Resis, Albert (ed.). Molotov Remembers. 1993.", "chuev", "Chuev 1993"),
        ("Memorial and the Archive of the President, shooting lists, 2002.", "memorial-lists", ""),
        ("Guided History, 'Stalin's Purge' (web guide).", "seed-guided-history", ""),
        ("Smith, A. Undated pamphlet.", "smith", ""),
    ],
)  # fmt: skip
def test_derive_short(citation, sid, short):
    assert derive_short(citation, sid) == short


def test_a_source_built_in_code_never_shows_its_id():
    assert Source("memorial-lists", "Memorial and the Archive, lists, 2002.").short() == "Memorial and the Archive"
    assert Source("x-1", "Memorial, lists", ref="Memorial 2002").short() == "Memorial 2002"


def test_the_validator_refuses_a_source_without_a_short_form():
    data = yaml.safe_load(MINI.read_text())
    data["sources"][1]["citation"] = "Department for Education guidance on uniforms."
    with pytest.raises(TopicError) as exc:
        build_topic(data, file="broken.yaml")
    assert [str(p) for p in exc.value.problems] == [
        "broken.yaml: sources[1].short: cannot derive a short reference (Author Year) from the citation, which "
        "does not start 'Surname, Given.' with a year; add short: \"Author Year\""
    ]
    data["sources"][1]["short"] = "DfE 2021"
    assert build_topic(data).sources["jones-2019"].short() == "DfE 2021"


def test_link_citations(purges):
    text = "Stalin signed (Popov 1992; Getty &amp; Naumov 1999; Harris 2016). Not (a group) (Popov 1992)."
    out = link_citations(text, purges, ("popov-1992", "getty-naumov-1999"))
    assert out == (
        'Stalin signed (<a class="cite" href="#src-popov-1992">Popov 1992</a>; '
        '<a class="cite" href="#src-getty-naumov-1999">Getty &amp; Naumov 1999</a>; Harris 2016). '
        'Not (a group) (<a class="cite" href="#src-popov-1992">Popov 1992</a>).'
    )
    assert link_citations(text, purges, ("seed-essay",)) == text


async def _debate(tmp_path, mini_library):
    store = SQLiteStore(tmp_path / "cite.sqlite3")
    await store.__aenter__()
    service = DebateService(mini_library, store)
    out = await service.start("school-uniforms", "con", seed=1, user_id="1", user_name="Ann", platform="terminal")
    await service.say(out.debate.id, "Uniforms are expensive, families cannot afford the blazer", author="Ann")
    return store, service, out.debate.id


async def test_the_html_export_links_each_citation_to_its_source(tmp_path, mini_library):
    store, service, debate_id = await _debate(tmp_path, mini_library)
    try:
        record = await store.get_debate(debate_id)
        turns = await store.turns(debate_id)
        page = export("html", service.library.get("school-uniforms"), record, turns, await service.scorecard(debate_id))
    finally:
        await store.__aexit__(None, None, None)
    links = set(re.findall(r'<a class="cite" href="#(src-[\w.-]+)">', page))
    assert links, "no citation linked"
    for anchor in links:
        assert f'<li id="{anchor}">' in page
    assert "smith-2020)" not in page and "(smith-2020" not in page
