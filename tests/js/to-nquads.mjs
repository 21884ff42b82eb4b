// Expand a JSON-LD file with jsonld.js and print it as N-Quads (tests/test_context.py compares
// them with our graph). Safe mode: anything dropped silently is an error; nothing is fetched.
// Usage: node to-nquads.mjs FILE
import { readFileSync } from "node:fs";
import jsonld from "jsonld";

const refuse = async (url) => { throw new Error(`refused to fetch ${url}`); };
const doc = JSON.parse(readFileSync(process.argv[2], "utf8"));
const nquads = await jsonld.toRDF(doc, { format: "application/n-quads", safe: true,
                                         documentLoader: refuse });
process.stdout.write(nquads);
