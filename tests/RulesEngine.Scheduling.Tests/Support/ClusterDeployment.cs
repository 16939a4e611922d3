using RulesEngine.Cli.Demo;
using RulesEngine.Core.State;
using RulesEngine.State.Postgres;
using RulesEngine.Tests.Postgres;

namespace RulesEngine.Scheduling.Tests.Support;

/// <summary>
/// Real <c>serve</c> nodes of one cluster: a fresh database on the test PostgreSQL server as their state, the emulated
/// services (unpaced, so many flows can share them), and a rules folder per node (the same files, as a deploy through
/// git gives each machine its own copy). Nodes are started as child processes and killed however a test likes.
/// </summary>
internal sealed class ClusterDeployment : IAsyncDisposable
{
    private readonly List<DaemonProcess> _nodes = [];

    private ClusterDeployment(string directory, EmulatedServices services, string url)
    {
        Directory = directory;
        Services = services;
        StateUrl = url;
    }

    public string Directory { get; }
    public EmulatedServices Services { get; }

    /// <summary>The <c>--state</c> of every node: a <c>postgres://</c> URL with the password in it.</summary>
    public string StateUrl { get; }

    public static async Task<ClusterDeployment> StartAsync(PostgresServer postgres, string name)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"re-{name}-" + Guid.NewGuid().ToString("N")[..8]);
        var database = await postgres.CreateDatabaseAsync(name);
        return new ClusterDeployment(directory, await EmulatedServices.StartAsync(directory, paced: false), postgres.Url(database));
    }

    /// <summary>Node <paramref name="node"/>'s rules folder (created on first use).</summary>
    public string Rules(int node)
    {
        var folder = Path.Combine(Directory, $"rules-node{node}");
        System.IO.Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Writes a flow file into every node's folder among <paramref name="nodes"/>.</summary>
    public void Deploy(string file, string text, params int[] nodes)
    {
        foreach (var node in nodes) File.WriteAllText(Path.Combine(Rules(node), file), text);
    }

    public DaemonProcess StartNode(int node)
    {
        var process = DaemonProcess.Start("serve", "--rules", Rules(node), "--connections", Services.ConnectionsPath, "--state", StateUrl,
            "--create-state", "--json-logs", "--stop-timeout", "20", "--listen", "none"); // several nodes on one machine: no console port to share
        _nodes.Add(process);
        return process;
    }

    /// <summary>The state as the nodes share it, opened by the test to read history and the journal.</summary>
    public IStateStore OpenState() => new PostgresStateStore(PostgresLocation.Parse(StateUrl));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) node.Dispose(); // kills what a failed test left running
        await Services.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { /* scratch */ }
    }
}
