// A classic script, so that it runs even when the module graph fails to load or parse:
// without it such a failure would leave "Loading…" on screen for ever.
window.setTimeout(function () {
  if (window.inboundStarted) return;
  var main = document.getElementById('main');
  if (!main) return;
  var p = document.createElement('p');
  p.className = 'alert alert-error';
  p.textContent = 'The web UI could not start in this browser. Reload the page; if it stays like this, use a current browser or the HTTP API.';
  main.replaceChildren(p);
}, 8000);
