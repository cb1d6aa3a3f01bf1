"""Write hostile files (each with the refusal code it must get) and valid samples of every type.

Run as a script to fill a folder for manual poking: ``python -m evidence.tests.hostile_corpus DIR``.
All content is synthetic: fictional names, streets and 555-01xx numbers.
"""

from __future__ import annotations

import io
import random
import shutil
import struct
import subprocess
import sys
import wave
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from evidence.sniff import Limits

FICTIONAL_TEXT = (
    "El oficial Ejemplo Uno vive en Calle Ficticia 123. Llamen al 555-0142.\n"
    "Officer Sample Two lives at 456 Imaginary Lane. Call 555-0173.\n"
)


@dataclass(frozen=True)
class HostileCase:
    """A file on disk, the name and type its uploader declares, and the refusal code expected."""

    label: str
    path: Path
    declared_name: str
    expected_code: str
    declared_content_type: str | None = None
    limits: Limits | None = None


@dataclass(frozen=True)
class ValidSample:
    """A well-formed file of an accepted type and the kind it must be sniffed as."""

    path: Path
    declared_name: str
    kind: str
    extension: str


# ---------------------------------------------------------------------------------------------
# Builders of valid content
# ---------------------------------------------------------------------------------------------


def jpeg_bytes(size: tuple[int, int] = (64, 48), *, exif: bool = True) -> bytes:
    """Return a small JPEG with camera EXIF (make, model, capture time, GPS) if asked."""
    image = Image.new("RGB", size, (200, 40, 40))
    buffer = io.BytesIO()
    if exif:
        image.save(buffer, "JPEG", exif=camera_exif())
    else:
        image.save(buffer, "JPEG")
    return buffer.getvalue()


def camera_exif() -> Image.Exif:
    """Return EXIF for a fictional phone photo taken at a fictional place."""
    exif = Image.Exif()
    exif[0x010F] = "ExampleCam"  # Make
    exif[0x0110] = "Model 5550142"  # Model
    exif[0x0132] = "2024:03:05 14:22:10"  # DateTime
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[0x9003] = "2024:03:05 14:21:59"  # DateTimeOriginal
    exif_ifd[0x9011] = "-06:00"  # OffsetTimeOriginal
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (30.0, 16.0, 12.5)
    gps[3] = "W"
    gps[4] = (97.0, 44.0, 36.0)
    return exif


def png_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    """Return a small PNG."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def image_pdf_bytes() -> bytes:
    """Return a one-page PDF holding an image (a 'scan'), made by Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), (255, 255, 255)).save(buffer, "PDF", resolution=72)
    return buffer.getvalue()


def text_pdf_bytes(text: str = "El oficial Ejemplo Uno vive en la Calle Ficticia 123") -> bytes:
    """Return a one-page PDF with a real text layer (Helvetica), built by hand."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    output = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        output += b"%010d 00000 n \n" % offset
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(output)


def wav_bytes(seconds: float = 0.5, rate: int = 8000) -> bytes:
    """Return a mono 16-bit WAV of a quiet tone."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        frames = bytearray()
        for index in range(int(seconds * rate)):
            frames += struct.pack("<h", 3000 if (index // 10) % 2 else -3000)
        writer.writeframes(bytes(frames))
    return buffer.getvalue()


# ffmpeg arguments for tiny synthetic clips (lavfi test sources: no input files needed).
_AUDIO_SOURCE = ["-f", "lavfi", "-i", "sine=frequency=440:duration=1"]
_VIDEO_SOURCE = ["-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=1"]
FFMPEG_SAMPLES: dict[str, tuple[str, list[str]]] = {
    "mp3": ("audio", [*_AUDIO_SOURCE, "-c:a", "libmp3lame", "-b:a", "32k"]),
    "m4a": ("audio", [*_AUDIO_SOURCE, "-c:a", "aac", "-b:a", "32k"]),
    "ogg": ("audio", [*_AUDIO_SOURCE, "-c:a", "libvorbis"]),
    "mp4": (
        "video",
        [
            *_VIDEO_SOURCE,
            *_AUDIO_SOURCE,
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
        ],
    ),
    "mov": ("video", [*_VIDEO_SOURCE, "-c:v", "libx264", "-pix_fmt", "yuv420p"]),
    "webm": ("video", [*_VIDEO_SOURCE, "-c:v", "libvpx", "-b:v", "100k"]),
}


def ffmpeg_clip(path: Path, extension: str) -> Path:
    """Write a one-second synthetic clip with ffmpeg."""
    _, arguments = FFMPEG_SAMPLES[extension]
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *arguments, str(path)],
        check=True,
        timeout=60,
    )
    return path


EML_TEXT = (
    "From: Remitente Ficticio <remitente@example.invalid>\r\n"
    "To: Oficina Ejemplo <oficina@example.invalid>\r\n"
    "Subject: Aviso sobre el oficial Ejemplo Uno\r\n"
    "Date: Tue, 05 Mar 2024 14:22:10 -0600\r\n"
    "Message-ID: <aviso-0142@example.invalid>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n" + FICTIONAL_TEXT.replace("\n", "\r\n")
)


def write_valid_samples(directory: Path) -> list[ValidSample]:
    """Write one valid file of every accepted type; return them with their expected kind."""
    directory.mkdir(parents=True, exist_ok=True)
    samples: list[ValidSample] = []

    def add(name: str, data: bytes | None, kind: str, extension: str) -> None:
        path = directory / name
        if data is not None:
            path.write_bytes(data)
        samples.append(ValidSample(path, name, kind, extension))

    add("foto.jpg", jpeg_bytes(), "image", "jpg")
    add("captura.png", png_bytes(), "image", "png")
    tiff = io.BytesIO()
    Image.new("RGB", (32, 32), (0, 200, 0)).save(tiff, "TIFF", compression="tiff_lzw")
    add("escaneo.tiff", tiff.getvalue(), "image", "tiff")
    try:
        import pillow_heif

        heif = io.BytesIO()
        pillow_heif.from_pillow(Image.new("RGB", (64, 64), (90, 90, 200))).save(heif, quality=50)
        add("foto.heic", heif.getvalue(), "image", "heic")
    except (ImportError, ValueError, RuntimeError):
        pass  # pillow-heif without an encoder: HEIC is then not tested here.
    add("escaneo.pdf", image_pdf_bytes(), "pdf", "pdf")
    add("documento.pdf", text_pdf_bytes(), "pdf", "pdf")
    add("mensaje.wav", wav_bytes(), "audio", "wav")
    if shutil.which("ffmpeg"):
        for extension, (kind, _) in FFMPEG_SAMPLES.items():
            name = f"clip.{extension}"
            ffmpeg_clip(directory / name, extension)
            add(name, None, kind, extension)
    add("nota.txt", FICTIONAL_TEXT.encode("utf-8"), "text", "txt")
    add("ascii.txt", b"Call 555-0173 about 456 Imaginary Lane.\n", "text", "txt")
    add("correo.eml", EML_TEXT.encode("utf-8"), "email", "eml")
    return samples


# ---------------------------------------------------------------------------------------------
# Builders of hostile content
# ---------------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_chunks(extra: list[tuple[bytes, bytes]], width: int = 8, height: int = 8) -> bytes:
    """Return a valid 8x8 grayscale PNG with extra chunks inserted before the image data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    chunks = [_png_chunk(b"IHDR", header)]
    chunks += [_png_chunk(kind, data) for kind, data in extra]
    chunks += [_png_chunk(b"IDAT", zlib.compress(raw)), _png_chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def png_bomb(side: int = 30000) -> bytes:
    """Return a 1-bit PNG of side x side pixels (900 megapixels) that compresses to ~100 KB."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + b"".join(
        [_png_chunk(b"IHDR", header), _png_chunk(b"IDAT", data), _png_chunk(b"IEND", b"")]
    )


def jpeg_with_app_segments(count: int, size: int = 65000) -> bytes:
    """Return a JPEG carrying ``count`` APP1 segments of ``size`` bytes each (huge EXIF)."""
    jpeg = jpeg_bytes(exif=False)
    segment = b"\xff\xe1" + struct.pack(">H", size + 2) + b"Exif\x00\x00" + b"A" * (size - 6)
    return jpeg[:2] + segment * count + jpeg[2:]


def zip_bytes() -> bytes:
    """Return a small zip archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("aviso.txt", FICTIONAL_TEXT)
    return buffer.getvalue()


def pe_bytes() -> bytes:
    """Return the start of a Windows PE executable (MZ stub plus PE header)."""
    stub = bytearray(b"MZ" + b"\x90\x00" * 29 + b"\x00" * 2)
    stub = stub.ljust(0x3C, b"\x00") + struct.pack("<I", 0x80)
    stub = stub.ljust(0x80, b"\x00") + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 200
    return bytes(stub)


def elf_bytes() -> bytes:
    """Return the start of an x86-64 ELF executable."""
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + b"\x02\x00\x3e\x00" + b"\x00" * 200


def encrypted_pdf_bytes() -> bytes:
    """Return a PDF encrypted with a user password (RC4, no extra crypto library needed)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(text_pdf_bytes())).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secreto", owner_password="otro", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def write_hostile_corpus(directory: Path) -> list[HostileCase]:
    """Write every hostile file into ``directory``; return each with its expected refusal code."""
    directory.mkdir(parents=True, exist_ok=True)
    cases: list[HostileCase] = []
    randomness = random.Random(20240305)

    def add(
        label: str,
        data: bytes,
        declared_name: str,
        code: str,
        *,
        content_type: str | None = None,
        limits: Limits | None = None,
    ) -> None:
        path = directory / f"{len(cases):02d}-{label}"
        path.write_bytes(data)
        cases.append(HostileCase(label, path, declared_name, code, content_type, limits))

    jpeg, png = jpeg_bytes(), png_bytes()
    add("decompression-bomb", png_bomb(), "bomba.png", "image_bomb")
    add("truncated-jpeg", jpeg[: len(jpeg) // 2], "cortada.jpg", "image_truncated")
    add("truncated-png", png[: len(png) - 30], "cortada.png", "image_truncated")
    add("pdf-named-jpg", text_pdf_bytes(), "foto.jpg", "type_mismatch")
    add("png-named-jpg", png, "foto.jpg", "type_mismatch")
    add("jpeg-unknown-extension", jpeg, "foto.xyz", "type_mismatch")
    add("eml-that-is-plain-text", FICTIONAL_TEXT.encode(), "correo.eml", "type_mismatch")
    add("pe-named-png", pe_bytes(), "imagen.png", "executable")
    add("elf-named-png", elf_bytes(), "imagen.png", "executable")
    add("zip", zip_bytes(), "pruebas.zip", "archive")
    add("zip-named-jpg", zip_bytes(), "foto.jpg", "archive")
    add("gzip-named-txt", b"\x1f\x8b\x08\x00" + bytes(60), "nota.txt", "archive")
    html = b"<!DOCTYPE html><html><body><script>alert(1)</script>Aviso</body></html>\n"
    add("html-named-txt", html, "nota.txt", "active_content")
    svg = (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
        b'height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>\n'
    )
    add("svg-with-script", svg, "dibujo.svg", "active_content")
    add("svg-named-png", svg, "dibujo.png", "active_content")
    add("jpeg-zip-polyglot", jpeg + zip_bytes(), "foto.jpg", "polyglot")
    add("pdf-zip-polyglot", text_pdf_bytes() + zip_bytes(), "doc.pdf", "polyglot")
    add("zero-bytes", b"", "vacia.jpg", "empty")
    add(
        "oversize",
        FICTIONAL_TEXT.encode() * 20,
        "larga.txt",
        "too_large",
        limits=Limits(max_bytes=1000),
    )
    add("huge-exif", jpeg_with_app_segments(80), "exif.jpg", "metadata_too_large")
    huge_text = b"Comment\x00" + b"Z" * (5 * 1024 * 1024)
    add("huge-png-text", png_with_chunks([(b"tEXt", huge_text)]), "texto.png", "metadata_too_large")
    ztxt_bomb = b"Comment\x00\x00" + zlib.compress(b"Z" * (64 * 1024 * 1024), 9)
    add("png-ztxt-bomb", png_with_chunks([(b"zTXt", ztxt_bomb)]), "ztxt.png", "metadata_too_large")
    add("name-with-slash", png, "../../etc/foto.png", "name_path_separator")
    add("name-with-backslash", png, "C:\\temp\\foto.png", "name_path_separator")
    add("name-with-nul", png, "foto\x00.png", "name_control_character")
    add("name-with-newline", png, "foto\n.png", "name_control_character")
    add("name-dot-dot", png, "..", "name_dot_segment")
    add("name-rtl-override", png, "foto\u202egnp.exe", "name_bidi_control")
    add("name-300-chars", png, "a" * 296 + ".png", "name_too_long")
    add("name-empty", png, "   ", "name_empty")
    binary = bytes(randomness.getrandbits(8) for _ in range(4096))
    add("binary-named-txt", b"\x00\x01\x02" + binary, "nota.txt", "text_binary")
    latin1 = "Teléfono del oficial Ejemplo Uno: 555-0142, año próximo\n".encode("latin-1")
    add("latin1-text", latin1, "nota.txt", "text_encoding")
    add(
        "wav-corrupt-header",
        b"RIFF\x24\x08\x00\x00WAVEfmt " + b"\xff" * 40,
        "audio.wav",
        "media_corrupt",
    )
    add(
        "mp3-id3-then-garbage",
        b"ID3\x03\x00\x00\x00\x00\x00\x0a" + bytes(10) + bytes(range(256)) * 4,
        "audio.mp3",
        "media_corrupt",
    )
    add("pdf-corrupt", b"%PDF-1.7\n" + bytes(range(256)) * 8, "roto.pdf", "pdf_corrupt")
    add("pdf-encrypted", encrypted_pdf_bytes(), "cifrado.pdf", "pdf_encrypted")
    gif = io.BytesIO()
    Image.new("P", (8, 8)).save(gif, "GIF")
    add("gif", gif.getvalue(), "animacion.gif", "unsupported_type")
    bmp = io.BytesIO()
    Image.new("RGB", (8, 8)).save(bmp, "BMP")
    add("bmp-named-bmp", bmp.getvalue(), "imagen.bmp", "unsupported_type")
    add(
        "png-declared-as-pdf",
        png,
        "captura.png",
        "content_type_mismatch",
        content_type="application/pdf",
    )
    if shutil.which("ffmpeg"):
        clip_directory = directory / "_sources"
        clip_directory.mkdir(exist_ok=True)
        mp4 = ffmpeg_clip(clip_directory / "hostile-source.mp4", "mp4").read_bytes()
        add("mp4-named-wav", mp4, "audio.wav", "type_mismatch")
        add("mp4-truncated", mp4[:1500], "video.mp4", "media_corrupt")
        webm = ffmpeg_clip(clip_directory / "hostile-source.webm", "webm").read_bytes()
        add("webm-named-mp4", webm, "video.mp4", "type_mismatch")
        add("ogg-garbage", b"OggS\x00\x02" + bytes(range(256)) * 8, "audio.ogg", "media_corrupt")
    return cases


if __name__ == "__main__":  # pragma: no cover - manual use
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    for case in write_hostile_corpus(target / "hostile"):
        print(f"{case.expected_code:24} {case.label:28} {case.declared_name!r}")
    for sample in write_valid_samples(target / "valid"):
        print(f"{'accept ' + sample.kind:24} {sample.path.name}")
