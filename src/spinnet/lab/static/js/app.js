// spinnet lab: tab bar and the URL hash that holds the whole experiment state,
// e.g. #panel=ising&L=64&T=2.269&algorithm=metropolis&seed=1 .
import { IsingPanel } from "./ising.js";
import { MemoryPanel } from "./memory.js";
import { PhasePanel } from "./phase.js";
import { RBMPanel } from "./rbm.js";
import { getJSON } from "./util.js";

const panels = {
  memory: new MemoryPanel(),
  rbm: new RBMPanel(),
  ising: new IsingPanel(),
  phase: new PhasePanel(),
};
let current = null;

function writeHash() {
  if (!current) return;
  const params = new URLSearchParams({ panel: current.name, ...current.params() });
  const hash = "#" + params.toString();
  if (location.hash !== hash) history.replaceState(null, "", hash);
}

function show(name) {
  const panel = panels[name] || panels.memory;
  if (current && current !== panel) current.deactivate();
  current = panel;
  for (const p of Object.values(panels)) p.root.hidden = p !== panel;
  for (const b of document.querySelectorAll("nav button")) {
    b.setAttribute("aria-selected", String(b.dataset.panel === panel.name));
  }
  panel.activate();
  writeHash();
}

function applyHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const name = params.get("panel");
  const panel = panels[name] || panels.memory;
  panel.restore(params);
  show(panel.name);
}

for (const p of Object.values(panels)) {
  p.onParams = (panel) => {
    if (panel === current) writeHash();
  };
}
for (const b of document.querySelectorAll("nav button")) {
  b.addEventListener("click", () => show(b.dataset.panel));
}
window.addEventListener("hashchange", applyHash);

// Server facts (MNIST present?) before the panels need them.
getJSON("/api/info")
  .then((info) => {
    for (const p of Object.values(panels)) if (p.info) p.info(info);
    document.body.dataset.info = "loaded";
  })
  .catch(() => {});
applyHash();
