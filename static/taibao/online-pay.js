// The pay page (templates/shop/online/pay.html): Stripe's Payment Element.
// A file rather than an inline script, so the content security policy needs no exception.
(function () {
  const form = document.getElementById("shop-online-payment-form");
  if (!form || typeof Stripe === "undefined") {
    return;
  }
  const stripe = Stripe(form.dataset.publishableKey);
  const elements = stripe.elements({
    clientSecret: form.dataset.clientSecret,
    locale: form.dataset.locale,
  });
  elements.create("payment").mount("#payment-element");
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    document.getElementById("shop-online-pay").disabled = true;
    const { error } = await stripe.confirmPayment({
      elements,
      confirmParams: { return_url: form.dataset.returnUrl },
    });
    const message = document.getElementById("payment-message");
    message.textContent = error.message;
    message.classList.remove("d-none");
    document.getElementById("shop-online-pay").disabled = false;
  });
})();
