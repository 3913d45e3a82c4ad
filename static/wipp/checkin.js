/* Check-in page (templates/training/checkin.html) and the staff-confirmation form: fill the
   hidden latitude/longitude/accuracy fields of every form.js-geolocate from the phone's location
   (navigator.geolocation; browsers report WGS-84, so coordinate_system stays "wgs84").
   No inline script: the site's CSP allows scripts from files only. */
(function () {
  "use strict";
  var forms = document.querySelectorAll("form.js-geolocate");
  if (!forms.length) { return; }
  var status = document.querySelector("[data-testid=location-status]");
  function say(key) { if (status && status.dataset[key]) { status.textContent = status.dataset[key]; } }
  function fill(position) {
    forms.forEach(function (form) {
      var c = position.coords;
      var set = function (name, value) {
        var input = form.querySelector("input[name=" + name + "]");
        if (input) { input.value = value; }
      };
      set("latitude", c.latitude.toFixed(6));
      set("longitude", c.longitude.toFixed(6));
      set("accuracy", Math.round(c.accuracy || 0));
      set("coordinate_system", "wgs84");
      form.dataset.located = "1";
    });
    say("found");
  }
  if (!("geolocation" in navigator)) { say("denied"); return; }
  say("waiting");
  navigator.geolocation.getCurrentPosition(fill, function () { say("denied"); },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 });
  navigator.geolocation.watchPosition(fill, function () {}, { enableHighAccuracy: true });
})();
