// Live preview beside an article's body: while the editor types, the body is sent (debounced)
// to the admin's preview address, which renders it with the public page's own renderer and
// lists its problems. Each problem is a button that puts the cursor at its line and column.
// The story is drawn in a frame of its own (srcdoc, sandboxed: no script runs in it) with the
// public pages' stylesheet, so it looks as readers will see it and the admin's styles do not
// reach it. Nothing is saved; no inline script, so the admin's Content-Security-Policy holds.
(function () {
  "use strict";

  var DELAY = 400;

  function offsetOf(text, line, column) {
    var offset = 0;
    for (var n = 1; n < line; n++) {
      var next = text.indexOf("\n", offset);
      if (next === -1) return text.length;
      offset = next + 1;
    }
    return Math.min(text.length, offset + Math.max(0, column - 1));
  }

  function escapeAttribute(text) {
    return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  // The body inside the markup the article page wraps it in, so the public styles apply as
  // they do there. `html` is the site's own renderer's sanitized output.
  function readersPage(html, stylesheet) {
    return '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
      '<meta name="viewport" content="width=device-width, initial-scale=1">' +
      '<link rel="stylesheet" href="' + escapeAttribute(stylesheet) + '">' +
      '</head><body class="body-preview-page"><main><article class="article">' +
      '<div class="article-body">' + html + "</div></article></main></body></html>";
  }

  function setUp(body) {
    var url = body.getAttribute("data-preview-url");
    var form = body.closest("form");
    var token = form && form.querySelector("input[name='csrfmiddlewaretoken']");
    if (!url || !token) return;

    var pane = document.createElement("section");
    pane.className = "body-preview";
    pane.setAttribute("aria-label", "Preview");
    // It scrolls on its own when the story is long: reachable from the keyboard to scroll it.
    pane.tabIndex = 0;
    var heading = document.createElement("h2");
    heading.textContent = "Preview";
    var status = document.createElement("p");
    status.className = "body-preview-status";
    status.setAttribute("role", "status");
    var list = document.createElement("ul");
    list.className = "body-preview-problems";
    list.setAttribute("aria-label", "Problems in the body");
    var frame = document.createElement("iframe");
    frame.className = "body-preview-frame";
    frame.title = "The story as readers will see it";
    // Same origin, so its height can follow its content; no scripts, forms or pop-ups.
    frame.setAttribute("sandbox", "allow-same-origin");
    var stylesheet = body.getAttribute("data-preview-stylesheet") || "";
    frame.addEventListener("load", function () {
      var doc = frame.contentDocument;
      if (doc && doc.documentElement) {
        frame.style.height = doc.documentElement.scrollHeight + "px";
      }
    });
    pane.append(heading, status, list, frame);
    var wrapper = document.createElement("div");
    wrapper.className = "has-preview";
    body.parentNode.insertBefore(wrapper, body);
    wrapper.append(body, pane);

    var timer = null;
    var sent = 0;

    function show(data, number) {
      if (number !== sent) return; // an older answer arriving late
      frame.srcdoc = readersPage(data.html, stylesheet);
      list.textContent = "";
      data.problems.forEach(function (problem) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "problem problem-" + problem.severity;
        button.textContent =
          "Line " + problem.line + ", column " + problem.column + ": " + problem.message;
        button.addEventListener("click", function () {
          var at = offsetOf(body.value, problem.line, problem.column);
          body.focus();
          body.setSelectionRange(at, at);
        });
        item.appendChild(button);
        list.appendChild(item);
      });
      var errors = data.problems.filter(function (p) { return p.severity === "error"; }).length;
      status.textContent = errors
        ? errors + " problem" + (errors > 1 ? "s" : "") + " to fix before saving"
        : "Up to date";
    }

    function refresh() {
      var number = ++sent;
      var data = new FormData();
      data.append("body", body.value);
      data.append("csrfmiddlewaretoken", token.value);
      status.textContent = "Updating…";
      fetch(url, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (json) { show(json, number); })
        .catch(function () {
          if (number === sent) status.textContent = "The preview could not be updated.";
        });
    }

    body.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, DELAY);
    });
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var body = document.querySelector("textarea[data-preview-url]");
    if (body) setUp(body);
  });
})();
