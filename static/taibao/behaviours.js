// Small page behaviours declared with data attributes instead of inline handlers,
// so the content security policy needs neither 'unsafe-inline' nor 'unsafe-hashes'.
//   data-submit-on-change  on an input: submit its form when it changes
//   data-history-back      on a link: go back one page
//   data-print             on a link: print the page
document.addEventListener("change", function (event) {
  const input = event.target.closest("[data-submit-on-change]");
  if (input && input.form) {
    input.form.submit();
  }
});
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-history-back]")) {
    event.preventDefault();
    window.history.back();
  } else if (event.target.closest("[data-print]")) {
    event.preventDefault();
    window.print();
  }
});
