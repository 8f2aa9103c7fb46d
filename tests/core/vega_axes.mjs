// Draws Vega-Lite specifications headless, with the vega and vega-lite the site serves (from
// node_modules), and prints what each axis shows: its scale type, domain and the tick labels
// a person would read (labels hidden to avoid overlap are left out).
//
// stdin: {"width": 600, "specs": [spec, ...]}; stdout: one list of axes per spec.
// Used by tests/core/test_chart_axes.py.
import * as vega from "vega";
import * as vl from "vega-lite";

const input = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk));
  process.stdin.on("end", () => resolve(text));
}));

async function axesOf(spec) {
  // "container" needs a page; a fixed width stands for a screen of that size.
  const sized = { ...spec, width: input.width };
  const view = new vega.View(vega.parse(vl.compile(sized).spec), { renderer: "none" });
  await view.runAsync();
  const axes = [];
  function walk(node, axis) {
    if (node.marktype && node.role === "axis") {
      for (const item of node.items) {
        const datum = item.datum || {};
        if (!datum.labels) {
          continue; // the grid drawn as an axis of its own
        }
        const found = { scale: datum.scale, type: view.scale(datum.scale).type, domain: view.scale(datum.scale).domain(), labels: [] };
        axes.push(found);
        (item.items || []).forEach((child) => walk(child, found));
      }
      return;
    }
    if (node.marktype && node.role === "axis-label" && axis) {
      axis.labels = node.items.filter((label) => label.opacity !== 0).map((label) => label.text);
      return;
    }
    (node.items || []).forEach((child) => walk(child, axis));
  }
  walk(view.scenegraph().root, null);
  view.finalize();
  return axes;
}

const result = [];
for (const spec of input.specs) {
  result.push(await axesOf(spec));
}
process.stdout.write(JSON.stringify(result));
