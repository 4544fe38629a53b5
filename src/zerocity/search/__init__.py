"""Bilingual (Traditional Chinese / English) search for the knowledge hub, on SQLite and PostgreSQL alike.

* :mod:`~zerocity.search.normalize` folds text for the index (NFKC, lower case, OpenCC ``t2s``);
* :mod:`~zerocity.search.tokenize` cuts it into tokens (jieba words, CJK bigrams, stemmed English words);
* :mod:`~zerocity.search.index` writes the index (``Document``, ``replace_documents``, ``remove_documents``);
* :mod:`~zerocity.search.query` searches it (``SearchRequest``, ``search``, ``SearchResult``, ``Hit``), with
  :mod:`~zerocity.search.terms` (the query), :mod:`~zerocity.search.fts_sqlite` and :mod:`~zerocity.search.fts_pg`
  (matching), :mod:`~zerocity.search.ranking` (BM25), :mod:`~zerocity.search.highlight`,
  :mod:`~zerocity.search.semantic` (optional sentence embeddings) and :mod:`~zerocity.search.fusion` (RRF).

Why tokens are made in Python instead of by the database's own tokenizer: STACK.md §2.6 (FTS5's trigram
tokenizer never matches a two-character Chinese word such as 公車 or 甲烷). This package imports no web code; the
services call it inside their transactions and the web shows its results.
"""
