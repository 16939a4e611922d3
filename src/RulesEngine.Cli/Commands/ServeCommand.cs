using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using RulesEngine.Cli.CommandLine;
using RulesEngine.Cli.Hosting;
using RulesEngine.Cli.Hosting.Logging;
using RulesEngine.Cluster;
using RulesEngine.Cli.Hosting.Telemetry;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Scheduling;
using RulesEngine.Core.State;
using RulesEngine.WebConsole;
using RulesEngine.State.Postgres;

namespace RulesEngine.Cli.Commands;

internal static class ServeCommand
{
    private static readonly Option<bool> CreateState = CommonOptions.Flag("--create-state",
        "create the state file when it does not exist (without it, a missing one is an error)");

    private static readonly Option<int?> MaxParallel = CommonOptions.Number("--max-parallel", "N", "how many different flows may run at once (default 4)");

    private static readonly Option<int?> StopTimeout = CommonOptions.Number("--stop-timeout", "SECONDS",
        "how long a stop waits for runs to finish their current step (default 30)");

    private static readonly Option<bool> JsonLogs = CommonOptions.Flag("--json-logs", "one JSON object per log line (for journald, Loki, Elasticsearch, ...)");

    private static readonly Option<string> Listen = CommonOptions.Value("--listen", "URL",
        "the web console's address (default: http://127.0.0.1:8080; none: no console); an address other machines can " +
        "reach needs $RULESENGINE_CONSOLE_TOKEN (else exit 2)");

    private static readonly Option<string> PublicUrl = CommonOptions.Value("--public-url", "URL",
        "the console's address as people reach it, e.g. behind a proxy (default: the listen address); alerts link runs " +
        "as URL/runs/ID unless a flow sets its runLink");

    public static VerbCommand Create() => new("serve", "the daemon: run every switched-on flow on its triggers, reload edited files")
    {
        Details = """
            Runs every switched-on flow of the rules folder on its triggers ("triggers" in the flow file: an interval,
            cron schedules with a time zone, after another flow) until stopped. A flow never overlaps itself, nor a
            'run' of it from another process (that trigger is skipped and logged); different flows run in parallel.
            Adding, editing or deleting a flow file takes effect on its own; a file that stops loading keeps its last
            good version running and the problem is logged and recorded in history. 'enable'/'disable' take effect
            within a second. Runs missed while the daemon was down follow each flow's "missedRuns" (default: run once).
            The state file must exist: a daemon started on a missing one (a wrong --state, an unset $RULESENGINE_STATE)
            would process every row of every flow again, alerts included. It refuses with exit code 2 unless
            --create-state says that a new state file is meant (a first installation).
            SIGTERM or Ctrl+C: runs finish the service call in flight, record it and stop (rows not reached are picked
            up by the next run); exit code 0. A second signal, or --stop-timeout passing, cuts runs at once (exit 130).
            The rules folder is watched; the connections file is read at start: restart the daemon after changing it.
            Log levels follow the usual Logging__LogLevel__Default=Debug environment variable.
            The web console (docs/console.md) shows flows, runs and rows and switches, runs and replays flows; with
            $RULESENGINE_CONSOLE_TOKEN set every request needs that token (a sign-in form, or Authorization: Bearer).
            The state may be a SQLite file or a PostgreSQL database (--state postgres://...: docs/state.md). On a SQLite
            file one daemon schedules: a second serve on the same file waits as a standby, says which process it waits
            for, and takes over within seconds when that one stops or dies. On PostgreSQL every serve on that database
            is a node of one cluster that shares the flows (docs/cluster.md), and each node serves the console.
            """,
        Examples =
        [
            "rulesengine serve --rules /etc/rulesengine/rules --connections /etc/rulesengine/connections.json \\",
            "                  --state /var/lib/rulesengine/state.db --json-logs",
        ],
        ExitCodes = new Dictionary<ExitCode, string>
        {
            [ExitCode.Ok] = "stopped by SIGTERM or Ctrl+C after the runs finished their call in flight",
            [ExitCode.Failed] = "crashed, or the state database cannot be reached (the systemd unit restarts it)",
            [ExitCode.Unavailable] = "refused to start on a set-up problem a person must fix: no state file (without --create-state), " +
                "a connections file that does not load, a console address that cannot be used or reached from other " +
                "machines without $RULESENGINE_CONSOLE_TOKEN (the systemd unit does not restart it)",
            [ExitCode.Cancelled] = "a second signal or --stop-timeout cut the runs",
        },
        Handler = RunAsync,
        Options = { CommonOptions.Rules, CommonOptions.Connections, CommonOptions.State, CreateState, MaxParallel, StopTimeout, JsonLogs, Listen, PublicUrl },
    };

    private static async Task<ExitCode> RunAsync(ParseResult parse, Console console, CancellationToken cancellationToken)
    {
        var rules = Path.GetFullPath(parse.GetValue(CommonOptions.Rules) ?? "rules");
        if (!Directory.Exists(rules)) throw new UsageException($"rules folder '{rules}' not found (pass --rules DIR)");
        var maxParallel = parse.GetValue(MaxParallel) ?? 4;
        if (maxParallel < 1) throw new UsageException("--max-parallel must be at least 1");
        var stopTimeout = parse.GetValue(StopTimeout) ?? 30;
        if (stopTimeout < 1) throw new UsageException("--stop-timeout must be at least 1 second");

        ConsoleSettings? consoleSettings;
        try
        {
            consoleSettings = ConsoleSettings.Parse(parse.GetValue(Listen), parse.GetValue(PublicUrl), Environment.GetEnvironmentVariable(ConsoleSettings.TokenVariable));
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        if (consoleSettings?.RefusalFor() is { } refusal)
        {
            console.Error(refusal);
            return RefusedToStart;
        }

        var statePath = CommonOptions.StatePath(parse);
        // A database that is down may come back: exit 1, not 2, so that systemd restarts the unit.
        ExitCode Unavailable(StateUnavailableException e)
        {
            console.Error($"serve: {e.Message}");
            return ExitCode.Failed;
        }
        bool newState;
        try { newState = !StateStores.Exists(statePath); }
        catch (StateUnavailableException e) { return Unavailable(e); }
        if (newState && !parse.GetValue(CreateState))
        {
            console.Error($"serve: no {StateStores.Noun(statePath)} at {StateStores.Describe(statePath)}. A new state file knows no row, so every flow would process " +
                "every row already in its source again (alerts included). Check --state and $RULESENGINE_STATE, or pass " +
                "--create-state to start with a new state file.");
            return RefusedToStart;
        }

        var registry = Composition.Registry();
        var problems = new List<Diagnostic>();
        var connections = ConnectionsFile.Load(CommonOptions.ConnectionsPath(parse), registry, problems);
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
        var builder = DaemonHost.CreateBuilder();
        builder.Services.AddSystemd(); // notify systemd when ready (Type=notify) when run as a unit; nothing otherwise
        builder.Logging.ClearProviders();
        // Our own formatters: the stock ones print the engine's key/value scopes as a type name, and their JSON
        // keys are PascalCase (docs/json-output.md is the contract for both).
        builder.Logging.AddConsole(o => o.FormatterName = parse.GetValue(JsonLogs) ? JsonLogFormatter.FormatterName : PlainLogFormatter.FormatterName);
        builder.Logging.AddConsoleFormatter<JsonLogFormatter, ConsoleFormatterOptions>();
        builder.Logging.AddConsoleFormatter<PlainLogFormatter, ConsoleFormatterOptions>();
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.StopTimeout + TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddRulesEngineTelemetry(builder.Configuration); // metrics (and OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set): docs/monitoring.md
        builder.Services.AddSingleton<IStateStore>(_ => store); // opened above, so an unreachable database refuses to start; disposed with the host
        WebConsoleService? webConsole = null;
        // While the console is on, a flow without its own runLink links its runs to the console's run page.
        FlowSet LoadFlowFile(string file) =>
            new FlowLoader(registry, connections) { RunLinkWhenUnset = webConsole?.RunLinkTemplate ?? FlowLoader.DefaultRunLink }.Load([file]);
        builder.Services.AddSingleton(new FlowCatalog(rules, LoadFlowFile));
        builder.Services.AddSingleton<StopSignals>();
        var cluster = clusterDatabase is null ? null : new ClusterOptions { ConnectionString = clusterDatabase };
        // On a cluster node a run takes over the lease of a run cut by a node that stopped checking in (docs/cluster.md).
        builder.Services.AddSingleton<IFlowRunExecutor>(s => new LeasedRunExecutor(
            s.GetRequiredService<IStateStore>(), s.GetRequiredService<TimeProvider>(), Logger(s, "RulesEngine.Runs"),
            cluster is null ? null : new ClusterMembers(cluster, s.GetRequiredService<TimeProvider>(), Logger(s, "RulesEngine.Scheduler"))));
        string? consoleRefusal = null; // the console could not bind once this daemon became active
        // On one machine a second serve on the same state file is a standby (DaemonLease): its console starts only
        // when it takes over, since the active daemon holds the --listen port until then.
        Func<CancellationToken, Task<bool>>? startConsoleWhenActive = null;
        if (consoleSettings is not null && cluster is null)
            startConsoleWhenActive = async stopping =>
            {
                try
                {
                    await webConsole!.StartAsync(stopping);
                    return true;
                }
                catch (IOException e)
                {
                    consoleRefusal = ConsoleRefusal(consoleSettings, e);
                    return false;
                }
            };
        if (cluster is null) AddSingleMachine(builder.Services, options, StateStores.Describe(statePath), startConsoleWhenActive);
        else AddClusterNode(builder, options, cluster);
        if (consoleSettings is not null)
        {
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning); // one line per request would drown the runs
            WebConsoleService ConsoleService(IServiceProvider s) => webConsole ??= new WebConsoleService(consoleSettings,
                new ConsoleDependencies(s.GetRequiredService<IStateStore>(), s.GetRequiredService<IConsoleScheduler>(), LoadFlowFile, s.GetRequiredService<TimeProvider>()),
                s.GetRequiredService<ILoggerFactory>())
            {
                // Endpoints behind the console's token and security headers that are not pages (/metrics) plug in here.
                ProtectedEndpoints = endpoints => endpoints.MapRulesEngineMetrics(meterProvider: s.GetRequiredService<OpenTelemetry.Metrics.MeterProvider>()),
            };
            // Registered before the scheduler: hosted services start in order (and stop in reverse), so the console's
            // address is known when the first flow loads. A one-machine daemon starts it once it is the active one.
            if (startConsoleWhenActive is null) builder.Services.AddHostedService(ConsoleService);
            else builder.Services.AddHostedService(s => new StartedElsewhere(ConsoleService(s)));
        }
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
        try
        {
            await host.StartAsync(CancellationToken.None);
        }
        catch (IOException e) when (consoleSettings is not null)
        {
            console.Error(ConsoleRefusal(consoleSettings, e));
            return RefusedToStart;
        }
        await host.WaitForShutdownAsync(CancellationToken.None);
        if (consoleRefusal is not null)
        {
            console.Error(consoleRefusal);
            return RefusedToStart;
        }
        if (service.LostLease) return ExitCode.Failed; // systemd restarts it, as a standby
        return service.StoppedGracefully ? ExitCode.Ok : ExitCode.Cancelled;
    }

    /// <summary>Kestrel could not bind (the port is taken, or the address is not this machine's): a set-up problem.</summary>
    private static string ConsoleRefusal(ConsoleSettings settings, IOException e) =>
        $"serve: the console cannot listen on {settings.Listen.GetLeftPart(UriPartial.Authority)}: {e.Message}. " +
        "Pass another --listen URL, or --listen none to run without the console.";

    /// <summary>Serve refuses to start on a set-up problem a person must fix: the state file is missing and
    /// --create-state was not given, the connections file does not load, or the console cannot listen as asked. The systemd unit does not restart on it
    /// (RestartPreventExitStatus); a crash (exit 1) is restarted.</summary>
    private const ExitCode RefusedToStart = ExitCode.Unavailable;

    /// <summary>One machine: the loop of <see cref="FlowScheduler"/>; a second serve on the same state file waits as a
    /// standby behind the <see cref="DaemonLease"/>.</summary>
    private static void AddSingleMachine(IServiceCollection services, SchedulerOptions options, string state, Func<CancellationToken, Task<bool>>? whenActive)
    {
        services.AddSingleton(s => new FlowScheduler(
            s.GetRequiredService<FlowCatalog>(), s.GetRequiredService<IStateStore>(), s.GetRequiredService<IFlowRunExecutor>(),
            options, s.GetRequiredService<TimeProvider>(), Logger(s, "RulesEngine.Scheduler")));
        services.AddSingleton<IDaemonScheduler>(s => s.GetRequiredService<FlowScheduler>()); // the console reads it too
        services.AddSingleton<IConsoleScheduler>(s => s.GetRequiredService<FlowScheduler>());
        services.AddSingleton(s => new DaemonLease(
            s.GetRequiredService<IStateStore>(), s.GetRequiredService<TimeProvider>(), Logger(s, "RulesEngine.Scheduler"), state));
        services.AddSingleton(s => new SchedulerService(s.GetRequiredService<IDaemonScheduler>(), s.GetRequiredService<FlowCatalog>(),
            s.GetRequiredService<StopSignals>(), s.GetRequiredService<IHostApplicationLifetime>(), s.GetRequiredService<DaemonLease>(), whenActive));
    }

    /// <summary>A cluster node: Quartz's clustered job store on the state's database shares the flows among every serve
    /// on it. Quartz's own log lines are kept to warnings and errors.</summary>
    private static void AddClusterNode(HostApplicationBuilder builder, SchedulerOptions options, ClusterOptions cluster)
    {
        builder.Logging.AddFilter("Quartz", LogLevel.Warning);
        builder.Services.AddSingleton(s => new ClusterNode(
            s.GetRequiredService<FlowCatalog>(), s.GetRequiredService<IStateStore>(), s.GetRequiredService<IFlowRunExecutor>(),
            options, cluster, s.GetRequiredService<TimeProvider>(), Logger(s, "RulesEngine.Scheduler"),
            s.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton<IDaemonScheduler>(s => s.GetRequiredService<ClusterNode>());
        builder.Services.AddSingleton<IConsoleScheduler>(s => s.GetRequiredService<ClusterNode>()); // the console reads it too
        builder.Services.AddSingleton(s => new SchedulerService(s.GetRequiredService<IDaemonScheduler>(), s.GetRequiredService<FlowCatalog>(),
            s.GetRequiredService<StopSignals>(), s.GetRequiredService<IHostApplicationLifetime>()));
    }

    /// <summary>Creates or upgrades the cluster's tables; null when ready, else the exit code after saying why.</summary>
    private static async Task<ExitCode?> PrepareClusterAsync(string database, string described, Console console, CancellationToken cancellationToken)
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
