"""Fill empty or fuzzy zh_Hant entries from translation fragments (src/zerocity/locale/fragments/*.po).

Developers working in parallel put their new translations in a fragment instead of editing the shared catalogue;
`scripts/messages` runs this after updating the catalogues. Translations already in the catalogue win.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "src" / "zerocity" / "locale"


def main() -> int:
    target = LOCALE_DIR / "zh_Hant" / "LC_MESSAGES" / "messages.po"
    with target.open("rb") as handle:
        catalog = read_po(handle, locale="zh_Hant")
    known: dict[object, object] = {}
    for fragment in sorted((LOCALE_DIR / "fragments").glob("*.po")):
        with fragment.open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string and not message.fuzzy:
                    known.setdefault((message.context, message.id), message.string)
    filled = 0
    for message in catalog:
        key = (message.context, message.id)
        if not message.id or key not in known:
            continue
        empty = not all(message.string) if isinstance(message.string, tuple) else not message.string
        if empty or message.fuzzy:
            message.string = known[key]
            message.flags.discard("fuzzy")
            filled += 1
    if filled:
        with target.open("wb") as handle:
            write_po(handle, catalog, width=0, sort_output=True, include_previous=False)
        print(f"messages: filled {filled} zh_Hant entries from fragments")
    return 0


if __name__ == "__main__":
    sys.exit(main())
