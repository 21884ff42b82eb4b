#!/usr/bin/env bash
# Install the independent tools the test suite checks our output with, where they are missing:
# raptor's rapper, Apache Jena, nginx and Apache httpd (Debian), and the jsonld / n3 / Comunica npm packages.
# Best effort: without root or a package registry the tests that need a tool skip and say why.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
need_apt=()
command -v rapper >/dev/null 2>&1 || need_apt+=(raptor2-utils)
[ -e /usr/share/java/jena-arq.jar ] || ls /usr/share/java/jena-arq*.jar >/dev/null 2>&1 || need_apt+=(libapache-jena-java)
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
# Real web servers for the static site's content-negotiation rules (tests/web/test_static_site.py).
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
command -v apache2 >/dev/null 2>&1 || [ -x /usr/sbin/apache2 ] || need_apt+=(apache2)
if [ ${#need_apt[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "tools: apt-get install ${need_apt[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}") >/dev/null 2>&1 \
    || echo "tools: apt-get failed; the tests that need ${need_apt[*]} will skip"
fi
if command -v npm >/dev/null 2>&1 && [ -f "$here/../js/package.json" ] && [ ! -d "$here/../js/node_modules" ]; then
  echo "tools: npm ci in tests/js"
  (cd "$here/../js" && npm ci --silent --no-audit --no-fund) >/dev/null 2>&1 \
    || echo "tools: npm ci failed; the tests that need the npm packages will skip"
fi
exit 0
