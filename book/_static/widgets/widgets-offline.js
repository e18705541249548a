// Glue between the book's offline assets and ipywidgets' html-manager (embed-amd.js).
// Loaded after require.js and before embed-amd.js, on pages with saved widget state.
(function () {
  "use strict";
  // 1. Serve the html-manager's modules and icon fonts from this folder, not from the page's
  //    folder (its webpack public path is the directory of the AMD module's URL).
  var script = document.currentScript;
  var src = script && script.src ? script.src.split("?")[0] : "";
  var dir = src.slice(0, src.lastIndexOf("/"));
  if (dir && window.require && window.require.config) {
    window.require.config({
      paths: {
        "@jupyter-widgets/html-manager/dist": dir,
        "@jupyter-widgets": dir
      }
    });
  }
  // 2. The widgets typeset their labels with the MathJax 2 API (MathJax.Hub.Queue); the book
  //    uses MathJax 3. Forward those calls to MathJax.typesetPromise once MathJax has started.
  function typeset(element) {
    var mj = window.MathJax;
    if (!mj || !mj.typesetPromise) { return; }
    var ready = mj.startup && mj.startup.promise ? mj.startup.promise : Promise.resolve();
    ready.then(function () {
      return mj.typesetPromise(element ? [element] : undefined);
    }).catch(function (err) { console.warn("MathJax typeset of a widget failed:", err); });
  }
  function install() {
    var mj = window.MathJax;
    if (!mj || mj.Hub) { return; }
    mj.Hub = {
      Queue: function () {
        for (var i = 0; i < arguments.length; i++) {
          var job = arguments[i];
          if (Array.isArray(job) && job[0] === "Typeset") { typeset(job[2]); }
        }
      }
    };
  }
  install();  // the config object, in case a widget renders before MathJax replaces it
  document.addEventListener("DOMContentLoaded", install);  // the loaded MathJax 3 object
  window.addEventListener("load", install);
})();
