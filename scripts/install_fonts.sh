#!/usr/bin/env bash
# The CJK font the scanned samples, the degraded-scan set and the OCR tests draw with
# (WenQuanYi Micro Hei, Debian package fonts-wqy-microhei). Run by `make test` and
# `make samples`; does nothing when the font is there. Without root or apt-get it says so
# and the few tests that draw text onto scans are skipped.
set -euo pipefail
FONT=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
[ -f "$FONT" ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq fonts-wqy-microhei >/dev/null
else
    echo "note: $FONT is missing (apt-get install fonts-wqy-microhei); tests that draw scans are skipped" >&2
fi
