"""Refusal messages in the user's language (the public tip form is in English and Spanish).

The pure modules (sniff, streaming) write specific English messages, with sizes and detected
types. For another active language the message is replaced by the translated message for its
stable code; the code itself never changes.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from evidence.streaming import EvidenceRefused

MESSAGES = {
    "empty": _("The file is empty (0 bytes)."),
    "too_large": _("The file is larger than the size limit."),
    "interrupted": _("The upload stopped before the whole file arrived. Please try again."),
    "image_bomb": _("The image is too large in pixels: it could exhaust memory when opened."),
    "image_corrupt": _("The image is damaged and cannot be opened."),
    "image_truncated": _("The image is incomplete (cut off). Upload the original file again."),
    "media_corrupt": _("The recording is damaged or not a playable audio or video file."),
    "metadata_too_large": _("The image carries more hidden metadata than allowed."),
    "pdf_corrupt": _("The PDF is damaged and cannot be opened."),
    "pdf_encrypted": _(
        "The PDF is password-protected. Upload a copy without a password "
        "(the original stays with you)."
    ),
    "polyglot": _("The file has another kind of file hidden inside; such files are not accepted."),
    "text_binary": _("The file looks like binary data, not text."),
    "text_encoding": _("The text is not UTF-8. Save it as UTF-8 (Unicode) and upload it again."),
    "active_content": _(
        "Web pages, SVG and XML files can carry scripts and are not accepted. "
        "Take a screenshot or save it as PDF instead."
    ),
    "unsupported_type": _(
        "This type of file is not accepted as evidence (photos, PDF, audio, video, text, email)."
    ),
    "type_mismatch": _("The file's name says one type but its content is another."),
    "content_type_mismatch": _("The file was sent as one type but its content is another."),
    "executable": _("The file is a program or script, which is not accepted as evidence."),
    "archive": _("The file is an archive (zip or similar). Upload the files inside it instead."),
    "name_empty": _("The file has no name."),
    "name_path_separator": _("File names cannot contain / or \\."),
    "name_control_character": _(
        "The file name contains invisible control characters. Rename the file and try again."
    ),
    "name_bidi_control": _(
        "The file name contains text-direction characters that can disguise its real "
        "extension. Rename the file."
    ),
    "name_dot_segment": _("A file cannot be named only with dots."),
    "name_too_long": _("The file name is too long. Shorten it and try again."),
}


def localize(refused: EvidenceRefused) -> EvidenceRefused:
    """Replace the message with the active language's, when that is not English."""
    language = (translation.get_language() or "en").lower()
    if not language.startswith("en") and refused.code in MESSAGES:
        refused.message = str(MESSAGES[refused.code])
    return refused
