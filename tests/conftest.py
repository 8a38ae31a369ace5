import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def corpus() -> Path:
    from nlp.config import corpus_dir

    path = corpus_dir()
    if path is None:
        pytest.skip("shared corpus not found (set GOVREPORT_CORPUS or place it at ../shared/corpus)")
    return path


@pytest.fixture(scope="session")
def parsed_corpus(corpus):
    """The six corpus documents parsed once: {short name: Document}."""
    import nlp

    files = sorted((corpus / "seeds").glob("*.txt")) + [corpus / "pdf" / "huaian-2024.pdf"]
    return {p.name[:3] if p.parent.name == "seeds" else "huaian": nlp.load(p) for p in files}
