/* Resumable recording upload (tus 1.0.0 core + creation): POST creates the upload, HEAD asks
   how far it got, PATCH sends 5 MB chunks from that offset. The upload's address is kept in
   localStorage per file (name, size, last change), so choosing the same file again resumes. */
(function () {
  "use strict";
  var CHUNK = 5 * 1024 * 1024;
  var TUS = { "Tus-Resumable": "1.0.0" };

  function headers(form, extra) {
    var h = Object.assign({}, TUS, extra || {});
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { h["X-CSRFToken"] = token.value; }
    return h;
  }

  function b64(text) {
    return btoa(unescape(encodeURIComponent(text)));
  }

  async function create(form, file) {
    var r = await fetch(form.dataset.endpoint, {
      method: "POST", credentials: "same-origin",
      headers: headers(form, {
        "Upload-Length": String(file.size),
        "Upload-Metadata": "filename " + b64(file.name)
      })
    });
    if (r.status !== 201) { throw new Error((await r.json()).detail || r.status); }
    return r.headers.get("Location");
  }

  async function offsetOf(form, url) {
    var r = await fetch(url, { method: "HEAD", credentials: "same-origin", headers: headers(form) });
    return r.status === 200 ? parseInt(r.headers.get("Upload-Offset"), 10) : null;
  }

  async function upload(form, file) {
    var status = form.querySelector(".js-status");
    var progress = form.querySelector(".js-progress");
    var key = "wipp-tus:" + form.dataset.endpoint + ":" + file.name + ":" + file.size + ":" + file.lastModified;
    var url = localStorage.getItem(key);
    var offset = url ? await offsetOf(form, url) : null;
    if (offset === null) {
      url = await create(form, file);
      localStorage.setItem(key, url);
      offset = 0;
    }
    while (offset < file.size) {
      var r = await fetch(url, {
        method: "PATCH", credentials: "same-origin",
        headers: headers(form, {
          "Upload-Offset": String(offset),
          "Content-Type": "application/offset+octet-stream"
        }),
        body: file.slice(offset, offset + CHUNK)
      });
      if (r.status !== 204) {
        localStorage.removeItem(key);
        var detail = "";
        try { detail = (await r.json()).detail; } catch (e) { detail = String(r.status); }
        throw new Error(detail);
      }
      offset = parseInt(r.headers.get("Upload-Offset"), 10);
      progress.value = Math.floor((100 * offset) / file.size);
      status.textContent = offset + " / " + file.size;
      if (r.headers.get("X-Recording-Url")) {
        localStorage.removeItem(key);
        window.location.assign(r.headers.get("X-Recording-Url"));
        return;
      }
    }
  }

  document.querySelectorAll(".js-recording-upload").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var file = form.querySelector("input[type=file]").files[0];
      if (!file) { return; }
      var status = form.querySelector(".js-status");
      upload(form, file).catch(function (error) { status.textContent = error.message; });
    });
  });
})();
