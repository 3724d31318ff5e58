// On a phone, tables show each row as a card (style.css); every cell is labelled with its column's
// heading from data-label, set here for all tables the pages render, present and future.
const LABELLED = 'data-label';

function labelTable(table) {
  const headings = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
  if (headings.length === 0) return;
  for (const row of table.querySelectorAll('tbody tr')) {
    [...row.children].forEach((cell, i) => {
      if (headings[i] && cell.getAttribute(LABELLED) !== headings[i]) cell.setAttribute(LABELLED, headings[i]);
    });
  }
}

export function labelTableCells(root) {
  const run = () => root.querySelectorAll('table').forEach(labelTable);
  new MutationObserver(run).observe(root, { childList: true, subtree: true });
  run();
}
