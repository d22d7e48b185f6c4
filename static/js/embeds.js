// Privacy-first embeds in article bodies. The page never loads anything from a video or music
// provider until the reader asks: each embed is a link to the original page, and this script
// adds a button that swaps the figure's content for the provider's player. The player's address
// was checked and built on the server (data-embed-src); the Content-Security-Policy allows
// frames from those players only.
(function () {
  "use strict";

  function load(figure) {
    var src = figure.getAttribute("data-embed-src");
    if (!src || src.indexOf("https://") !== 0) return;
    var frame = document.createElement("iframe");
    frame.src = src;
    frame.title = figure.getAttribute("data-embed-title") || "Embedded player";
    frame.className = "embed-frame";
    frame.setAttribute("allow", "autoplay; encrypted-media; fullscreen; picture-in-picture");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    var caption = figure.querySelector("figcaption");
    figure.replaceChildren(frame);
    if (caption) figure.appendChild(caption);
    figure.classList.add("is-loaded");
    frame.focus();
  }

  document.querySelectorAll("figure.embed[data-embed-src]").forEach(function (figure) {
    var button = figure.querySelector("button.embed-load");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () { load(figure); });
  });
})();
