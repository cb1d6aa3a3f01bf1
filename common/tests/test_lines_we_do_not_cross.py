"""The lines Custos does not cross that no single app owns: biometrics and person scores.

The other lines are proved where they are enforced:
- protected activity alone never makes a record of a person: incidents/tests/test_scenarios_api.py;
- no subject without an offense, a predicate and an approval: intel/tests/test_subject_controls.py;
- no field for views, religion or associations: intel/tests/test_no_protected_fields.py;
- append-only, hash-chained audit: audit/tests/test_chain.py;
- offices see their own records, sharing logged: common/tests/test_access_matrix.py and
  cases/tests/test_sharing_and_scenario.py.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.apps import apps
from django.urls import get_resolver

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = [
    "custos", "common", "accounts", "audit", "incidents", "evidence", "cases", "intel",
    "exposure", "threats", "force", "stats",
]  # fmt: skip

# Libraries whose purpose is face detection, recognition or matching, or other biometrics.
BIOMETRIC_DISTRIBUTIONS = {
    "face-recognition", "face_recognition", "dlib", "deepface", "insightface", "facenet-pytorch",
    "mtcnn", "retinaface", "mediapipe", "compreface", "opencv-contrib-python",
    "opencv-contrib-python-headless", "amazon-rekognition", "azure-cognitiveservices-vision-face",
}  # fmt: skip
BIOMETRIC_MODULES = {
    "face_recognition", "dlib", "deepface", "insightface", "facenet_pytorch", "mtcnn",
    "retinaface", "mediapipe",
}  # fmt: skip
# OpenCV ships face detectors (Haar cascades, the DNN face module); none may be used.
BIOMETRIC_CALLS = re.compile(
    r"CascadeClassifier|haarcascade|FaceDetectorYN|FaceRecognizerSF|face_recognition|"
    r"rekognition|compare_faces|face_encodings",
    re.IGNORECASE,
)


def _project_python_files() -> list[Path]:
    files = []
    for package in PROJECT_PACKAGES:
        files.extend(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)
    return files


def test_no_biometric_library_is_a_dependency():
    """No face recognition or face matching of any kind: none of their libraries is locked."""
    pinned = set()
    for lock in (ROOT / "requirements").glob("*.txt"):
        for line in lock.read_text().splitlines():
            name = line.split("==")[0].split("[")[0].strip().lower()
            if name and not name.startswith(("#", "-")):
                pinned.add(name)
    assert pinned, "no pinned requirements found"
    assert pinned & BIOMETRIC_DISTRIBUTIONS == set()


def test_no_project_code_imports_or_calls_a_biometric_facility():
    offenders = []
    this_file = Path(__file__).resolve()
    for path in _project_python_files():
        if path.resolve() == this_file:
            continue
        source = path.read_text()
        for node in ast.walk(ast.parse(source)):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path}: import {n}" for n in names if n.split(".")[0] in BIOMETRIC_MODULES
            ]
        if BIOMETRIC_CALLS.search(source):
            offenders.append(f"{path}: {BIOMETRIC_CALLS.search(source).group(0)}")
    assert offenders == []


def test_no_route_offers_to_identify_a_person_from_an_image():
    """C-21: the bulk-identify / find-this-person endpoint does not exist."""
    patterns = []

    def walk(resolver, prefix=""):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                walk(pattern, route)
            else:
                patterns.append(route.lower())

    walk(get_resolver())
    banned = re.compile(r"face|biometric|identify|recogni|lookalike|match[-_]?photo")
    assert [p for p in patterns if banned.search(p)] == []


def test_no_model_holds_an_automated_score_of_a_person():
    """Threat assessment records a person's judgement item by item, never a computed score."""
    banned = re.compile(r"(^|_)(score|risk_level|dangerous|danger_rating|threat_level|rank)(_|$)")
    offenders = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_PACKAGES
        for field in model._meta.get_fields()
        if banned.search(field.name)
    ]
    assert offenders == []
