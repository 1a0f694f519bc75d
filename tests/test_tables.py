"""Terminal tables: aligned, cut to the width, and shown one block per row when far too wide."""

from caregraph.tables import render_table


def test_columns_align_and_numbers_sit_on_the_right():
    text = render_table(["name", "count"], [("Dorset", 5), ("Greater Manchester", 12)], width=80)
    lines = text.splitlines()
    assert lines[0] == "name                count"
    assert lines[2] == "Dorset                  5"
    assert lines[3] == "Greater Manchester     12"


def test_a_table_a_little_too_wide_is_cut_with_an_ellipsis():
    rows = [("cgd:system-bedfordshire-luton-and-milton-keynes", "Luton, with Milton Keynes and Bedfordshire")]
    text = render_table(["area", "name"], rows, width=60)
    assert all(len(line) <= 60 for line in text.splitlines())
    assert "…" in text


def test_a_table_far_too_wide_is_shown_one_block_per_row_with_nothing_cut():
    row = (
        "cgd:claim-001-system-berkshire-west-alt-label-west-berkshire",
        "cgd:system-berkshire-west",
        "skos:altLabel",
        "West Berkshire",
        "cgd:source-001",
        "First wave of ACSs, line 14",
    )
    headers = ["statement", "subject", "predicate", "object", "source", "locator"]
    text = render_table(headers, [row, row], width=60, title="Who says so?")
    lines = text.splitlines()
    assert lines[0] == "Who says so?"
    assert lines[1].startswith("-[ row 1 ]") and "-[ row 2 ]" in text
    assert "statement  cgd:claim-001-system-berkshire-west-alt-label-west-berkshire" in lines
    assert "…" not in text
