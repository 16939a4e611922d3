using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Newtonsoft.Json.Linq;
using RulesEngine.Durability.Tests.Support;
using RulesEngine.Emulation;

namespace RulesEngine.Durability.Tests;

/// <summary>
/// The real program in child processes. Issue 9 item 8: a run killed with kill -9 is shown as interrupted, with the
/// rows it did, not "running" forever with "rows 0". Item 4: <c>serve</c> does not start on a missing state file
/// unless told to create it.
/// </summary>
[Trait("Category", "Slow")] // real processes (CONTRIBUTING.md)
public sealed class OutcomeProcessTests : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(2);
    private TestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await TestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task KilledRun_ShowsAsInterrupted_WithTheRowsItDid_AndTheNextRunFinishesThem()
    {
        await _bed.WriteConnectionsAsync(helpCrunch: new JObject { ["requestsPerMinute"] = 0 },
            telegram: new JObject { ["perChatIntervalSeconds"] = 0, ["messagesPerSecond"] = 1000 });
        _bed.AppendRows(Scenario.Build(_bed, 40));
        // Every request is slow, so the run is still working through the rows when it is killed.
        _bed.HelpCrunch.Faults.FailRandomly(1.0, 1, Fault.Slow(TimeSpan.FromMilliseconds(150)));
        using (var process = CliProcess.Start(_bed, "run", _bed.FlowPath, "--connections", _bed.ConnectionsPath, "--state", _bed.StatePath))
        {
            await WaitUntilAsync(() => RecordedSteps() >= 12, process);
            process.Kill(entireProcessTree: true); // kill -9: no chance to record anything more
            await process.WaitForExitAsync();
        }

        var (_, list) = await _bed.CliAsync("history", "contacts", "--state", _bed.StatePath);
        var line = Assert.Single(list.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(" interrupted ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("rows 0,", line, StringComparison.Ordinal);
        Assert.Contains("not finished", line, StringComparison.Ordinal);
        Assert.Contains("its process (pid ", line, StringComparison.Ordinal);
        var killed = line.Split(' ')[0];
        var (_, rows) = await _bed.CliAsync("history", "--run", killed, "--state", _bed.StatePath);
        Assert.Contains("  row 2    ", rows, StringComparison.Ordinal);
        Assert.Contains(" interrupted ", rows, StringComparison.Ordinal);

        _bed.HelpCrunch.Faults.Clear();
        var (exit, next) = await _bed.RunAsync();
        Assert.True(exit == 0, next);
        var (_, after) = await _bed.CliAsync("history", "--run", killed, "--state", _bed.StatePath);
        Assert.StartsWith($"{killed}  contacts                 interrupted", after, StringComparison.Ordinal);
        Assert.Contains("interrupted, done later in run ", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_OnAMissingStateFile_RefusesWithExitTwo_NamingThePathAndTheFlag()
    {
        var rules = RulesFolder();
        var lines = new ConcurrentQueue<string>();
        using var process = CliProcess.Start(_bed, lines.Enqueue, "serve", "--rules", rules, "--connections", _bed.ConnectionsPath, "--state", _bed.StatePath, "--listen", "none");

        var exited = process.WaitForExit(Generous);
        if (!exited) process.Kill(entireProcessTree: true);
        process.WaitForExit(); // the output pipes are drained

        Assert.True(exited, "serve kept running on a missing state file");
        var output = string.Join("\n", lines);
        Assert.True(process.ExitCode == 2, output);
        Assert.Contains(_bed.StatePath, output, StringComparison.Ordinal);
        Assert.Contains("--create-state", output, StringComparison.Ordinal);
        Assert.False(File.Exists(_bed.StatePath), "serve created the state file");
    }

    [Fact]
    public async Task Serve_WithCreateState_StartsOnAMissingStateFile_AndCreatesIt()
    {
        var rules = RulesFolder();
        using var process = CliProcess.Start(_bed, "serve", "--rules", rules, "--connections", _bed.ConnectionsPath, "--state", _bed.StatePath, "--create-state", "--listen", "none");
        try
        {
            await WaitUntilAsync(() => File.Exists(_bed.StatePath), process);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>A rules folder holding the bed's flow (it has no triggers: the daemon runs nothing by itself).</summary>
    private string RulesFolder()
    {
        var rules = Path.Combine(_bed.Directory, "rules");
        Directory.CreateDirectory(rules);
        File.Copy(_bed.FlowPath, Path.Combine(rules, "contacts.json"));
        return rules;
    }

    /// <summary>Steps the child has recorded so far, read from the state file beside it (WAL lets both read).</summary>
    private long RecordedSteps()
    {
        if (!File.Exists(_bed.StatePath)) return 0;
        try
        {
            using var db = new SqliteConnection($"Data Source={_bed.StatePath};Mode=ReadOnly;Pooling=false");
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM steps";
            return (long)command.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0; // not created yet
        }
    }

    /// <summary>Waits for a condition the child makes true, failing if the child exits first or it never happens.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, Process child)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.False(child.HasExited, "the program exited before the condition held");
            Assert.True(waited.Elapsed < Generous, "the condition did not hold within " + Generous);
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }
}
