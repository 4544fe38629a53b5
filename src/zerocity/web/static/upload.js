/* ZeroCity inventory editor: upload progress and error answers for htmx.
 *
 * A file, not inline code, because the Content-Security-Policy allows scripts from this site only
 * (script-src 'self'): no <script> blocks, no hx-on attributes. Everything here is an enhancement; without
 * JavaScript the forms post normally and the server answers with whole pages.
 *
 * 1. Upload progress: htmx fires htmx:xhr:progress on the form while the file is sent; the <progress> inside
 *    the form's htmx-indicator follows it.
 * 2. A file over the limit is stopped before it is sent (data-max-bytes), with the form's own translated
 *    message (data-too-large). If the server refuses it anyway (413 JSON from the body-size guard), the same
 *    message is shown instead of nothing.
 * 3. htmx does not swap 4xx answers by default. Inside [data-swap-errors] the server's 409/413/422 pages are
 *    meant to be read (a refused row edit comes back as its form with the reason), so they are swapped in.
 * 4. A row that turns into its edit form scrolls its table back to the left edge (on a phone the Edit button
 *    sits at the far right) and puts the keyboard in the first field; when it turns back into a row, the
 *    keyboard returns to that row's Edit button.
 */
(function () {
  "use strict";

  if (window.zerocityUploadReady) {
    return; // htmx re-runs scripts that arrive in swapped content; listen once.
  }
  window.zerocityUploadReady = true;

  var SWAPPED_ERRORS = [409, 413, 422];

  function uploadForm(element) {
    return element && element.closest ? element.closest("form[data-upload]") : null;
  }

  function showMessage(form, text) {
    var message = form.querySelector(".upload-form__message");
    if (!message) {
      return;
    }
    message.textContent = text;
    message.hidden = !text;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = uploadForm(event.target);
    if (!form) {
      return;
    }
    showMessage(form, "");
    var limit = parseInt(form.getAttribute("data-max-bytes") || "0", 10);
    var input = form.querySelector('input[type="file"]');
    var file = input && input.files && input.files[0];
    if (limit && file && file.size > limit) {
      event.preventDefault();
      showMessage(form, form.getAttribute("data-too-large") || "");
      return;
    }
    var bar = form.querySelector("progress");
    if (bar) {
      bar.value = 0;
    }
  });

  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = uploadForm(event.target);
    var bar = form && form.querySelector("progress");
    if (!bar || !event.detail || !event.detail.lengthComputable || !event.detail.total) {
      return;
    }
    // The upload's events come first, then the answer's download: never move the bar backwards.
    var percent = Math.round((event.detail.loaded / event.detail.total) * 100);
    bar.value = Math.max(bar.value, percent);
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!xhr || !source || !source.closest || !source.closest("[data-swap-errors]")) {
      return;
    }
    if (SWAPPED_ERRORS.indexOf(xhr.status) === -1) {
      return;
    }
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("text/html") === 0) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      return;
    }
    var form = uploadForm(source);
    if (form && xhr.status === 413) {
      showMessage(form, form.getAttribute("data-too-large") || "");
    }
  });

  document.addEventListener("htmx:load", function (event) {
    var row = event.detail && event.detail.elt;
    if (!row || !row.classList) {
      return;
    }
    if (row.classList.contains("record-edit-row")) {
      var scroller = row.closest(".table-scroll");
      if (scroller) {
        scroller.scrollLeft = 0;
      }
      var field = row.querySelector("input:not([type=hidden]), select, textarea");
      if (field && !row.querySelector("[role=alert]")) {
        field.focus({ preventScroll: false });
      }
    } else if (row.classList.contains("record-row")) {
      var edit = row.querySelector("a[hx-get]");
      if (edit && document.activeElement === document.body) {
        edit.focus({ preventScroll: true });
      }
    }
  });

  document.addEventListener("htmx:sendError", function (event) {
    var form = uploadForm(event.target);
    if (form) {
      showMessage(form, form.getAttribute("data-failed") || "");
    }
  });
})();
