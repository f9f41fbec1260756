// Reads a GEXF file with graphology-gexf (an independent parser) and prints what it found as
// JSON, for tests/test_network.py: node "gexf-file" -> {"type", "multi", "nodes", "edges"}.
"use strict";
const fs = require("fs");
const Graph = require("graphology");
const gexf = require("graphology-gexf");

const graph = gexf.parse(Graph, fs.readFileSync(process.argv[2], "utf-8"));
const out = {type: graph.type, multi: graph.multi, meta: graph.getAttributes(), nodes: {}, edges: []};
graph.forEachNode((node, attributes) => { out.nodes[node] = attributes; });
graph.forEachEdge((edge, attributes, source, target, _s, _t, undirected) => {
  out.edges.push({id: edge, source, target, undirected, attributes});
});
process.stdout.write(JSON.stringify(out));
