using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using RulesEngine.Cli.Hosting;
using RulesEngine.Cli.Hosting.Logging;
using RulesEngine.Cluster;
using RulesEngine.Cli.Hosting.Telemetry;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;
using RulesEngine.State.Postgres;

namespace RulesEngine.Cli.Commands;

internal static class ServeCommand
{
    public const string Help = """
        Usage: rulesengine serve [--rules DIR] [--connections FILE] [--state PATH] [--create-state] [--max-parallel N]
                                 [--stop-timeout SECONDS] [--json-logs]

        Runs every switched-on flow of the rules folder on its triggers ("triggers" in the flow file: an interval,
        cron schedules with a time zone, after another flow) until stopped. A flow never overlaps itself, nor a
        'run' of it from another process (that trigger is skipped and logged); different flows run in parallel.
        Adding, editing or deleting a flow file takes effect on its own; a file that stops loading keeps its last
        good version running and the problem is logged and recorded in history. 'enable'/'disable' take effect
        within a second. Runs missed while the daemon was down follow each flow's "missedRuns" (default: run once).
        One daemon schedules a state file: a second serve on the same file waits as a standby, says which process
        it waits for, and takes over within seconds when that one stops or dies.
        The state file must exist: a daemon started on a missing one (a wrong --state, an unset $RULESENGINE_STATE)
        would process every row of every flow again, alerts included. It refuses with exit code 2 unless
        --create-state says that a new state file is meant (a first installation).
        SIGTERM or Ctrl+C: runs finish the service call in flight, record it and stop (rows not reached are picked
        up by the next run); exit code 0. A second signal, or --stop-timeout passing, cuts runs at once (exit 130).

        Options:
          --rules DIR             the folder of flow files, watched (default: ./rules)
          --connections FILE      the connections file (default: $RULESENGINE_CONNECTIONS or ./connections.json);
                                  read at start: restart the daemon after changing it
          --state PATH            the state file, SQLite (default: $RULESENGINE_STATE or ./state/rulesengine.db), or a
                                  PostgreSQL database (postgres://user@host:port/db): then every serve on that database
                                  is a node of one cluster that shares the flows (docs/cluster.md)
          --create-state          create the state file when it does not exist (without it, a missing one is an error)
          --max-parallel N        how many different flows may run at once (default 4)
          --stop-timeout SECONDS  how long a stop waits for runs to finish their current step (default 30)
          --json-logs             one JSON object per log line (for journald, Loki, Elasticsearch, ...)

        Log levels follow the usual Logging__LogLevel__Default=Debug environment variable.

        Example:
          rulesengine serve --rules /etc/rulesengine/rules --connections /etc/rulesengine/connections.json \
                            --state /var/lib/rulesengine/state.db --json-logs
        """;

    public static async Task<int> RunAsync(Arguments args, Console console, CancellationToken cancellationToken)
    {
        args.Allow("rules", "connections", "state", "create-state", "max-parallel", "stop-timeout", "json-logs");
        if (args.Positionals.Count > 0) throw new UsageException("serve takes no positional arguments; name the folder with --rules DIR");
        var rules = Path.GetFullPath(args.Get("rules") ?? "rules");
        if (!Directory.Exists(rules)) throw new UsageException($"rules folder '{rules}' not found (pass --rules DIR)");
        var maxParallel = args.Int("max-parallel") ?? 4;
        if (maxParallel < 1) throw new UsageException("--max-parallel must be at least 1");
        var stopTimeout = args.Int("stop-timeout") ?? 30;
        if (stopTimeout < 1) throw new UsageException("--stop-timeout must be at least 1 second");

        var statePath = args.StatePath();
        // A database that is down may come back: exit 1, not 2, so that systemd restarts the unit.
        int Unavailable(StateUnavailableException e)
        {
            console.Error($"serve: {e.Message}");
            return ExitCode.Failed;
        }
        bool newState;
        try { newState = !StateStores.Exists(statePath); }
        catch (StateUnavailableException e) { return Unavailable(e); }
        if (newState && !args.Has("create-state"))
        {
            console.Error($"serve: no {StateStores.Noun(statePath)} at {StateStores.Describe(statePath)}. A new state file knows no row, so every flow would process " +
                "every row already in its source again (alerts included). Check --state and $RULESENGINE_STATE, or pass " +
                "--create-state to start with a new state file.");
            return MissingState;
        }

        var registry = Composition.Registry();
        var problems = new List<Diagnostic>();
        var connections = ConnectionsFile.Load(args.ConnectionsPath(), registry, problems);
        foreach (var problem in problems) console.Error(problem.ToString());
        if (problems.Count > 0) return RefusedToStart; // a set-up problem: restarting would only repeat it
        IStateStore store;
        try { store = StateStores.Open(statePath); }
        catch (StateUnavailableException e) { return Unavailable(e); }
        // A PostgreSQL state makes this daemon a node of a cluster on the same database (docs/cluster.md).
        var clusterDatabase = PostgresLocation.IsPostgres(statePath) ? PostgresLocation.Parse(statePath).ConnectionString : null;
        if (clusterDatabase is not null && await PrepareClusterAsync(clusterDatabase, StateStores.Describe(statePath), console, cancellationToken) is { } refused)
        {
            store.Dispose();
            return refused;
        }

        var options = new SchedulerOptions { MaxParallel = maxParallel, StopTimeout = TimeSpan.FromSeconds(stopTimeout) };
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], ContentRootPath = Environment.CurrentDirectory });
        builder.Services.AddSystemd(); // notify systemd when ready (Type=notify) when run as a unit; nothing otherwise
        builder.Logging.ClearProviders();
        // Our own formatters: the stock ones print the engine's key/value scopes as a type name, and their JSON
        // keys are PascalCase (docs/json-output.md is the contract for both).
        builder.Logging.AddConsole(o => o.FormatterName = args.Has("json-logs") ? JsonLogFormatter.FormatterName : PlainLogFormatter.FormatterName);
        builder.Logging.AddConsoleFormatter<JsonLogFormatter, ConsoleFormatterOptions>();
        builder.Logging.AddConsoleFormatter<PlainLogFormatter, ConsoleFormatterOptions>();
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.StopTimeout + TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddRulesEngineTelemetry(builder.Configuration); // metrics (and OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set): docs/monitoring.md
        builder.Services.AddSingleton<IStateStore>(_ => store); // opened above, so an unreachable database refuses to start; disposed with the host
        builder.Services.AddSingleton(new FlowCatalog(rules, file => new FlowLoader(registry, connections).Load([file])));
        builder.Services.AddSingleton<StopSignals>();
        builder.Services.AddSingleton<IFlowRunExecutor>(s => new LeasedRunExecutor(
            s.GetRequiredService<IStateStore>(), s.GetRequiredService<TimeProvider>(), Logger(s, "RulesEngine.Runs")));
        if (clusterDatabase is null) AddSingleMachine(builder.Services, options, StateStores.Describe(statePath));
        else AddClusterNode(builder, options, clusterDatabase);
        builder.Services.AddHostedService(s => s.GetRequiredService<SchedulerService>());

        using var host = builder.Build();
        if (newState)
            Logger(host.Services, "RulesEngine.Scheduler").LogWarning(
                "New state file {State} (--create-state): it knows no row, so each flow processes the rows already in its source, unless it says \"existingRows\": \"skip\"",
                StateStores.Describe(statePath));
        var signals = host.Services.GetRequiredService<StopSignals>();
        var service = host.Services.GetRequiredService<SchedulerService>();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        await using var stopOnCancel = cancellationToken.Register(lifetime.StopApplication); // in-process callers
        await host.RunAsync(CancellationToken.None);
        if (service.LostLease) return 1; // systemd restarts it, as a standby
        return service.StoppedGracefully ? 0 : 130;
    }

    /// <summary>The exit code when serve refuses to start on a set-up problem a person must fix: the state file is
    /// missing and --create-state was not given, or the connections file does not load. The systemd unit does not
    /// restart on it (RestartPreventExitStatus); a crash (exit 1) is restarted.</summary>
    public const int RefusedToStart = 2;

    /// <summary>The exit code when the state file is missing and --create-state was not given.</summary>
    public const int MissingState = RefusedToStart;

    /// <summary>One machine: the loop of <see cref="FlowScheduler"/>; a second serve on the same state file waits as a
    /// standby behind the <see cref="DaemonLease"/>.</summary>
    private static void AddSingleMachine(IServiceCollection services, SchedulerOptions options, string state)
    {
        services.AddSingleton<IDaemonScheduler>(s => new FlowScheduler(
            s.GetRequiredService<FlowCatalog>(), s.GetRequiredService<IStateStore>(), s.GetRequiredService<IFlowRunExecutor>(),
            options, s.GetRequiredService<TimeProvider>(), Logger(s, "RulesEngine.Scheduler")));
        services.AddSingleton(s => new DaemonLease(
            s.GetRequiredService<IStateStore>(), s.GetRequiredService<TimeProvider>(), Logger(s, "RulesEngine.Scheduler"), state));
        services.AddSingleton(s => new SchedulerService(s.GetRequiredService<IDaemonScheduler>(), s.GetRequiredService<FlowCatalog>(),
            s.GetRequiredService<StopSignals>(), s.GetRequiredService<IHostApplicationLifetime>(), s.GetRequiredService<DaemonLease>()));
    }

    /// <summary>A cluster node: Quartz's clustered job store on the state's database shares the flows among every serve
    /// on it. Quartz's own log lines are kept to warnings and errors.</summary>
    private static void AddClusterNode(HostApplicationBuilder builder, SchedulerOptions options, string database)
    {
        builder.Logging.AddFilter("Quartz", LogLevel.Warning);
        builder.Services.AddSingleton<IDaemonScheduler>(s => new ClusterNode(
            s.GetRequiredService<FlowCatalog>(), s.GetRequiredService<IStateStore>(), s.GetRequiredService<IFlowRunExecutor>(),
            options, new ClusterOptions { ConnectionString = database }, s.GetRequiredService<TimeProvider>(), Logger(s, "RulesEngine.Scheduler"),
            s.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(s => new SchedulerService(s.GetRequiredService<IDaemonScheduler>(), s.GetRequiredService<FlowCatalog>(),
            s.GetRequiredService<StopSignals>(), s.GetRequiredService<IHostApplicationLifetime>()));
    }

    /// <summary>Creates or upgrades the cluster's tables; null when ready, else the exit code after saying why.</summary>
    private static async Task<int?> PrepareClusterAsync(string database, string described, Console console, CancellationToken cancellationToken)
    {
        try
        {
            await ClusterSchema.MigrateAsync(database, cancellationToken);
            return null;
        }
        catch (ClusterSchemaException e)
        {
            console.Error($"serve: {described}: {e.Message}");
            return RefusedToStart;
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            // Npgsql's messages name the host and the failure, never the password.
            console.Error($"serve: cannot prepare the cluster tables in {described}: {e.Message}");
            return ExitCode.Failed;
        }
    }

    private static ILogger Logger(IServiceProvider services, string category) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger(category);
}
