// The import form's size check. The server refuses a request over its
// limit without reading it, so it cannot show back what was typed: this
// checks the pasted text and the chosen file against the limits the form
// carries (data-max-bytes, data-max-request-bytes) before anything is sent,
// and shows the server's own message in place. The server still checks;
// without this script a too-large import only costs the typing.
(function () {
  "use strict";

  // The bytes a textarea's value takes in the request: UTF-8, with every
  // line break sent as CRLF, as browsers submit forms.
  function sentBytes(s) {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 10) {
        n += 2;
      } else if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length &&
        s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
        n += 4; // a surrogate pair is one code point outside the BMP
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  // problem returns the message for what is too large, and the field to
  // fix, or null when everything fits.
  function problem(form) {
    const max = parseInt(form.dataset.maxBytes, 10);
    const maxRequest = parseInt(form.dataset.maxRequestBytes, 10);
    const text = form.querySelector("#text");
    const input = form.querySelector("#file");
    const file = input && input.files && input.files.length > 0 ? input.files[0] : null;
    const textBytes = text ? sentBytes(text.value) : 0;
    // Text beside a file is refused (white space too, when there is so much
    // of it that the request would be over its limit).
    if (file && text && (text.value.trim() !== "" || textBytes + file.size > maxRequest)) {
      return { msg: form.dataset.both, field: text };
    }
    if (file && file.size > max) {
      return { msg: form.dataset.tooLargeFile, field: input };
    }
    if (!file && textBytes > max) {
      return { msg: form.dataset.tooLargeText, field: text };
    }
    return null;
  }

  // show puts msg in the form's error line (made if the page has none);
  // an empty msg removes a message this script showed.
  function show(form, msg) {
    let el = document.getElementById("import-error");
    if (!msg) {
      if (el && el.hasAttribute("data-client")) el.remove();
      return;
    }
    if (!el) {
      el = document.createElement("p");
      el.id = "import-error";
      el.className = "error";
      el.setAttribute("role", "alert");
      form.parentNode.insertBefore(el, form);
    }
    el.setAttribute("data-client", "");
    el.textContent = msg;
  }

  function init() {
    const form = document.getElementById("import-form");
    if (!form || !form.dataset.maxBytes) return;
    form.addEventListener("submit", function (evt) {
      const p = problem(form);
      if (!p) return;
      evt.preventDefault();
      show(form, p.msg);
      // Focus scrolls to the caret, which in a long paste is far below
      // the message: keep the message in sight instead.
      if (p.field) p.field.focus({ preventScroll: true });
      document.getElementById("import-error").scrollIntoView({ block: "center" });
    });
    // Say so as soon as a file is chosen, not only on submit.
    const input = form.querySelector("#file");
    if (input) {
      input.addEventListener("change", function () {
        const p = problem(form);
        show(form, p ? p.msg : "");
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
