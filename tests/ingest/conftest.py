import pytest

from extractor.errors import ArticleError
from extractor.ingest import Article, make_ingestor

@pytest.fixture
def ingestor():
    return make_ingestor(html_extractor="builtin")


@pytest.fixture
def read(ingestor):
    """Read inputs into (articles, errors)."""

    def _read(*inputs, using=None):
        results = list((using or ingestor).iter_records([str(i) for i in inputs]))
        articles = [r for r in results if isinstance(r, Article)]
        errors = [r for r in results if isinstance(r, ArticleError)]
        assert len(articles) + len(errors) == len(results)
        return articles, errors

    return _read

