using RulesEngine.Cli.Demo;

namespace RulesEngine.Scheduling.Tests.Support;

/// <summary>
/// A scratch folder with the emulated services, a rules folder and a state path for a real <c>rulesengine serve</c>,
/// and the command line that starts it there. Shared by the tests that run the daemon as operators do.
/// </summary>
internal sealed class DaemonBed : IAsyncDisposable
{
    /// <summary>A bound on waiting for something to happen, not a speed requirement: generous, for a loaded machine.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private DaemonBed(string directory, EmulatedServices services)
    {
        Directory = directory;
        Services = services;
    }

    public string Directory { get; }
    public EmulatedServices Services { get; }
    public string Rules => Path.Combine(Directory, "rules");
    public string State => Path.Combine(Directory, "state.db");

    public static async Task<DaemonBed> StartAsync(string name)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"re-{name}-" + Guid.NewGuid().ToString("N")[..8]);
        var bed = new DaemonBed(directory, await EmulatedServices.StartAsync(directory));
        System.IO.Directory.CreateDirectory(bed.Rules);
        return bed;
    }

    /// <summary><c>serve</c> on this bed's rules, connections and (new) state file, with JSON logs.</summary>
    public string[] Serve(string stopTimeout = "20") =>
        ["serve", "--rules", Rules, "--connections", Services.ConnectionsPath, "--state", State, "--create-state", "--json-logs", "--stop-timeout", stopTimeout, "--listen", "none"];

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { /* scratch */ }
    }
}
