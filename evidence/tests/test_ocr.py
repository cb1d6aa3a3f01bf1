"""OCR of synthetic photographed flyers with real Tesseract (all names and places fictional)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from evidence import ocr
from evidence.tests.hostile_corpus import text_pdf_bytes

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

SPANISH_FLYER = [
    "AVISO A LOS VECINOS",
    "El oficial Ejemplo Uno vive en",
    "Calle Ficticia 123, Colonia Inventada.",
    "Su teléfono es 555-0142.",
    "Díganle que no es bienvenido aquí.",
    "Compartan este aviso con sus vecinos.",
]
SPANISH_KEYS = ["AVISO", "VECINOS", "Ejemplo", "Uno", "Ficticia", "123", "555-0142", "teléfono"]

ENGLISH_FLYER = [
    "NOTICE TO THE NEIGHBORHOOD",
    "Officer Sample Two lives at",
    "456 Imaginary Lane, Nowhere Heights.",
    "His phone number is 555-0173.",
    "Let him know what you think of him.",
    "Share this notice with everyone.",
]
ENGLISH_KEYS = ["NOTICE", "NEIGHBORHOOD", "Sample", "Two", "456", "Imaginary", "555-0173"]

pytestmark = pytest.mark.skipif(
    shutil.which("tesseract") is None or not FONT.exists(),
    reason="needs tesseract-ocr (eng, spa) and fonts-dejavu-core",
)


def render_flyer(
    lines: list[str],
    path: Path,
    *,
    angle: float,
    seed: int,
    font_size: int = 44,
    noise: float = 12.0,
) -> Path:
    """Render a flyer, rotate it, light it unevenly, add noise and save it as a JPEG."""
    title_font = ImageFont.truetype(str(FONT_BOLD), int(font_size * 1.3))
    body_font = ImageFont.truetype(str(FONT), font_size)
    width, height = 1400, 160 + int(font_size * 1.9) * len(lines) + 120
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    y = 100
    for index, line in enumerate(lines):
        draw.text((90, y), line, fill=20, font=title_font if index == 0 else body_font)
        y += int(font_size * 1.9)
    # The sheet lies on a darker table: pad so rotation shows the background, like a photo.
    photo = Image.new("L", (width + 300, height + 300), 90)
    photo.paste(page, (150, 150))
    photo = photo.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=90)
    pixels = np.asarray(photo, dtype=np.float32)
    rows, columns = np.mgrid[0 : pixels.shape[0], 0 : pixels.shape[1]]
    # Light from the top left: the far corner gets about 45 % of the light.
    lighting = 1.0 - 0.55 * (columns / pixels.shape[1] * 0.6 + rows / pixels.shape[0] * 0.4)
    generator = np.random.default_rng(seed)
    pixels = pixels * lighting + generator.normal(0, noise, pixels.shape)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    image = image.filter(ImageFilter.GaussianBlur(0.8))
    image.save(path, "JPEG", quality=70)
    return path


def found_keys(text: str, keys: list[str]) -> list[str]:
    """Return the key tokens that appear in the OCR text (exact, case-sensitive)."""
    tokens = set(re.findall(r"[\wÀ-ÿ-]+", text))
    return [key for key in keys if key in tokens]


@pytest.fixture(scope="module")
def spanish_flyer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_flyer(
        SPANISH_FLYER, tmp_path_factory.mktemp("ocr") / "aviso.jpg", angle=6.0, seed=1
    )


@pytest.fixture(scope="module")
def english_flyer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_flyer(
        ENGLISH_FLYER, tmp_path_factory.mktemp("ocr") / "notice.jpg", angle=-5.0, seed=2
    )


def test_spanish_flyer_is_read_in_spanish_with_its_key_words(spanish_flyer: Path) -> None:
    result = ocr.ocr_image(spanish_flyer)
    assert result.language == "spa"
    assert found_keys(result.text, SPANISH_KEYS) == SPANISH_KEYS, result.text
    assert 5.0 <= abs(result.deskew_angle) <= 7.0


def test_english_flyer_is_read_in_english_with_its_key_words(english_flyer: Path) -> None:
    result = ocr.ocr_image(english_flyer)
    assert result.language == "eng"
    assert found_keys(result.text, ENGLISH_KEYS) == ENGLISH_KEYS, result.text
    assert 4.0 <= abs(result.deskew_angle) <= 6.0


def test_deskew_and_flattening_find_more_key_words_than_the_raw_image(
    tmp_path: Path,
) -> None:
    flyer = render_flyer(SPANISH_FLYER, tmp_path / "torcido.jpg", angle=7.0, seed=3, noise=16.0)
    raw = ocr.ocr_image(flyer, deskew=False, languages=("spa",))
    processed = ocr.ocr_image(flyer, languages=("spa",))
    assert len(found_keys(processed.text, SPANISH_KEYS)) > len(found_keys(raw.text, SPANISH_KEYS))


def test_skew_estimate_matches_the_rotation_within_half_a_degree(tmp_path: Path) -> None:
    for angle in (-6.5, 4.0):
        flyer = render_flyer(ENGLISH_FLYER, tmp_path / f"r{angle}.jpg", angle=angle, seed=4)
        _, estimated = ocr.preprocess(ocr.load_grayscale(flyer))
        # PIL rotates counter-clockwise for positive angles, as estimate_skew reports.
        assert abs(estimated - angle) <= 0.5, (angle, estimated)


def test_language_choice_keeps_the_higher_mean_confidence() -> None:
    runs = [
        ocr._TesseractRun("eng", "a", 71.0, 10),
        ocr._TesseractRun("spa", "b", 88.5, 9),
    ]
    assert ocr.choose_language_run(runs).language == "spa"


def test_scanned_pdf_is_rasterised_and_read(tmp_path: Path) -> None:
    flyer = render_flyer(SPANISH_FLYER, tmp_path / "scan.jpg", angle=4.0, seed=5)
    pdf = tmp_path / "scan.pdf"
    Image.open(flyer).convert("RGB").save(pdf, "PDF", resolution=150)
    result = ocr.ocr_pdf(pdf)
    assert result.source == "ocr"
    assert result.language == "spa"
    assert len(result.pages) == 1
    assert found_keys(result.text, SPANISH_KEYS) == SPANISH_KEYS, result.text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_pdf_with_a_text_layer_uses_it(tmp_path: Path) -> None:
    pdf = tmp_path / "texto.pdf"
    pdf.write_bytes(
        text_pdf_bytes("El oficial Ejemplo Uno vive en la Calle Ficticia 123 de la ciudad")
    )
    result = ocr.ocr_pdf(pdf)
    assert result.source == "text_layer"
    assert result.language == "spa"
    assert "Ficticia 123" in result.text


def test_missing_image_raises_ocr_error(tmp_path: Path) -> None:
    with pytest.raises(ocr.OcrError):
        ocr.ocr_image(tmp_path / "nothing.png")
