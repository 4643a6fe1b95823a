// The background export's page: asks its status URL every two seconds and updates the
// progress bar; when the file is ready it shows the download link, when it fails it
// reloads the page to show why. No inline script: the content security policy allows it.
(function () {
  "use strict";
  const box = document.querySelector(".team-export[data-status-url]");
  if (!box || box.dataset.finished === "true") {
    return;
  }
  const bar = box.querySelector(".team-export-progress");
  const rows = box.querySelector(".team-export-rows");
  const status = box.querySelector(".team-export-status");
  const ready = box.querySelector(".team-export-ready");

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
        if (data.status === "done") {
          ready.classList.remove("d-none");
          box.querySelectorAll(".team-export-wait").forEach(function (el) { el.remove(); });
        } else if (data.status === "failed") {
          window.location.reload();
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
