// Submits a form marked data-auto-submit once the page (and any logout frames on it) has loaded:
// the SAML HTTP-POST binding. Without JavaScript the form's own button does the same.
window.addEventListener("load", function () {
  var form = document.querySelector("form[data-auto-submit]");
  if (form) form.submit();
});
