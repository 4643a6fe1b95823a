// The background export's page: asks its status URL every two seconds and updates the
// progress bar; once the export is finished it reloads the page, which then shows the
// download link or why it failed. No inline script: the content security policy allows it.
(function () {
  "use strict";
  const box = document.querySelector(".team-export[data-status-url]");
  if (!box || box.dataset.finished === "true") {
    return;
  }
  const bar = box.querySelector(".team-export-progress");
  const rows = box.querySelector(".team-export-rows");
  const status = box.querySelector(".team-export-status");

  function show(data) {
    bar.max = Math.max(data.rows_total, 1);
    bar.value = data.rows_done;
    bar.textContent = data.percent + "%";
    rows.textContent = data.rows_done + " / " + data.rows_total;
    status.textContent = data.status_display;
  }

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.finished) {
          window.location.reload(); // the page then shows the download link, or why it failed
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1000);
})();
