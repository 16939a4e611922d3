namespace RulesEngine.WebConsole;

/// <summary>The console's stylesheet and its one small script (live progress), served from the console itself: the
/// Content-Security-Policy allows nothing inline and nothing from elsewhere.</summary>
internal static class Assets
{
    public const string Stylesheet = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #fafafa; }
        header { background: #23313f; color: #fff; padding: .5em 1em; display: flex; gap: 1em; align-items: center; }
        header a { color: #fff; text-decoration: none; } header .brand { font-weight: bold; }
        header form { margin-left: auto; }
        main { padding: 1em; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { border: 1px solid #ddd; padding: .3em .5em; text-align: left; vertical-align: top; }
        th { background: #f0f0f0; }
        .on { color: #106b21; font-weight: bold; } .off { color: #9a1c1c; font-weight: bold; }
        .error, .failed, .attention { color: #9a1c1c; white-space: pre-wrap; overflow-wrap: anywhere; }
        tr.needs-person { background: #fff4f4; }
        form.inline { display: inline; margin-right: .3em; }
        .note { background: #eef6ff; border: 1px solid #b9d7f5; padding: .4em .6em; }
        dl.cells, dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0 .8em; margin: 0; }
        dl.cells dt, dl.facts dt { font-weight: bold; } dl.cells dd, dl.facts dd { margin: 0; overflow-wrap: anywhere; white-space: pre-wrap; }
        ol.steps { margin: 0; padding-left: 1.2em; } pre { white-space: pre-wrap; margin: .2em 0; }
        .pager { margin: .8em 0; } .outputs { color: #555; }
        form.login label { display: block; margin: .5em 0; } form.login input[type=password] { display: block; width: 24em; }
        """;

    /// <summary>Refreshes every <c>data-progress</c> element every two seconds while the page is open; the page works
    /// without it.</summary>
    public const string Script = """
        (function () {
          var url = document.body.getAttribute('data-progress-url');
          function tick() {
            var shown = document.querySelectorAll('[data-progress]');
            if (!shown.length) return;
            fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
              .then(function (r) { return r.ok ? r.json() : null; })
              .then(function (data) {
                if (!data) return;
                data.flows.forEach(function (flow) {
                  shown.forEach(function (el) { if (el.getAttribute('data-progress') === flow.name) el.textContent = flow.text; });
                });
              })
              .catch(function () { });
          }
          setInterval(tick, 2000);
        })();
        """;
}
