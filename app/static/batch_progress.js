// Polls a batch's status endpoint and moves the progress bar until the batch ends.
(function () {
  const root = document.getElementById("batch");
  if (!root) return;
  const bar = document.getElementById("batch-bar");
  const status = document.getElementById("batch-status");
  const download = document.getElementById("batch-download");
  const error = document.getElementById("batch-error");
  async function poll() {
    const response = await fetch(root.dataset.statusUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const s = await response.json();
    const percent = s.total ? Math.round((100 * s.done) / s.total) : 0;
    bar.style.width = percent + "%";
    bar.textContent = s.done + " / " + s.total;
    bar.parentElement.setAttribute("aria-valuenow", s.done);
    status.textContent = s.status_label || s.status;
    if (s.download_url) { download.href = s.download_url; download.classList.remove("d-none"); }
    if (s.error) { error.textContent = s.error; error.classList.remove("d-none"); }
    if (s.status === "queued" || s.status === "running") setTimeout(poll, 1000);
  }
  poll();
})();
