using Microsoft.AspNetCore.Http;
using RulesEngine.Core.State;
using RulesEngine.WebConsole.Pages;

namespace RulesEngine.WebConsole.Actions;

/// <summary>
/// The console's buttons, each through the path the CLI and the daemon use: the on/off switch in the state file
/// (as <c>enable</c>/<c>disable</c>), the scheduler's own start of a run (as a trigger; the flow's lease keeps it
/// from overlapping any other run), and the journal replay (as <c>replay</c>). Each answers with a redirect to a page
/// that shows the result.
/// </summary>
internal sealed class FlowActions(ConsoleContext console)
{
    public async Task<IResult> SwitchAsync(HttpContext http, string name)
    {
        if (!console.Knows(name)) return Results.NotFound($"no flow named '{name}' is in service or in the history; nothing switched");
        var form = await http.Request.ReadFormAsync();
        var on = form["on"].ToString() switch
        {
            "true" => true,
            "false" => false,
            _ => (bool?)null,
        };
        if (on is not { } enabled) return Results.BadRequest("the form must say on=true or on=false; nothing switched");
        console.Store.SetEnabled(name, enabled, console.Clock.GetUtcNow());
        return Back(http, "/flows/" + PageContext.Escaped(name), enabled ? Notes.SwitchedOn : Notes.SwitchedOff);
    }

    public async Task<IResult> RunNowAsync(HttpContext http, string name) =>
        await console.Scheduler.RequestRunAsync(name, http.RequestAborted)
            ? Back(http, "/flows/" + PageContext.Escaped(name), Notes.RunRequested)
            : Results.NotFound($"no flow named '{name}' is in service; nothing started");

    public IResult ReplayOpen(HttpContext http, string name)
    {
        var rows = console.Store.ListOpenRows(name);
        return Replay(http, name, rows);
    }

    public async Task<IResult> ReplayRunAsync(HttpContext http, string runId)
    {
        if (console.Store.GetRun(runId) is not { } run) return Results.NotFound($"no run '{runId}'; nothing replayed");
        var form = await http.Request.ReadFormAsync();
        var key = form["row"].ToString();
        // Only rows that need a person: a row that is done has nothing for a replay to do.
        IReadOnlyList<RowRecord> rows = [.. console.Store.ListRows(runId).Where(r => r.Attention.NeedsPerson && (key.Length == 0 || r.Key == key))];
        return Replay(http, run.Flow, rows);
    }

    /// <summary>The console's <c>replay --force</c> for one row: only from <see cref="ForcedReplayPage"/>'s form, with its
    /// box ticked; anything less replays nothing.</summary>
    public async Task<IResult> ReplayForcedAsync(HttpContext http, string runId)
    {
        if (console.Store.GetRun(runId) is not { } run) return Results.NotFound($"no run '{runId}'; nothing replayed");
        var form = await http.Request.ReadFormAsync();
        if (ForcedReplayPage.Find(console, runId, form["row"].ToString()) is not { } row)
            return Results.NotFound($"run '{runId}' has no such row that needs a forced replay (it may have been settled since); nothing replayed");
        if (form[ForcedReplayPage.ConfirmField].ToString() != ForcedReplayPage.Confirmed)
            return Results.Text("400: nothing was replayed: a forced replay calls every step again and may act twice, so it needs the box " +
                "that says so ticked. Go back to the page, read what may happen twice, tick the box and send the form again.",
                "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
        return Replay(http, run.Flow, [row], force: true);
    }

    private IResult Replay(HttpContext http, string flow, IReadOnlyList<RowRecord> rows, bool force = false)
    {
        var page = "/flows/" + PageContext.Escaped(flow);
        if (rows.Count == 0) return Back(http, page, Notes.NothingToReplay);
        return console.Replays.TryStart(flow, rows, out var problem, force)
            ? Back(http, page, force ? Notes.ForcedReplayStarted : Notes.ReplayStarted)
            : Results.Conflict(problem);
    }

    /// <summary>303 to the page that shows the result (a reload does not post again).</summary>
    public static IResult Back(HttpContext http, string path, string note) => new SeeOther($"{http.Request.PathBase}{path}?note={note}");

    public sealed class SeeOther(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
