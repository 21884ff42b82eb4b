// Parse RDF files with independent JavaScript parsers and print one JSON line per file:
//   {"file": ..., "parser": "n3"|"jsonld", "count": N}            on success
//   {"file": ..., "parser": ..., "error": "..."}                  on any error or warning
// n3 reads Turtle, TriG, N-Triples and N-Quads (strict); jsonld reads JSON-LD in safe mode, which
// fails on anything that would be dropped silently, and with a document loader that refuses to
// fetch: a release must not need a remote context.
// Usage: node count.mjs FILE...
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import jsonld from "jsonld";
import N3 from "n3";

const N3_FORMATS = { ".ttl": "text/turtle", ".trig": "application/trig",
                     ".nt": "application/n-triples", ".nq": "application/n-quads" };

function read(file) {
  const bytes = readFileSync(file);
  return (file.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
}

function suffix(file) {
  const name = file.replace(/\.gz$/, "");
  return name.slice(name.lastIndexOf("."));
}

const refuse = async (url) => { throw new Error(`refused to fetch ${url}`); };

async function count(file) {
  const ext = suffix(file);
  if (ext === ".jsonld") {
    const doc = JSON.parse(read(file));
    const quads = await jsonld.toRDF(doc, { documentLoader: refuse, safe: true });
    return { parser: "jsonld", count: quads.length };
  }
  if (N3_FORMATS[ext]) {
    const parser = new N3.Parser({ format: N3_FORMATS[ext] });
    return { parser: "n3", count: parser.parse(read(file)).length };
  }
  throw new Error(`no parser here for ${ext}`);
}

for (const file of process.argv.slice(2)) {
  try {
    console.log(JSON.stringify({ file, ...(await count(file)) }));
  } catch (error) {
    console.log(JSON.stringify({ file, parser: suffix(file) === ".jsonld" ? "jsonld" : "n3",
                                 error: String(error && error.message || error) }));
  }
}
