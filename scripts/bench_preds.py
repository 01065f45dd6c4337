#!/usr/bin/env python3
"""Turn `marsad extract --jsonl` output into the benchmark's predictions file.

Reads JSON lines on stdin, writes {"<page id>": text-or-null} to argv[1].
The page id is the file name without `.html.gz` / `.html`.
"""
import json
import os
import sys


def page_id(path):
    name = os.path.basename(path)
    for suffix in (".html.gz", ".htm.gz", ".gz", ".html", ".htm"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def main():
    preds = {}
    errors = 0
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        obj = json.loads(line)
        if "error" in obj:
            errors += 1
            preds[page_id(obj["file"])] = None
        else:
            preds[page_id(obj["file"])] = obj.get("text") or None
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(preds, f, ensure_ascii=False)
    if errors:
        print(f"{errors} file(s) could not be read", file=sys.stderr)


if __name__ == "__main__":
    main()
