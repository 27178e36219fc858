"""Coded errors: the catalogue attaches each code to its message, exceptions carry it, errors.jsonl
reports it (never read back from the text), and every errors.jsonl line is an ErrorRecord."""
import pickle

import pytest
from pydantic import ValidationError

from extractor.error_records import ErrorRecord
from extractor.errors import ArticleError, CodedMessage, Errors, TariffwireError, code_of
from extractor.job import outcome_entries


@pytest.mark.parametrize("code", ["E003", "E015", "W002"])
def test_errors_code_survives_format_pickle_and_exceptions(code):
    template = getattr(Errors, code)
    message = template.format(path="p", reason="r", read=3, origin="o", article_id="a")
    assert isinstance(message, CodedMessage) and message.code == code
    assert pickle.loads(pickle.dumps(message)).code == code
    assert ArticleError(message).code == code and TariffwireError(message).code == code
    assert pickle.loads(pickle.dumps(ArticleError(message, origin="o"))).code == code


@pytest.mark.parametrize("message", ["Cannot read p: r", "some other failure"])
def test_errors_plain_text_has_no_code_even_when_it_reads_like_a_template(message):
    assert code_of(message) is None and ArticleError(message).code is None


def test_error_records_take_the_code_from_the_error_not_its_text():
    from extractor.api import Outcome

    # The text is E003's template filled in, but the error was raised with E015's code.
    error = ArticleError(Errors.E015.format(path="p", reason="r", read=3), origin="o")
    outcome = Outcome(None, "o", error={"article_id": None, "origin": "o", "stage": "ingest", "error_type": "ArticleError",
                                        "code": error.code, "message": str(error)},
                      warnings=[Errors.W001.format(origin="o", value="2999-01-01", today="2025-01-01")])
    status, records = outcome_entries(outcome)
    assert status == "failed"
    assert [(r.level, r.code) for r in records] == [("warning", "W001"), ("error", "E015")]
    assert all(isinstance(r, ErrorRecord) for r in records)


def test_error_records_skip_a_w_coded_refusal():
    from extractor.api import Outcome

    message = Errors.W002.format(origin="o", article_id="a")
    outcome = Outcome("a", "o", error={"origin": "o", "stage": "ingest", "error_type": "ArticleError", "code": "W002",
                                       "message": message})
    status, [record] = outcome_entries(outcome)
    assert (status, record.level, record.code) == ("skipped", "warning", "W002")


def test_error_records_refuse_unknown_fields_and_levels():
    with pytest.raises(ValidationError):
        ErrorRecord(level="fatal", message="x")
    with pytest.raises(ValidationError):
        ErrorRecord(level="error", message="x", extra=1)
