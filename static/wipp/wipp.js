/* Page behaviour that used to sit in inline handlers: the Content-Security-Policy runs scripts
   from files only (apps.core.middleware.SecurityHeadersMiddleware).

   data-confirm="…" on a form, or on the button that submits it: ask before submitting.
   data-autosubmit on a field: submit its form when the value changes (language switch). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) {
      field.form.submit();
    }
  });
})();
