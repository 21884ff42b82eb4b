#!/usr/bin/env bash
# Screenshots of each kind of resource page, in English and Spanish, from a running server:
#   lima-lod serve --port 8765 &   then   bash docs/screenshots/pages.sh http://127.0.0.1:8765
# Needs Debian's chromium. Drawn at 0.75 scale to keep the files small.
set -euo pipefail
base=${1:-http://127.0.0.1:8765}
out=$(dirname "$0")
pages=(
  "home|/|1100" "report|/doc/report/mx-2021|2400" "commitment|/doc/commitment/10|1700"
  "axis|/doc/axis/B|1300" "criterion|/doc/criterion/relevance|1300"
  "organization|/doc/organization/inai|1300" "person|/doc/person/eduardo-bohorquez|1000"
  "finding|/doc/finding/mx-2021/A-1|1000" "call-to-action|/doc/call-to-action/mx-2021/A-2|1000"
  "reference|/doc/reference/mx-2021/inai-2021|1000"
  "observation|/doc/observation/mx-2021/10/overall|1000" "term|/term/score|900"
  "search|/search?q=anticorrupcion|1000" "query|/sparql|1300" "queries|/queries|1300"
  "query-iri|/queries/ratings-table|1300" "not-found|/id/commitment/99|700"
  "compare|/compare|900" "compare-commitment|/compare/commitment/10|1100"
)
for lang in en es; do
  for entry in "${pages[@]}"; do
    IFS='|' read -r name path height <<<"$entry"
    sep='?'; [[ $path == *\?* ]] && sep='&'
    file="$out/page-$name-$lang.png"
    timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
      --hide-scrollbars --force-device-scale-factor=0.75 --window-size="1280,$height" --screenshot="$file" \
      "$base$path${sep}lang=$lang" >/dev/null 2>&1
  done
done
