// Writing helpers for an article's body: a toolbar above it (bold, italic, heading, quote,
// list, link; insert an artist, a project, a photo; embed a URL) and autosave to the browser.
// Every control is a real button, reachable with Tab; the insert chooser is a dialog whose
// matches are buttons too. Autosave keeps the form's text in this browser's storage while the
// editor types and offers it back after a crash, a closed tab or a save that did not go
// through; nothing reaches the server until the editor saves.
(function () {
  "use strict";

  function surround(body, before, after, placeholder) {
    var start = body.selectionStart, end = body.selectionEnd;
    var text = body.value.slice(start, end) || placeholder;
    body.setRangeText(before + text + after, start, end, "end");
    body.setSelectionRange(start + before.length, start + before.length + text.length);
    body.focus();
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function prefixLines(body, prefix) {
    var value = body.value;
    var start = value.lastIndexOf("\n", body.selectionStart - 1) + 1;
    var end = body.selectionEnd;
    var lines = value.slice(start, end).split("\n").map(function (line) { return prefix + line; });
    body.setRangeText(lines.join("\n"), start, end, "end");
    body.focus();
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function insertText(body, text) {
    body.setRangeText(text, body.selectionStart, body.selectionEnd, "end");
    body.focus();
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function button(label, text, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "body-tool";
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.title = label;
    b.addEventListener("click", action);
    return b;
  }

  function chooser(body, kind, title) {
    var url = body.getAttribute("data-insert-url").replace("KIND", kind);
    var dialog = document.createElement("dialog");
    dialog.className = "insert-dialog";
    dialog.setAttribute("aria-label", title);
    var heading = document.createElement("h2");
    heading.textContent = title;
    var input = document.createElement("input");
    input.type = "search";
    input.placeholder = "Type a name";
    input.setAttribute("aria-label", title + ": name");
    var list = document.createElement("ul");
    list.className = "insert-results";
    var close = button("Close", "Close", function () { dialog.close(); });
    dialog.append(heading, input, list, close);
    document.body.appendChild(dialog);
    var timer = null;

    function search() {
      fetch(url + "?q=" + encodeURIComponent(input.value), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          list.textContent = "";
          if (!data.results.length) {
            var none = document.createElement("li");
            none.textContent = "No matches.";
            list.appendChild(none);
          }
          data.results.forEach(function (result) {
            var item = document.createElement("li");
            var pick = document.createElement("button");
            pick.type = "button";
            pick.className = "insert-result";
            if (result.picture) {
              var img = document.createElement("img");
              img.src = result.picture;
              img.alt = "";
              img.width = 40;
              img.height = 40;
              pick.appendChild(img);
            }
            pick.appendChild(document.createTextNode(result.label));
            pick.addEventListener("click", function () {
              dialog.close();
              insertText(body, result.shortcode);
            });
            item.appendChild(pick);
            list.appendChild(item);
          });
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    dialog.addEventListener("close", function () { dialog.remove(); });
    dialog.showModal();
    input.focus();
    search();
  }

  function toolbar(body) {
    var bar = document.createElement("div");
    bar.className = "body-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Format the body");
    bar.append(
      button("Bold", "B", function () { surround(body, "**", "**", "bold text"); }),
      button("Italic", "I", function () { surround(body, "*", "*", "italic text"); }),
      button("Sub-heading", "H2", function () { prefixLines(body, "## "); }),
      button("Quote", "\u201c", function () { prefixLines(body, "> "); }),
      button("Bulleted list", "\u2022", function () { prefixLines(body, "- "); }),
      button("Link", "Link", function () {
        var address = window.prompt("Link to (https://… or /path/):", "https://");
        if (address) surround(body, "[", "](" + address + ")", "link text");
      }),
      button("Insert artist", "+ Artist", function () { chooser(body, "artist", "Insert artist"); }),
      button("Insert project", "+ Project", function () { chooser(body, "project", "Insert project"); }),
      button("Insert photo", "+ Photo", function () { chooser(body, "image", "Insert photo"); }),
      button("Embed a video or song", "+ Embed", function () {
        var address = window.prompt("Address of the video or song (https://…):", "https://");
        if (address) insertText(body, '\n\n[embed url="' + address.replace(/"/g, "%22") + '" /]\n\n');
      })
    );
    // Inside the preview's layout when there is one, as a row across the body and the preview.
    var wrapper = body.closest(".has-preview");
    if (wrapper) wrapper.insertBefore(bar, wrapper.firstChild);
    else body.parentNode.insertBefore(bar, body);
  }

  // --- Autosave -------------------------------------------------------------------------------
  // The copy is kept until the server confirms the save: on submit it is written once more and
  // marked as sent (sessionStorage, this tab); the next page this script runs on clears it only
  // if it is the page Django shows after a save, a success message linking to the article. A
  // refused save (a conflict, a form error), a server error or an expired session leaves it,
  // and the change form offers it back whenever it differs from what the form holds.
  var FIELDS = ["headline", "slug", "dek", "body"];
  var PREFIX = "newsroom:autosave:";
  var SENT = "newsroom:autosave:sent";

  function confirmSaved() {
    var sent = null;
    try {
      sent = window.sessionStorage.getItem(SENT);
      window.sessionStorage.removeItem(SENT);
    } catch (e) { return; }
    if (!sent) return;
    var saved = document.querySelectorAll(".messagelist .success a[href]");
    var confirmed = Array.prototype.some.call(saved, function (link) {
      var path = new URL(link.href, window.location.href).pathname;
      // The form saved: the article's own change page, or an add page and its new article.
      return path === sent || (/\/add\/$/.test(sent) && /\/change\/$/.test(path) &&
        path.indexOf(sent.replace(/add\/$/, "")) === 0);
    });
    if (confirmed && !document.querySelector(".errornote")) {
      try { window.localStorage.removeItem(PREFIX + sent); } catch (e) { /* nothing kept */ }
    }
  }

  function autosave(body) {
    var form = body.closest("form");
    var key = PREFIX + window.location.pathname;
    var fields = FIELDS.map(function (name) { return form.querySelector("[name='" + name + "']"); })
      .filter(Boolean);
    var saved = null;
    try { saved = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    var differs = saved && fields.some(function (f) {
      return saved.values[f.name] !== undefined && saved.values[f.name] !== f.value;
    });
    if (differs) {
      var note = document.createElement("div");
      note.className = "autosave-offer";
      note.setAttribute("role", "status");
      var when = new Date(saved.time).toLocaleString();
      var what = saved.sent
        ? "This browser kept text whose save was not confirmed (the server refused it, failed, " +
          "or asked you to sign in again), from " + when + ". "
        : "This browser kept text you had not saved, from " + when + ". ";
      note.append(document.createTextNode(what));
      note.append(
        button("Restore the unsaved text", "Restore it", function () {
          fields.forEach(function (f) {
            if (saved.values[f.name] !== undefined) f.value = saved.values[f.name];
          });
          body.dispatchEvent(new Event("input", { bubbles: true }));
          note.remove();
        }),
        button("Discard the unsaved text", "Discard", function () {
          window.localStorage.removeItem(key);
          note.remove();
        })
      );
      form.insertBefore(note, form.firstChild);
    }
    function write(sent) {
      var values = {};
      fields.forEach(function (f) { values[f.name] = f.value; });
      try {
        window.localStorage.setItem(
          key, JSON.stringify({ time: Date.now(), values: values, sent: sent })
        );
      } catch (e) { /* storage full or refused: autosave is a comfort, not a promise */ }
    }
    var timer = null;
    function keep() {
      clearTimeout(timer);
      timer = setTimeout(function () { write(false); }, 800);
    }
    fields.forEach(function (f) { f.addEventListener("input", keep); });
    form.addEventListener("submit", function () {
      clearTimeout(timer);
      write(true);
      try { window.sessionStorage.setItem(SENT, window.location.pathname); } catch (e) { /* */ }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // First: the page may be the one that confirms a save this tab sent.
    confirmSaved();
    var body = document.querySelector("textarea[data-insert-url]");
    if (!body) return;
    // After the preview has wrapped the body, so the toolbar sits above both.
    window.setTimeout(function () { toolbar(body); autosave(body); }, 0);
  });
})();
