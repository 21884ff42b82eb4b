"""Server-rendered SVG charts: well-formed, titled and described, the fixed 0-3 scale, escaped."""

from __future__ import annotations

from lxml import etree

from lima_lod.web.charts import Group, Series, bar_chart, document

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & </svg>'


def chart() -> etree._Element:
    svg = bar_chart(
        "c1",
        HOSTILE,
        "a description",
        (Series(HOSTILE, "#123456"), Series("B", "#abcdef", "hatch")),
        [Group("10", (1.83, None), HOSTILE), Group("11", (2.2, 3.5))],
    )
    return etree.fromstring(document(svg))


def test_chart_is_xml_with_title_desc_and_role() -> None:
    root = chart()
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert desc.text == "a description"


def test_hostile_text_stays_text() -> None:
    root = chart()
    assert root.find(f"{SVG}title").text == HOSTILE  # type: ignore[union-attr]
    assert not root.findall(f".//{SVG}script") and not root.findall(".//script")


def test_values_printed_and_scale_fixed() -> None:
    texts = [t.text for t in chart().iter(f"{SVG}text")]
    assert {"1.83", "2.20", "3.50"} <= set(texts)  # each value on its bar (3.5 clipped, printed)
    assert {"0", "1", "2", "3"} <= set(texts)  # the 0-3 scale, whatever the data
    patterns = chart().findall(f".//{SVG}pattern")
    assert len(patterns) == 1  # the second series is told apart by a pattern
