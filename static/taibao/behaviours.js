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

// The product page's quantity box: the unit price of the volume tier the quantity
// reaches, and the subtotal (data-price-ladder="10:45.00 100:42.00" on the price line,
// data-quantity-input naming the input; rows of the price table carry data-tier-from).
function taibaoMoney(fen) {
  return "¥" + (fen / 100).toLocaleString("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2});
}
function taibaoQuantityPrice(line) {
  const input = document.getElementById(line.dataset.quantityInput);
  if (!input) {
    return;
  }
  const quantity = parseInt(input.value, 10);
  const ladder = line.dataset.priceLadder.split(" ").map(function (step) {
    const parts = step.split(":");
    return [parseInt(parts[0], 10), Math.round(parseFloat(parts[1]) * 100)];
  });
  let from = ladder[0][0];
  let fen = ladder[0][1];
  ladder.forEach(function (step) {
    if (quantity >= step[0]) {
      from = step[0];
      fen = step[1];
    }
  });
  line.querySelector("[data-unit-price]").textContent = taibaoMoney(fen);
  line.querySelector("[data-subtotal]").textContent = quantity > 0 ? taibaoMoney(fen * quantity) : "—";
  document.querySelectorAll("[data-tier-from]").forEach(function (row) {
    row.classList.toggle("table-success", parseInt(row.dataset.tierFrom, 10) === from);
  });
}
document.addEventListener("input", function (event) {
  if (!event.target.id) {
    return;
  }
  document.querySelectorAll('[data-quantity-input="' + event.target.id + '"]').forEach(taibaoQuantityPrice);
});

