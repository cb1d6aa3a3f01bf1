"""Redaction boxes as rows of labelled number inputs (Section 508 / WCAG 2.1 AA), page tests.

Each box is a row of four labelled inputs (left, top, right, bottom, in image pixels, with the
image size shown); "Add a box" and "Remove" are submit buttons that work without script; every
row is checked on the server (inside the image, positive size) with its own error. The JSON
field still works for scripts. All images and records are synthetic.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image

from evidence import services
from evidence.models import EvidenceItem
from evidence.tests.hostile_corpus import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(local_store, incident, world) -> EvidenceItem:
    return services.evidence_ingest(
        incident=incident,
        fileobj=io.BytesIO(png_bytes((64, 48))),
        filename="foto.png",
        actor=world.user("a", "field_officer"),
    )


def _rows(*boxes: list[int | str], **extra: str) -> dict[str, str]:
    data = {"box-TOTAL_FORMS": str(len(boxes)), "box-INITIAL_FORMS": "0"}
    for index, box in enumerate(boxes):
        for edge, value in zip(("left", "top", "right", "bottom"), box, strict=True):
            data[f"box-{index}-{edge}"] = str(value)
    return {**data, **extra}


def _copies(item: EvidenceItem):
    return EvidenceItem.objects.filter(parent=item, derivation="redacted")


def test_item_page_offers_labelled_edge_inputs_with_the_image_size(photo, world, signed_in):
    page = signed_in(world.user("a", "field_officer")).get(f"/evidence/{photo.pk}/")
    html = page.content.decode()
    assert "The image is 64 \N{MULTIPLICATION SIGN} 48 pixels" in html
    assert "left and right from 0 to 63, top and bottom from 0 to 47" in html
    for edge in ("left", "top", "right", "bottom"):
        label = f'for="id_box-0-{edge}">{edge.title()}</label>'
        assert f'<label class="usa-label margin-top-0" {label}' in html
        assert f'type="number" name="box-0-{edge}"' in html
    assert '<button type="submit" name="add_box"' in html
    assert '<button type="submit" name="remove_box" value="0"' in html
    assert 'id="id_redact_reason"' in html


def test_two_rows_of_edges_make_a_copy_with_both_boxes_black(photo, world, signed_in):
    response = signed_in(world.user("a", "field_officer")).post(
        f"/evidence/{photo.pk}/redact/",
        _rows([2, 3, 10, 12], [30, 20, 63, 47], ["", "", "", ""], reason="Synthetic release."),
    )
    copy = _copies(photo).get()
    assert response.status_code == 302 and response.url == f"/evidence/{copy.pk}/"
    assert copy.derivation_detail["boxes"] == [[2, 3, 10, 12], [30, 20, 63, 47]]
    with Image.open(io.BytesIO(services.evidence_read_bytes(copy))) as image:
        rgb = image.convert("RGB")
        assert rgb.getpixel((6, 7)) == (0, 0, 0) and rgb.getpixel((63, 47)) == (0, 0, 0)
        assert rgb.getpixel((20, 30)) != (0, 0, 0)


def test_add_a_box_without_script_keeps_what_was_typed_and_adds_a_row(photo, world, signed_in):
    response = signed_in(world.user("a", "field_officer")).post(
        f"/evidence/{photo.pk}/redact/",
        _rows([2, 3, 10, 12], reason="Synthetic reason kept.", add_box="1"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="box-0-left" value="2"' in html and 'name="box-0-bottom" value="12"' in html
    # The new, empty row has the keyboard focus; the management form counts both rows.
    assert 'name="box-1-left" class="usa-input usa-input--small"' in html
    assert "autofocus" in html.split('name="box-1-left"')[1].split(">")[0]
    assert 'name="box-TOTAL_FORMS" value="2"' in html
    assert "Synthetic reason kept." in html and "A box was added." in html
    assert not _copies(photo).exists()


def test_remove_without_script_drops_that_row_only(photo, world, signed_in):
    response = signed_in(world.user("a", "field_officer")).post(
        f"/evidence/{photo.pk}/redact/",
        _rows([2, 3, 10, 12], [30, 20, 40, 30], reason="Synthetic.", remove_box="0"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="box-0-left" value="30"' in html and 'name="box-1-left"' not in html
    assert 'name="box-TOTAL_FORMS" value="1"' in html and "Box 1 was removed." in html
    assert not _copies(photo).exists()


@pytest.mark.parametrize("number", ["7", "-1", "two"])
def test_remove_of_a_row_that_does_not_exist_removes_nothing_and_says_so(
    photo, world, signed_in, number
):
    response = signed_in(world.user("a", "field_officer")).post(
        f"/evidence/{photo.pk}/redact/",
        _rows([2, 3, 10, 12], [30, 20, 40, 30], reason="Synthetic.", remove_box=number),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="box-0-left" value="2"' in html and 'name="box-1-left" value="30"' in html
    assert "There is no such box: nothing was removed." in html
    assert not re.search(r"Box -?\d+ was removed", html)
    assert not _copies(photo).exists()


def test_each_bad_row_gets_its_own_error_and_nothing_is_made(photo, world, signed_in):
    response = signed_in(world.user("a", "field_officer")).post(
        f"/evidence/{photo.pk}/redact/",
        _rows([2, 3, 10, 12], [30, 20, 64, 40], [20, 30, 10, 30], [5, "", 9, 9], reason="S."),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert (
        '<a href="#id_box-1-right">'
        "Box 2, Right: Outside the image (64 pixels wide): at most 63.</a>" in html
    )
    assert "Box 3, Right: The right edge must be greater than the left edge." in html
    assert "Box 3, Bottom: The bottom edge must be greater than the top edge." in html
    assert "Box 4, Top: Give all four edges of the box, or leave the row empty." in html
    assert "Box 1," not in html
    # A row with an edge missing still has its other edges checked.
    bad_one = '<a href="#id_box-3-top">Box 4, Top: Give all four edges'
    assert bad_one in html
    # The field says what is wrong too, and everything typed comes back.
    assert 'aria-invalid="true"' in html.split('name="box-1-right"')[1].split(">")[0]
    assert 'name="box-2-left" value="20"' in html
    assert not _copies(photo).exists()


def test_no_box_at_all_is_refused_on_the_form(photo, world, signed_in):
    response = signed_in(world.user("a", "field_officer")).post(
        f"/evidence/{photo.pk}/redact/", _rows(["", "", "", ""], reason="Synthetic.")
    )
    assert response.status_code == 422
    assert "Draw at least one box." in response.content.decode()
    assert not _copies(photo).exists()


def test_json_boxes_still_work_and_are_checked_against_the_image(photo, world, signed_in):
    client = signed_in(world.user("a", "field_officer"))
    outside = client.post(
        f"/evidence/{photo.pk}/redact/", {"boxes": "[[0, 0, 4, 48]]", "reason": "Synthetic."}
    )
    assert outside.status_code == 422
    assert "Box 1: Outside the image (48 pixels high): at most 47." in outside.content.decode()
    assert not _copies(photo).exists()
    good = client.post(
        f"/evidence/{photo.pk}/redact/", {"boxes": "[[0, 0, 4, 47]]", "reason": "Synthetic."}
    )
    assert good.status_code == 302
    assert _copies(photo).get().derivation_detail["boxes"] == [[0, 0, 4, 47]]


def test_a_photo_turned_by_its_exif_orientation_is_measured_as_shown(
    local_store, incident, world, signed_in
):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees on display: 64 x 48 stored, 48 x 64 shown
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 200, 200)).save(buffer, "JPEG", exif=exif)
    officer = world.user("a", "field_officer")
    item = services.evidence_ingest(
        incident=incident, fileobj=io.BytesIO(buffer.getvalue()), filename="gira.jpg", actor=officer
    )
    client = signed_in(officer)
    page = client.get(f"/evidence/{item.pk}/").content.decode()
    assert "The image is 48 \N{MULTIPLICATION SIGN} 64 pixels" in page
    response = client.post(
        f"/evidence/{item.pk}/redact/", _rows([0, 50, 47, 63], reason="Synthetic.")
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "boxes", ["[[0, 0, 4, Infinity]]", "[[0, 0, 4, 1e999]]", "[[0, -Infinity, 4, 4]]"]
)
def test_json_boxes_with_a_non_finite_edge_get_a_form_error(photo, world, signed_in, boxes):
    response = signed_in(world.user("a", "field_officer")).post(
        f"/evidence/{photo.pk}/redact/", {"boxes": boxes, "reason": "Synthetic."}
    )
    assert response.status_code == 422
    assert "Box edges must be whole numbers of pixels." in response.content.decode()
    assert not _copies(photo).exists()


def test_json_boxes_and_rows_together_are_capped(photo, world, signed_in):
    from evidence.forms import MAX_BOXES

    client = signed_in(world.user("a", "field_officer"))
    too_many = json.dumps([[0, 0, 4, 4]] * (MAX_BOXES + 1))
    alone = client.post(
        f"/evidence/{photo.pk}/redact/", {"boxes": too_many, "reason": "Synthetic."}
    )
    assert alone.status_code == 422
    assert f"At most {MAX_BOXES} boxes" in alone.content.decode()

    half = json.dumps([[0, 0, 4, 4]] * (MAX_BOXES // 2 + 1))
    rows = [[1, 1, 5, 5]] * (MAX_BOXES // 2 + 1)
    combined = client.post(
        f"/evidence/{photo.pk}/redact/", _rows(*rows, boxes=half, reason="Synthetic.")
    )
    assert combined.status_code == 422
    assert f"At most {MAX_BOXES} boxes" in combined.content.decode()
    assert not _copies(photo).exists()
