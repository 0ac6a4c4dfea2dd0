// factdesk: keyboard shortcuts, announcements for screen readers, and the
// glue between live updates and the forms on a page. No build step; the
// page works without this file, only slower.
(function () {
  "use strict";

  // --- Announcements -------------------------------------------------------
  // Parts swapped in by htmx are new elements, which screen readers do not
  // reliably read out even when they are live regions. So their messages
  // are copied into #announce, a live region that is always on the page.
  function announce(text) {
    const region = document.getElementById("announce");
    if (!region || !text) return;
    // Clearing first makes the same message read out twice in a row.
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function announceNew() {
    const els = document.querySelectorAll("[data-announce]:not([data-announced]), #review-saved:not([data-announced])");
    let text = "";
    els.forEach(function (el) {
      el.setAttribute("data-announced", "");
      const t = (el.getAttribute("data-announce") || el.textContent || "").trim();
      if (t) text = t;
    });
    announce(text);
  }

  // --- Live updates and in-flight changes --------------------------------
  // While a reviewer's own change to a claim is on its way, a live re-fetch
  // of that claim would show their change as if someone else had made it;
  // the answer to the change shows the new state anyway.
  const saving = new Set();

  function claimOfPath(path) {
    const m = /^\/claims\/(\d+)\/status/.exec(path || "");
    return m ? m[1] : null;
  }

  function isLiveFetch(elt) {
    return (elt.getAttribute("hx-trigger") || "").indexOf("sse:") === 0;
  }

  document.addEventListener("htmx:beforeRequest", function (evt) {
    const cfg = evt.detail.requestConfig || {};
    const id = claimOfPath(cfg.path);
    if (id && cfg.verb === "post") {
      saving.add(id);
      return;
    }
    const elt = evt.detail.elt;
    if (elt && isLiveFetch(elt)) {
      const m = /sse:claim-(\d+)/.exec(elt.getAttribute("hx-trigger"));
      if (m && saving.has(m[1])) evt.preventDefault();
    }
  });
  document.addEventListener("htmx:afterRequest", function (evt) {
    const cfg = evt.detail.requestConfig || {};
    const id = claimOfPath(cfg.path);
    if (id && cfg.verb === "post") saving.delete(id);
  });

  // Someone else's change, shown live, makes the reviewer's own "Saved"
  // line above the form out of date: the notice says what the claim is now.
  document.addEventListener("htmx:afterSettle", function (evt) {
    const elt = evt.detail.elt;
    const notice = document.getElementById("live-notice");
    if (!elt || !isLiveFetch(elt) || !notice || notice.textContent.trim() === "") return;
    const saved = document.getElementById("review-saved");
    if (saved) saved.remove();
  });

  // Close the page's event streams when it is left. A browser may keep a
  // page it left alive for going back (the back/forward cache), streams
  // open; over HTTP/1.1 a browser allows only six connections to a server,
  // so a few claims later no page would load. A page restored that way is
  // stale and has no stream: load it again.
  const sources = new Set();
  if (window.htmx && window.htmx.createEventSource) {
    const create = window.htmx.createEventSource;
    window.htmx.createEventSource = function (url) {
      const source = create(url);
      sources.add(source);
      source.addEventListener("session-ended", function () {
        source.close();
        sessionEnded();
      });
      return source;
    };
  }
  window.addEventListener("pagehide", function () {
    sources.forEach(function (s) { s.close(); });
    sources.clear();
  });
  window.addEventListener("pageshow", function (evt) {
    if (evt.persisted && document.querySelector("[sse-connect]")) window.location.reload();
  });

  // The stream's state, on the element that opened it: data-live="open"
  // or "reconnecting", for the stylesheet and for tests to wait on.
  document.addEventListener("htmx:sseOpen", function (evt) {
    if (evt.target && evt.target.setAttribute) evt.target.setAttribute("data-live", "open");
  });
  document.addEventListener("htmx:sseError", function (evt) {
    if (evt.target && evt.target.setAttribute) evt.target.setAttribute("data-live", "reconnecting");
  });

  // --- Drafts in forms htmx replaces ---------------------------------------
  // Saving one form on the claim page swaps the whole panel, the other forms
  // with it, rendered empty. What was typed into those others is put back,
  // matched by form action and field name, into fields that came back
  // empty. The form that was sent gets what the server rendered: cleared
  // when it was saved, kept by the server when it was refused.
  let drafts = null; // [{action, name, value}] of the swap in progress

  function draftFields(root) {
    if (!root || !root.querySelectorAll) return [];
    // A file input's value cannot be set back: it is left out.
    return Array.prototype.filter.call(root.querySelectorAll("textarea, input:not([type=file])"), function (f) {
      return f.name && f.form && f.form.getAttribute("action") && typing(f);
    });
  }

  // draftsOf lists what fields hold, by form action and name.
  function draftsOf(fields) {
    return fields.filter(function (f) { return f.value !== ""; }).map(function (f) {
      return { action: f.form.getAttribute("action"), name: f.name, value: f.value };
    });
  }

  // putBack puts drafts into those of fields that are empty, matched by
  // form action and name, and counts the fields it filled.
  function putBack(list, fields) {
    let n = 0;
    list.forEach(function (d) {
      fields.forEach(function (f) {
        if (f.value !== "" || f.name !== d.name || f.form.getAttribute("action") !== d.action) return;
        f.value = d.value;
        // A draft in a folded part ("Add a link") is shown, not hidden.
        const fold = f.closest("details");
        if (fold) fold.open = true;
        n++;
      });
    });
    return n;
  }

  document.addEventListener("htmx:beforeSwap", function (evt) {
    drafts = null;
    const t = evt.detail.target;
    if (!evt.detail.shouldSwap || !t) return;
    // detail.elt is the target here; the element that sent the request is
    // in the request's config.
    const elt = (evt.detail.requestConfig || {}).elt;
    const sent = elt && (elt.tagName === "FORM" ? elt : elt.closest && elt.closest("form"));
    drafts = draftsOf(draftFields(t).filter(function (f) { return f.form !== sent; }));
  });

  document.addEventListener("htmx:afterSwap", function () {
    if (drafts) putBack(drafts, draftFields(document));
  });
  document.addEventListener("htmx:afterSettle", function () { drafts = null; });

  // --- A claim from words selected in a document's text --------------------
  // Opening "Add a claim" after selecting words in the text fills the form
  // with them and where they are, in code points as the server counts, so
  // that words the text repeats are placed where they were selected.
  let lastRange = null; // the last selection in the text, measured when the form opens

  function codePoints(s) {
    let n = 0;
    for (const _ of s) n++;
    return n;
  }

  function docBody() { return document.querySelector("article.doc-body"); }

  function inDocBody() {
    const body = docBody();
    const sel = window.getSelection();
    if (!body || !sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const r = sel.getRangeAt(0);
    return body.contains(r.startContainer) && body.contains(r.endContainer) ? r.cloneRange() : null;
  }

  // placeOf measures a range of the text: its words, trimmed, and where
  // they start and end, in code points from the start of the text.
  function placeOf(r) {
    const body = docBody();
    if (!body) return null;
    const raw = r.toString();
    const text = raw.trim();
    if (!text) return null;
    const before = document.createRange();
    before.setStart(body, 0);
    before.setEnd(r.startContainer, r.startOffset);
    const start = codePoints(before.toString()) + codePoints(raw.slice(0, raw.length - raw.trimStart().length));
    return { text: text, start: start, end: start + codePoints(text) };
  }

  function setAddClaimPlace(s) {
    const start = document.getElementById("add-claim-start");
    const end = document.getElementById("add-claim-end");
    if (start && end) {
      start.value = s ? String(s.start) : "";
      end.value = s ? String(s.end) : "";
    }
  }

  document.addEventListener("selectionchange", function () {
    const r = inDocBody();
    if (r) lastRange = r;
  });
  // toggle does not bubble: listened for on the way down.
  document.addEventListener("toggle", function (evt) {
    const box = evt.target;
    if (!box || box.id !== "add-claim" || !box.open || !lastRange) return;
    const place = placeOf(lastRange);
    const text = document.getElementById("add-claim-text");
    lastRange = null;
    if (!place || !text) return;
    text.value = place.text;
    setAddClaimPlace(place);
    text.focus();
  }, true);
  // Words edited by hand are looked for in the text, not at the selection.
  document.addEventListener("input", function (evt) {
    if (evt.target && evt.target.id === "add-claim-text") setAddClaimPlace(null);
  });

  // --- Drafts through a session that ended ---------------------------------
  // A form sent after the session ended (idle too long, logged out on
  // another device) lands on the login page unsaved. What the page's forms
  // held when it was sent is kept in this tab and put back into the same
  // page once the same user has logged in again. Any other page load drops
  // it, so a form that was saved leaves nothing behind. Passwords are never
  // kept.
  const unsavedKey = "factdesk-unsaved";

  function pageUser() {
    const who = document.querySelector(".who[data-user]");
    return who ? who.getAttribute("data-user") : "";
  }

  function keptFields(root) {
    return draftFields(root).filter(function (f) {
      return (f.getAttribute("type") || "").toLowerCase() !== "password";
    });
  }

  function readUnsaved() {
    try {
      return JSON.parse(window.sessionStorage.getItem(unsavedKey) || "null");
    } catch (e) {
      return null;
    }
  }

  function writeUnsaved(d) {
    try {
      if (d) window.sessionStorage.setItem(unsavedKey, JSON.stringify(d));
      else window.sessionStorage.removeItem(unsavedKey);
    } catch (e) { /* storage full or disabled: nothing kept, as before */ }
  }

  // keepUnsaved keeps what the page's forms hold; pending when the session
  // is known to have ended, so that the login page keeps it whatever its
  // address.
  function keepUnsaved(pending) {
    const fields = draftsOf(keptFields(document));
    writeUnsaved(fields.length ? { user: pageUser(), page: window.location.pathname, at: Date.now(), fields: fields, pending: pending } : null);
  }

  // Capture: htmx stops the submit event of the forms it sends. Never
  // pending here: a form sent may well be saved (logged in again in
  // another tab); the login page makes it pending when it was turned away.
  document.addEventListener("submit", function (evt) {
    const form = evt.target;
    const action = (form && form.getAttribute && form.getAttribute("action")) || "";
    if (!pageUser() || /^\/(login|logout)/.test(action)) return;
    keepUnsaved(false);
  }, true);

  // The live stream says the session has ended (timed out, or logged out
  // on another device): the page says so before anything is sent in vain,
  // with a way back that keeps what was typed.
  let ended = false;
  function sessionEnded() {
    if (ended || !pageUser()) return;
    ended = true;
    const alerts = document.getElementById("alerts");
    if (!alerts) return;
    const next = window.location.pathname + window.location.search;
    const p = document.createElement("p");
    p.className = "error";
    p.id = "session-ended";
    p.setAttribute("role", "alert");
    p.append("Your session has ended, so nothing more can be saved from this page. ");
    const a = document.createElement("a");
    a.href = "/login?ended=unsaved&next=" + encodeURIComponent(next);
    a.textContent = "Log in again";
    a.addEventListener("click", function () { keepUnsaved(true); });
    p.append(a, ": what you have typed here is put back once you are in.");
    alerts.append(p);
  }

  document.addEventListener("DOMContentLoaded", function () {
    const d = readUnsaved();
    if (!d || !Array.isArray(d.fields)) return;
    const notice = document.getElementById("login-notice");
    if (document.querySelector('form[action="/login"]')) {
      // The login page: keep what was sent when the session had ended
      // under it (and through a mistyped password), for an hour at most.
      const turnedAway = new URLSearchParams(window.location.search).get("ended") === "unsaved";
      if ((d.pending || turnedAway) && Date.now() - d.at < 3600 * 1000) {
        d.pending = true;
        writeUnsaved(d);
        if (notice) notice.textContent = "Your session had ended, so what you typed was not saved. Log in to go back to the page: what you typed is kept in this tab and put back in its form, to send again.";
      } else {
        writeUnsaved(null);
      }
      return;
    }
    writeUnsaved(null);
    if (!d.pending || d.user !== pageUser() || d.page !== window.location.pathname) return;
    if (!putBack(d.fields, keptFields(document))) return;
    const anchor = document.getElementById("announce");
    if (!anchor) return;
    const p = document.createElement("p");
    p.className = "flash";
    p.id = "unsaved-restored";
    p.setAttribute("role", "status");
    p.textContent = "What you typed before your session ended is back in its form. It is not saved yet: send it again.";
    anchor.after(p);
  });

  // --- Focus across swaps --------------------------------------------------
  // A form sent from the keyboard goes away with the panel htmx replaces,
  // and focus with it, back to the top of the page. It goes instead to the
  // same control of the new panel (same form action, name and, for a
  // button or a box, value), or, when the form is gone, to the panel's
  // message.
  let kept = null; // {action, name, value, exact, panel} of the swap in progress

  document.addEventListener("htmx:beforeSwap", function (evt) {
    kept = null;
    const t = evt.detail.target;
    const a = document.activeElement;
    if (!evt.detail.shouldSwap || !t || !a || a === document.body || !t.contains(a) || !a.form) return;
    kept = { action: a.form.getAttribute("action"), name: a.name, value: a.value,
      exact: a.tagName === "BUTTON" || a.type === "checkbox" || a.type === "radio", panel: t.id };
  });

  document.addEventListener("htmx:afterSettle", function () {
    const r = kept;
    kept = null;
    const a = document.activeElement;
    if (!r || (a && a !== document.body)) return; // htmx or a handler placed it
    let el = null;
    document.querySelectorAll("form").forEach(function (f) {
      if (el || f.getAttribute("action") !== r.action) return;
      Array.prototype.forEach.call(f.elements, function (c) {
        if (!el && !c.disabled && c.name === r.name && (!r.exact || c.value === r.value)) el = c;
      });
    });
    // A control the swap folded away (a form in a closed <details>) cannot
    // take focus: the panel's message takes it.
    if (el && !el.getClientRects().length) el = null;
    const panel = r.panel && document.getElementById(r.panel);
    if (!el && panel) {
      el = panel.querySelector("[role=alert], [role=status]") || panel.querySelector("h1, h2");
      if (el && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
    }
    if (el) el.focus();
  });

  // --- The queue: a selected row -------------------------------------------
  let selected = null; // claim id of the selected row
  let refocus = false; // focus was in a row that htmx is replacing

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr[data-claim]"));
  }

  function select(row, focus) {
    rows().forEach(function (r) {
      r.classList.remove("selected");
      r.removeAttribute("aria-current");
    });
    if (!row) return;
    selected = row.getAttribute("data-claim");
    row.classList.add("selected");
    row.setAttribute("aria-current", "true");
    const link = row.querySelector("td.claim-text a");
    if (focus && link) link.focus();
  }

  function selectedRow() {
    return selected ? document.getElementById("claim-row-" + selected) : null;
  }

  function moveSelection(step) {
    const all = rows();
    if (all.length === 0) return;
    let i = all.indexOf(selectedRow());
    i = i < 0 ? 0 : Math.min(all.length - 1, Math.max(0, i + step));
    select(all[i], true);
  }

  // Clicking into a row selects it, so mouse and keyboard agree.
  document.addEventListener("focusin", function (evt) {
    const row = evt.target.closest && evt.target.closest("tr[data-claim]");
    if (row && !row.classList.contains("selected")) select(row, false);
  });

  // A row an editor ticked for a bulk action stays ticked when a live
  // update replaces it, with the version it was ticked at: the bulk action
  // then refuses that claim as changed, rather than acting on a state the
  // editor did not choose.
  const ticked = new Map(); // claim id -> the box's value (id:version)
  // Likewise c, d and u on a row a live update replaced send the version
  // the row showed before it: as on the claim page, a verdict on a claim
  // someone else changed meanwhile is refused once, with the newer state,
  // rather than saved over a change the reviewer may not have read.
  const seen = new Map(); // claim id -> the version shown before

  document.addEventListener("htmx:beforeSwap", function (evt) {
    const t = evt.detail.target;
    const isRow = !!(t && t.matches && t.matches("tr[data-claim]"));
    refocus = isRow && t.contains(document.activeElement);
    // A live re-fetch is a GET; the reviewer's own change (c, d, u) is
    // not, and what they changed themselves they have seen.
    const live = (evt.detail.requestConfig || {}).verb === "get";
    const box = isRow && t.querySelector("input[type=checkbox][name=claim]");
    if (box && box.checked) {
      ticked.set(t.getAttribute("data-claim"), live ? box.value : null);
    }
    if (isRow && live) {
      // Two live swaps of one row can come before either settles: the
      // second must not take the version the first brought for seen.
      const id = t.getAttribute("data-claim");
      const v = t.getAttribute("data-seen-version") || t.getAttribute("data-version");
      if (!seen.has(id) || Number(v) < Number(seen.get(id))) seen.set(id, v);
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    const row = selectedRow();
    if (row && !row.classList.contains("selected")) select(row, refocus);
    refocus = false;
    ticked.forEach(function (value, id) {
      const box = document.querySelector("#claim-row-" + id + " input[type=checkbox][name=claim]");
      if (box && !box.checked) {
        box.checked = true;
        if (value) box.value = value;
        box.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    ticked.clear();
    seen.forEach(function (version, id) {
      const row = document.getElementById("claim-row-" + id);
      if (row) row.setAttribute("data-seen-version", version);
    });
    seen.clear();
    announceNew();
  });

  function setRowStatus(status) {
    const row = selectedRow();
    if (!row || !window.htmx) return;
    const id = row.getAttribute("data-claim");
    window.htmx.ajax("POST", "/claims/" + id + "/status", {
      source: row,
      target: row,
      swap: "outerHTML",
      values: {
        status: status,
        version: row.getAttribute("data-seen-version") || row.getAttribute("data-version"),
        q: row.getAttribute("data-query") || "",
      },
    });
  }

  // --- The claim page --------------------------------------------------------
  function setClaimStatus(status) {
    const button = document.querySelector('#claim-main form button[name="status"][value="' + status + '"]');
    if (!button) return;
    // A form htmx swapped in is wired up only when the swap settles, a few
    // milliseconds later; a key pressed before that would submit it as a
    // plain form and reload the page. Wire it up now (htmx skips it later).
    if (window.htmx) window.htmx.process(button.form);
    button.click();
  }

  // follow goes to the previous or next claim; at an end of the queue it
  // says so, aloud and by lighting up the "First/Last in this queue" note,
  // rather than doing nothing.
  function follow(rel) {
    const a = document.querySelector('.claim-nav a[rel="' + rel + '"]');
    if (a) {
      window.location.assign(a.href);
      return;
    }
    const end = document.querySelector('.claim-nav [data-end="' + rel + '"]');
    if (!end) return;
    announce(end.textContent.trim() + ".");
    end.classList.add("nudge");
    window.clearTimeout(end._nudge);
    end._nudge = window.setTimeout(function () { end.classList.remove("nudge"); }, 1500);
  }

  // --- The shortcut list -------------------------------------------------------
  function openShortcuts() {
    const d = document.getElementById("shortcuts");
    if (d && !d.open) d.showModal();
  }

  document.addEventListener("click", function (evt) {
    if (evt.target.closest && evt.target.closest("[data-open-shortcuts]")) openShortcuts();
  });

  // --- Keys ----------------------------------------------------------------------
  function typing(el) {
    if (!el || el === document.body) return false;
    if (el.isContentEditable) return true;
    const tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag !== "INPUT") return false;
    const type = (el.getAttribute("type") || "text").toLowerCase();
    return ["button", "submit", "reset", "checkbox", "radio", "hidden", "image"].indexOf(type) < 0;
  }

  const statusKeys = { c: "confirmed", d: "disputed", u: "unverified" };

  document.addEventListener("keydown", function (evt) {
    if (evt.defaultPrevented || evt.ctrlKey || evt.metaKey || evt.altKey || evt.isComposing) return;
    const open = document.querySelector("dialog[open]");
    if (open) return; // the dialog has the keyboard; Esc closes it
    if (typing(evt.target)) {
      // Esc leaves the field, so that shortcuts work again.
      if (evt.key === "Escape") evt.target.blur();
      return;
    }
    const scope = document.querySelector("[data-shortcuts]");
    const page = scope ? scope.getAttribute("data-shortcuts") : "";
    // A viewer's c, d and u would only be refused.
    const canReview = !!scope && scope.hasAttribute("data-review");
    let done = true;
    switch (evt.key) {
      case "/": {
        const search = document.getElementById("site-search");
        if (search) {
          search.focus();
          search.select();
        } else done = false;
        break;
      }
      case "?":
        if (document.getElementById("shortcuts")) openShortcuts();
        else done = false;
        break;
      case "j":
      case "k":
        if (page === "queue") moveSelection(evt.key === "j" ? 1 : -1);
        else if (page === "claim") follow(evt.key === "j" ? "next" : "prev");
        else done = false;
        break;
      case "c":
      case "d":
      case "u":
        if (!canReview) done = false;
        else if (page === "queue") setRowStatus(statusKeys[evt.key]);
        else if (page === "claim") setClaimStatus(statusKeys[evt.key]);
        else done = false;
        break;
      case "n": {
        // The review note, or the note of a second opinion.
        const note = page === "claim" && document.querySelector("#note, #opinion-note");
        if (note) note.focus();
        else done = false;
        break;
      }
      default:
        done = false;
    }
    if (done) evt.preventDefault();
  });

  // --- Length limits -----------------------------------------------------
  // A browser cuts text pasted into a field with maxlength at the limit,
  // without a word: a long quoted excerpt lost its end unnoticed. The limit
  // moves to data-maxlength, and a field over it says by how much and keeps
  // its form from being sent. Without this file, maxlength still holds.
  function liftLimits(root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll("textarea[maxlength], input[maxlength]").forEach(function (f) {
      const n = parseInt(f.getAttribute("maxlength"), 10);
      if (!(n > 0)) return;
      f.setAttribute("data-maxlength", String(n));
      f.removeAttribute("maxlength");
      checkLimit(f);
    });
  }

  function checkLimit(f) {
    const n = parseInt(f.getAttribute("data-maxlength"), 10);
    // Characters as the server counts them: code points, not UTF-16 units.
    const len = Array.from(f.value).length;
    let note = f.nextElementSibling;
    if (note && !note.classList.contains("limit-note")) note = null;
    if (len <= n) {
      f.setCustomValidity("");
      if (note) note.remove();
      return;
    }
    const msg = "Too long: " + len.toLocaleString("en") + " characters; the limit is " + n.toLocaleString("en") + ".";
    f.setCustomValidity(msg);
    if (!note) {
      note = document.createElement("p");
      note.className = "limit-note";
      f.insertAdjacentElement("afterend", note);
    }
    note.textContent = msg;
  }

  document.addEventListener("input", function (evt) {
    const f = evt.target;
    if (f && f.hasAttribute && f.hasAttribute("data-maxlength")) checkLimit(f);
  });
  // Forms htmx swaps in come with maxlength too.
  document.addEventListener("htmx:load", function (evt) { liftLimits(evt.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () { liftLimits(document); });

  // What a page shows when it loads is read as the page; only later
  // messages need announcing.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-announce], #review-saved").forEach(function (el) {
      el.setAttribute("data-announced", "");
    });
  });
})();
