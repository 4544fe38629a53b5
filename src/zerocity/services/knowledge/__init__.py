"""The knowledge and capacity hub: best-practice cases, search, training programmes, exchange (news, digest, feed)."""
