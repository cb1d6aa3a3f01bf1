"""OCR photographed flyers, screenshots and scanned PDFs with Tesseract.

Choice: the ``tesseract`` command-line program (Debian ``tesseract-ocr`` 5.3 with the
``-eng`` and ``-spa`` models) called through ``subprocess`` rather than pytesseract: no extra
dependency, an explicit timeout per call, and the two language runs go in parallel.

Pipeline for an image (photographed flyers are the main case: skewed, unevenly lit):

1. Load with Pillow, apply the EXIF orientation, convert to grayscale.
2. Upscale small images so glyphs are tall enough (Tesseract wants ~300 dpi; research A4
   found the cliff between "readable photo" and "bad photo" is glyph size and blur).
3. Flatten the lighting: divide by a heavily blurred copy (the background estimate). A
   global threshold fails on a flyer lit from one side; this makes the paper uniformly white.
4. Estimate skew by projection profiles: rotate a small binarised copy through candidate
   angles and keep the one whose row sums are most peaked (text lines line up). This is
   more robust than ``minAreaRect`` on all ink pixels, which noise and pictures pull off.
5. Rotate the flattened image, binarise with Otsu, and run Tesseract.

Language rule: run ``eng`` and ``spa`` separately (in parallel) and keep the run with the
higher mean word confidence (words Tesseract reports with conf >= 0 and non-blank text).
Research A4 measured that ``eng+spa`` together was worse than the better single language
(11/18 key tokens vs 18/18 on clean Spanish), so the combined model is never used.

PDFs: if ``pdftotext`` finds a text layer, that text is used as is; otherwise each page is
rasterised with ``pdftoppm -r 300`` and OCRed as an image.
"""

from __future__ import annotations

import csv
import io
import math
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps

LANGUAGES = ("eng", "spa")
TESSERACT_TIMEOUT_SECONDS = 120
PDF_TIMEOUT_SECONDS = 300
# Below this many characters per page a PDF text layer is taken as absent (a scan with only
# a stray page number or producer stamp in its text layer).
MIN_TEXT_LAYER_CHARS_PER_PAGE = 20
# Glyphs should be ~20-40 px tall for Tesseract; phone photos of a flyer rarely go below
# this width unless shrunk by a messaging app, which is exactly when upscaling helps.
MIN_WORKING_WIDTH = 1800
MAX_WORKING_WIDTH = 4000
SKEW_SEARCH_DEGREES = 15.0


class OcrError(Exception):
    """OCR could not run (missing Tesseract, unreadable image, timeout)."""


@dataclass(frozen=True)
class OcrResult:
    """Text found, the language model chosen, mean word confidence (0-100) and deskew angle."""

    text: str
    language: str
    mean_confidence: float
    deskew_angle: float
    source: str = "ocr"  # "ocr" or "text_layer"
    pages: tuple[OcrResult, ...] = field(default=())


@dataclass(frozen=True)
class _TesseractRun:
    language: str
    text: str
    mean_confidence: float
    word_count: int


def _require(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        raise OcrError(f"The program {program!r} is not installed.")
    return found


def load_grayscale(path: str | os.PathLike[str]) -> np.ndarray:
    """Load an image as 8-bit grayscale with its EXIF orientation applied."""
    try:
        with Image.open(path) as image:
            oriented = ImageOps.exif_transpose(image)
            return np.asarray(oriented.convert("L"))
    except (OSError, ValueError) as error:
        raise OcrError(f"The image could not be read: {error}") from error


def _resize_for_ocr(gray: np.ndarray) -> np.ndarray:
    _height, width = gray.shape
    if width < MIN_WORKING_WIDTH:
        scale = MIN_WORKING_WIDTH / width
        return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    if width > MAX_WORKING_WIDTH:
        scale = MAX_WORKING_WIDTH / width
        return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return gray


def flatten_illumination(gray: np.ndarray) -> np.ndarray:
    """Divide out uneven lighting so the paper becomes uniformly white."""
    # The background is what survives a closing (which removes dark thin strokes) and a wide
    # blur; the kernel must be wider than a stroke but narrower than a shadow.
    kernel_size = max(15, (min(gray.shape) // 40) | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (kernel_size, kernel_size))
    background = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, kernel)
    background = cv2.GaussianBlur(background, (0, 0), kernel_size / 2)
    flattened = cv2.divide(gray, background, scale=255)
    # Where the background itself is dark (the table around the sheet, a deep shadow) the
    # division amplifies sensor noise into fake specks of ink; paint those regions white.
    paper_level = float(np.percentile(background, 95))
    flattened[background < paper_level * 0.5] = 255
    return flattened


def binarise(gray: np.ndarray) -> np.ndarray:
    """Return a black-on-white binary image (Otsu after a light denoise)."""
    denoised = cv2.medianBlur(gray, 3)
    _, binary = cv2.threshold(denoised, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return binary


def remove_non_text(binary: np.ndarray) -> np.ndarray:
    """Erase ink blobs that cannot be glyphs: page edges, table shadows, frames, specks."""
    ink = (binary < 128).astype(np.uint8)
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    height, width = ink.shape
    left, top, box_width, box_height, area = (stats[:, index] for index in range(5))
    # A photographed sheet's edge or the table around it is one huge component; Tesseract's
    # layout analysis then takes the whole page for a picture and returns no text at all.
    too_big = (box_width > width * 0.5) | (box_height > height * 0.3)
    touches_border = (
        (left == 0) | (top == 0) | (left + box_width >= width) | (top + box_height >= height)
    )
    specks = area <= 6
    remove = too_big | touches_border | specks
    remove[0] = False  # label 0 is the background
    cleaned = binary.copy()
    cleaned[remove[labels] & (ink == 1)] = 255
    return cleaned


def _profile_score(ink: np.ndarray, angle: float) -> float:
    height, width = ink.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    rotated = cv2.warpAffine(ink, matrix, (width, height), flags=cv2.INTER_NEAREST)
    rows = rotated.sum(axis=1, dtype=np.float64)
    # Sum of squared differences between neighbouring rows: high when text lines are
    # horizontal (sharp ink/no-ink transitions), insensitive to how much ink there is.
    return float(np.square(np.diff(rows)).sum())


def estimate_skew(binary: np.ndarray) -> float:
    """Return the angle in degrees (counter-clockwise) by which the text is rotated."""
    ink = (binary < 128).astype(np.uint8)
    _height, width = ink.shape
    # Work at ~1000 px wide: enough to resolve 0.1 degrees over a line, and fast.
    scale = min(1.0, 1000 / max(width, 1))
    if scale < 1.0:
        ink = cv2.resize(ink, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)  # type: ignore[assignment]
    if ink.sum() == 0:
        return 0.0
    best = max(
        np.arange(-SKEW_SEARCH_DEGREES, SKEW_SEARCH_DEGREES + 0.01, 1.0),
        key=lambda angle: _profile_score(ink, float(angle)),
    )
    fine = max(
        np.arange(best - 1.0, best + 1.01, 0.1),
        key=lambda angle: _profile_score(ink, float(angle)),
    )
    # _profile_score rotates by +angle to straighten; the text itself is rotated by -angle.
    return -round(float(fine), 2)


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by ``-angle`` degrees (undoing a skew of ``angle``), padding with white."""
    height, width = gray.shape
    radians = math.radians(angle)
    new_width = int(abs(width * math.cos(radians)) + abs(height * math.sin(radians)))
    new_height = int(abs(height * math.cos(radians)) + abs(width * math.sin(radians)))
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -angle, 1.0)
    matrix[0, 2] += (new_width - width) / 2
    matrix[1, 2] += (new_height - height) / 2
    return cv2.warpAffine(
        gray,
        matrix,
        (new_width, new_height),
        flags=cv2.INTER_CUBIC,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    )


def preprocess(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """Resize, flatten lighting, deskew and binarise; return the image and the skew angle."""
    resized = _resize_for_ocr(gray)
    flattened = flatten_illumination(resized)
    angle = estimate_skew(remove_non_text(binarise(flattened)))
    straightened = rotate(flattened, angle) if abs(angle) >= 0.2 else flattened
    return remove_non_text(binarise(straightened)), angle


def _parse_tsv(language: str, tsv: str) -> _TesseractRun:
    lines: dict[tuple[str, str, str, str], list[str]] = {}
    confidences: list[float] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        word = (row.get("text") or "").strip()
        try:
            confidence = float(row.get("conf") or -1)
        except ValueError:
            confidence = -1.0
        if not word or confidence < 0:
            continue
        key = (row["page_num"], row["block_num"], row["par_num"], row["line_num"])
        lines.setdefault(key, []).append(word)
        confidences.append(confidence)
    text = "\n".join(" ".join(words) for words in lines.values())
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return _TesseractRun(language, text, round(mean, 2), len(confidences))


def run_tesseract(image_path: str | os.PathLike[str], language: str, psm: int = 3) -> _TesseractRun:
    """Run the tesseract CLI on one image with one language; return text and confidence."""
    command = [
        _require("tesseract"),
        os.fspath(image_path),
        "stdout",
        "-l",
        language,
        "--psm",
        str(psm),
        "tsv",
    ]
    # One thread per process: we already run the two languages in parallel on two cores.
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        completed = subprocess.run(
            command,
            capture_output=True,
            timeout=TESSERACT_TIMEOUT_SECONDS,
            check=False,
            env=environment,
        )
    except subprocess.TimeoutExpired as error:
        raise OcrError("OCR took too long and was stopped.") from error
    if completed.returncode != 0:
        message = completed.stderr.decode("utf-8", "replace").strip()[-500:]
        raise OcrError(f"tesseract failed ({language}): {message}")
    return _parse_tsv(language, completed.stdout.decode("utf-8", "replace"))


def choose_language_run(runs: Sequence[_TesseractRun]) -> _TesseractRun:
    """Keep the run with the highest mean word confidence (ties: more words, then order)."""
    return max(runs, key=lambda run: (run.mean_confidence, run.word_count))


def _ocr_array(
    image: np.ndarray, angle: float, languages: Sequence[str], work_dir: str
) -> OcrResult:
    image_path = os.path.join(work_dir, "ocr-input.png")
    cv2.imwrite(image_path, image)
    with ThreadPoolExecutor(max_workers=len(languages)) as pool:
        runs = list(pool.map(lambda language: run_tesseract(image_path, language), languages))
    best = choose_language_run(runs)
    return OcrResult(
        text=best.text,
        language=best.language,
        mean_confidence=best.mean_confidence,
        deskew_angle=angle,
    )


def ocr_image(
    path: str | os.PathLike[str],
    *,
    languages: Sequence[str] = LANGUAGES,
    deskew: bool = True,
) -> OcrResult:
    """OCR an image file, choosing the language with the higher mean word confidence."""
    gray = load_grayscale(path)
    if deskew:
        image, angle = preprocess(gray)
    else:
        # The raw path: Tesseract's own binarisation on the untouched image (for comparison).
        image, angle = gray, 0.0
    with tempfile.TemporaryDirectory(prefix="custos-ocr-") as work_dir:
        return _ocr_array(image, angle, languages, work_dir)


def pdf_text_layer(path: str | os.PathLike[str]) -> list[str]:
    """Return the text layer of each page of a PDF (empty strings where there is none)."""
    try:
        completed = subprocess.run(
            [_require("pdftotext"), "-layout", "-enc", "UTF-8", os.fspath(path), "-"],
            capture_output=True,
            timeout=PDF_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise OcrError("Reading the PDF text took too long and was stopped.") from error
    if completed.returncode != 0:
        raise OcrError("pdftotext could not read the PDF.")
    pages = completed.stdout.decode("utf-8", "replace").split("\f")
    # pdftotext ends the last page with a form feed too.
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


# Function words that tell English from Spanish in a text layer (no OCR confidence there).
_ENGLISH_WORDS = frozenset(
    {"the", "and", "of", "to", "in", "is", "that", "for", "on", "with", "you", "are", "this"}
)
_SPANISH_WORDS = frozenset(
    {"el", "la", "de", "que", "y", "en", "los", "las", "del", "se", "por", "con", "para", "una"}
)


def guess_language(text: str) -> str:
    """Return ``eng`` or ``spa`` by counting common function words."""
    words = [word.strip(".,;:!?¡¿\"'()").lower() for word in text.split()]
    english = sum(word in _ENGLISH_WORDS for word in words)
    spanish = sum(word in _SPANISH_WORDS for word in words)
    return "spa" if spanish > english else "eng"


def ocr_pdf(
    path: str | os.PathLike[str],
    *,
    languages: Sequence[str] = LANGUAGES,
    dpi: int = 300,
) -> OcrResult:
    """Return a PDF's text layer, or OCR each page rasterised at ``dpi`` if it has none."""
    layer = pdf_text_layer(path)
    if layer and sum(len(page.strip()) for page in layer) >= MIN_TEXT_LAYER_CHARS_PER_PAGE * len(
        layer
    ):
        text = "\f".join(page.strip() for page in layer)
        return OcrResult(
            text=text,
            language=guess_language(text),
            mean_confidence=100.0,
            deskew_angle=0.0,
            source="text_layer",
        )
    with tempfile.TemporaryDirectory(prefix="custos-pdf-") as work_dir:
        prefix = os.path.join(work_dir, "page")
        try:
            completed = subprocess.run(
                [_require("pdftoppm"), "-r", str(dpi), "-gray", "-png", os.fspath(path), prefix],
                capture_output=True,
                timeout=PDF_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise OcrError("Rasterising the PDF took too long and was stopped.") from error
        if completed.returncode != 0:
            raise OcrError("pdftoppm could not rasterise the PDF.")
        page_results = []
        for page_path in sorted(Path(work_dir).glob("page*.png")):
            gray = load_grayscale(page_path)
            image, angle = preprocess(gray)
            page_results.append(_ocr_array(image, angle, languages, work_dir))
    if not page_results:
        raise OcrError("The PDF has no pages.")
    return _combine_pages(page_results)


def _combine_pages(pages: list[OcrResult]) -> OcrResult:
    # The document's language is the one chosen for the most pages; confidence is the mean.
    languages = [page.language for page in pages]
    language = max(set(languages), key=languages.count)
    return OcrResult(
        text="\f".join(page.text for page in pages),
        language=language,
        mean_confidence=round(sum(page.mean_confidence for page in pages) / len(pages), 2),
        deskew_angle=pages[0].deskew_angle,
        pages=tuple(pages),
    )
