using Newtonsoft.Json.Linq;
using RulesEngine.Core.State;
using RulesEngine.Durability.Tests.Support;
using Xunit.Abstractions;

namespace RulesEngine.Durability.Tests;

/// <summary>
/// Issue 10, item 1, through the real program: an expression that used to end the process (a stack overflow in a
/// source filter, memory growth in a condition) now fails its own row, and the run goes on to the next rows; a
/// process that dies while evaluating a row leaves a note, and the next run records that row as failed
/// (quarantine) instead of evaluating it again.
/// </summary>
[Trait("Category", "Slow")] // real processes (CONTRIBUTING.md)
public sealed class HostileExpressionProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(3);
    private TestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await TestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Run_HostileRows_FailAlone_AndLaterRowsAreProcessed()
    {
        // row 3: 100,000 nested Distinct() (a stack overflow: SIGABRT before the guards); row 4: a string doubled 40 times
        await WriteFlowAsync(
            filter: "Row.Number != 3 || Enumerable.Range(0, 100000).Aggregate(Row.Fields.Values, (acc, i) => acc.Distinct()).Count() > 0",
            condition: "update.Failed && (Row.Number != 4 || Enumerable.Range(0, 40).Aggregate(Name, (s, i) => s + s).Length > 0)");
        AppendRows(2, 7);

        using var process = CliProcess.Start(_bed, "run", _bed.FlowPath, "--connections", _bed.ConnectionsPath, "--state", _bed.StatePath);
        Assert.True(process.WaitForExit(Generous), "run did not finish");

        Assert.Equal(0, process.ExitCode); // 134 (SIGABRT, "Stack overflow.") before
        var rows = _bed.LatestRows().Values.ToDictionary(r => r.Number);
        foreach (var row in rows.Values.OrderBy(r => r.Number)) output.WriteLine($"row {row.Number}: {row.Status} {row.Error}");
        Assert.Equal(RowStatus.Error, rows[3].Status);
        Assert.Contains("filter:", rows[3].Error, StringComparison.Ordinal);
        Assert.Contains("nests too deeply", rows[3].Error, StringComparison.Ordinal);
        Assert.Equal(RowStatus.Error, rows[4].Status);
        Assert.Contains("ifUpdateFailed:", rows[4].Error, StringComparison.Ordinal);
        Assert.Contains("memory budget", rows[4].Error, StringComparison.Ordinal);
        Assert.All(new[] { 2, 5, 6, 7 }, n => Assert.Equal(RowStatus.Done, rows[n].Status));
    }

    [Fact]
    public async Task ProcessDiesWhileEvaluatingARow_NextRunQuarantinesThatRow_AndGoesOn()
    {
        // Row 3's filter runs for its whole time budget (1 s): the process is killed (kill -9) inside that evaluation,
        // as a stack overflow or the OOM killer would end it.
        await WriteFlowAsync(filter: "Row.Number != 3 || Enumerable.Range(0, int.MaxValue).Count() > 0", condition: "update.Failed");
        AppendRows(2, 5);

        using (var process = CliProcess.Start(_bed, "run", _bed.FlowPath, "--connections", _bed.ConnectionsPath, "--state", _bed.StatePath))
        {
            var evaluating = await WaitForNoteAsync(row: 3, process);
            output.WriteLine($"killed while the note said: {evaluating}");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var (exit, text) = await _bed.RunAsync();

        output.WriteLine(text);
        Assert.Equal(0, exit);
        var rows = _bed.LatestRows().Values.ToDictionary(r => r.Number);
        Assert.Equal(RowStatus.Error, rows[3].Status);
        Assert.Contains("quarantined", rows[3].Error, StringComparison.Ordinal);
        Assert.Contains("source filter", rows[3].Error, StringComparison.Ordinal);
        Assert.Contains("contacts.json(", rows[3].Error, StringComparison.Ordinal);
        Assert.All(new[] { 2, 4, 5 }, n => Assert.Equal(RowStatus.Done, rows[n].Status));

        // recorded, so it leaves the quarantine: a third run has nothing to do and quarantines nothing
        var (again, third) = await _bed.RunAsync();
        Assert.Equal(0, again);
        Assert.Contains("0 new row(s)", third, StringComparison.Ordinal);
    }

    /// <summary>Waits (polling the note, generous timeout) until the running program is evaluating <paramref name="row"/>.</summary>
    private async Task<string> WaitForNoteAsync(int row, System.Diagnostics.Process process)
    {
        var directory = _bed.StatePath + ".evaluating";
        var deadline = DateTime.UtcNow + Generous;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, "the run ended before it evaluated the row");
            var note = Directory.Exists(directory)
                ? Directory.GetFiles(directory, "contacts-*.evaluating").Select(TryRead).FirstOrDefault(t => t is not null)
                : null;
            if (note is not null && note.StartsWith('B') && note.Contains($"\"row\":{row},", StringComparison.Ordinal)) return note;
            await Task.Delay(10);
        }
        throw new TimeoutException("the program never evaluated the row");

        static string? TryRead(string path)
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                return new StreamReader(stream).ReadToEnd();
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    private async Task WriteFlowAsync(string filter, string condition)
    {
        await _bed.WriteFlowAsync(new JObject { ["filter"] = filter });
        var flow = JObject.Parse(await File.ReadAllTextAsync(_bed.FlowPath));
        flow["steps"]![1]!["condition"] = condition;
        await File.WriteAllTextAsync(_bed.FlowPath, flow.ToString());
    }

    private void AppendRows(int first, int last) =>
        _bed.AppendRows(Enumerable.Range(first, last - first + 1).Select(n => new[] { $"person{n}@example.com", $"Person {n}", $"u{n}", "en" }));
}
