using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace RulesEngine.Tests.Postgres;

/// <summary>
/// A throwaway PostgreSQL server for tests: initdb into a temp folder, pg_ctl start on a free loopback port,
/// stopped and deleted on dispose. Linked into test projects as a source file (with Npgsql referenced); use it
/// through <see cref="PostgresCollection"/> so one server serves a whole test assembly, and give each test class
/// (or test) its own database with <see cref="CreateDatabaseAsync"/>.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root and CI runs as root: then every server command runs as the unprivileged
/// <c>postgres</c> user (created by Debian's postgresql package) through <c>runuser</c>, and the folder is theirs.
/// The binaries are looked up in <c>$RULESENGINE_PG_BIN</c>, then /usr/lib/postgresql/*/bin (15 first), then PATH.
/// </remarks>
public sealed class PostgresServer : Xunit.IAsyncLifetime, IAsyncDisposable
{
    public const string InstallHint = "install the server with `apt-get install -y postgresql` (Debian/Ubuntu), or set RULESENGINE_PG_BIN to the folder that holds initdb and pg_ctl";
    private const string ServiceUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);
    private static int databaseCounter;

    private readonly bool durable;
    private string? binFolder;
    private string? rootFolder;
    private bool started;

    /// <summary>A fast server (fsync off): what the contract and fault tests need, since a clean restart loses nothing.</summary>
    public PostgresServer() : this(durable: false) { }

    /// <param name="durable">True keeps fsync on, so a benchmark pays what a production server pays per commit.</param>
    private PostgresServer(bool durable) => this.durable = durable;

    public string Host => "127.0.0.1";
    public int Port { get; private set; }
    public string UserName => "rulesengine";

    /// <summary>A random password: real authentication (scram-sha-256), so tests can prove it never leaks.</summary>
    public string Password { get; } = "pw-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();

    /// <summary>The data folder (owned by the server's user); the server log is <c>server.log</c> beside it.</summary>
    public string DataFolder => Path.Combine(Root, "data");
    private string LogFile => Path.Combine(Root, "server.log");
    private string Root => rootFolder ?? throw new InvalidOperationException("the PostgreSQL test server is not initialised yet");

    /// <summary>Starts a server; for use outside xunit (benchmarks). Dispose it to stop and delete it.</summary>
    /// <param name="durable">True keeps fsync on, so a benchmark pays what a production server pays per commit.</param>
    public static async Task<PostgresServer> StartNewAsync(bool durable = false)
    {
        var server = new PostgresServer(durable);
        try { await server.InitializeAsync(); }
        catch { await server.DisposeAsync(); throw; }
        return server;
    }

    public async Task InitializeAsync()
    {
        binFolder = FindBinaries();
        var runAsServiceUser = Environment.IsPrivilegedProcess;
        if (runAsServiceUser) await CheckServiceUserAsync();

        // /tmp rather than $TMPDIR: the server's user must be able to reach the folder, and a root-only TMPDIR would hide it.
        rootFolder = Path.Combine(Directory.Exists("/tmp") ? "/tmp" : Path.GetTempPath(), "rulesengine-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(rootFolder);
        var passwordFile = Path.Combine(rootFolder, "pwfile");
        await File.WriteAllTextAsync(passwordFile, Password + "\n");
        if (runAsServiceUser) await RunAsync("chown", ["-R", $"{ServiceUser}:", rootFolder], asServiceUser: false);

        await RunServerToolAsync("initdb", [
            "-D", DataFolder, "-U", UserName, "--pwfile", passwordFile, "--auth", "scram-sha-256",
            "--encoding", "UTF8", "--locale", "C", "--no-sync",
        ]);
        File.Delete(passwordFile);

        // Another process may grab the free port between probing and binding: try a few ports.
        Exception? lastFailure = null;
        for (var attempt = 0; attempt < 5 && !started; attempt++)
        {
            Port = FreeLoopbackPort();
            try
            {
                await StartAsync();
            }
            catch (InvalidOperationException failure)
            {
                lastFailure = failure;
            }
        }
        if (!started)
            throw new InvalidOperationException($"PostgreSQL test server did not start on 127.0.0.1 ({binFolder}): {lastFailure?.Message}", lastFailure);
    }

    /// <summary>Starts the (stopped) server again on the same port and data, e.g. after <see cref="StopAsync"/>.</summary>
    public async Task StartAsync()
    {
        var settings = $"-c listen_addresses={Host} -p {Port} -c unix_socket_directories={Root} -c max_connections=200"
            + (durable ? "" : " -c fsync=off -c full_page_writes=off");
        await RunServerToolAsync("pg_ctl", ["start", "-D", DataFolder, "-w", "-t", "120", "-l", LogFile, "-o", settings]);
        started = true;
    }

    /// <summary>Stops the server (fast shutdown: open sessions are cut, as when a database server restarts).</summary>
    public async Task StopAsync()
    {
        await RunServerToolAsync("pg_ctl", ["stop", "-D", DataFolder, "-w", "-t", "120", "-m", "fast"]);
        started = false;
        // Pooled connections point at the dead server; the next open would fail once per stale connection.
        NpgsqlConnection.ClearAllPools();
    }

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <summary>An Npgsql key=value connection string to <paramref name="database"/>.</summary>
    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Database = database,
        Username = UserName,
        Password = Password,
    }.ConnectionString;

    /// <summary>The same database as a <c>postgres://user:password@host:port/database</c> URL.</summary>
    public string Url(string database) =>
        $"postgres://{Uri.EscapeDataString(UserName)}:{Uri.EscapeDataString(Password)}@{Host}:{Port}/{Uri.EscapeDataString(database)}";

    /// <summary>Creates an empty database with a unique name starting with <paramref name="prefix"/>; returns its name.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var clean = new string(prefix.ToLowerInvariant().Where(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_').Take(40).ToArray());
        var name = $"{(clean.Length == 0 ? "test" : clean)}_{Interlocked.Increment(ref databaseCounter)}_{Guid.NewGuid().ToString("N")[..6]}";
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return name;
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (started && rootFolder is not null)
            {
                started = false;
                NpgsqlConnection.ClearAllPools();
                await RunServerToolAsync("pg_ctl", ["stop", "-D", DataFolder, "-w", "-t", "60", "-m", "immediate"]);
            }
        }
        finally
        {
            if (rootFolder is not null && Directory.Exists(rootFolder))
            {
                try { Directory.Delete(rootFolder, recursive: true); }
                catch (IOException) { } // a leftover temp folder must not fail the test run
                catch (UnauthorizedAccessException) { }
            }
        }
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    private static string FindBinaries() => FindBinaries(DefaultBinaryFolders());

    /// <summary>The first folder holding both initdb and pg_ctl, or an error saying what is missing and the fix.</summary>
    internal static string FindBinaries(IEnumerable<string> candidates)
    {
        foreach (var folder in candidates)
        {
            if (File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl"))) return folder;
        }
        throw new InvalidOperationException(
            "PostgreSQL test server: initdb and pg_ctl were not found in $RULESENGINE_PG_BIN, /usr/lib/postgresql/*/bin or PATH; " + InstallHint);
    }

    private static List<string> DefaultBinaryFolders()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("RULESENGINE_PG_BIN") is { Length: > 0 } fromEnvironment) candidates.Add(fromEnvironment);
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.Add("/usr/lib/postgresql/15/bin");
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(version => Path.Combine(version, "bin")));
        }
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        return candidates;
    }

    private async Task CheckServiceUserAsync()
    {
        if (!File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser") && !File.Exists("/usr/bin/runuser"))
            throw new InvalidOperationException("PostgreSQL test server: running as root, and PostgreSQL refuses root, but `runuser` (util-linux) is missing to start it as the 'postgres' user; install util-linux, or run the tests as an unprivileged user");
        var (exitCode, _) = await RunAsync("id", ["-u", ServiceUser], asServiceUser: false, throwOnFailure: false);
        if (exitCode != 0)
            throw new InvalidOperationException($"PostgreSQL test server: running as root, and PostgreSQL refuses root, but there is no '{ServiceUser}' user to start it as; {InstallHint} (the package creates the user), or run the tests as an unprivileged user");
    }

    private Task<(int ExitCode, string Output)> RunServerToolAsync(string tool, IReadOnlyList<string> arguments) =>
        RunAsync(Path.Combine(binFolder!, tool), arguments, asServiceUser: Environment.IsPrivilegedProcess);

    private async Task<(int ExitCode, string Output)> RunAsync(string program, IReadOnlyList<string> arguments, bool asServiceUser, bool throwOnFailure = true)
    {
        var start = new ProcessStartInfo(asServiceUser ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The server's user cannot read the test's working folder; "/" is readable by everyone.
            WorkingDirectory = "/",
        };
        if (asServiceUser)
        {
            foreach (var part in new[] { "-u", ServiceUser, "--", program }) start.ArgumentList.Add(part);
        }
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"PostgreSQL test server: could not start {program}");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) lock (output) output.AppendLine(line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (output) output.AppendLine(line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new InvalidOperationException($"PostgreSQL test server: {Path.GetFileName(program)} did not finish within {CommandTimeout.TotalSeconds:0} s");
        }
        process.WaitForExit(); // flushes the asynchronous output readers
        string text;
        lock (output) text = output.ToString();
        if (throwOnFailure && process.ExitCode != 0)
        {
            var log = rootFolder is not null && File.Exists(LogFile) ? "\nserver log:\n" + Tail(LogFile) : "";
            throw new InvalidOperationException($"PostgreSQL test server: {Path.GetFileName(program)} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{text.Trim()}{log}");
        }
        return (process.ExitCode, text);
    }

    private static string Tail(string file)
    {
        try { return string.Join('\n', File.ReadAllLines(file).TakeLast(20)); }
        catch (IOException) { return "(unreadable)"; }
        catch (UnauthorizedAccessException) { return "(unreadable)"; }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
