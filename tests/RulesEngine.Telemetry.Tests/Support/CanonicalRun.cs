using RulesEngine.Cli;
using Microsoft.Data.Sqlite;
using Newtonsoft.Json.Linq;
using RulesEngine.Cli.Demo;
using RulesEngine.Connectors.Telegram.Emulator;
using RulesEngine.Emulation;

namespace RulesEngine.Telemetry.Tests.Support;

/// <summary>
/// One <c>run</c> of the shipped canonical flow, in this process, against the emulated services, with a row for each
/// way a row can end: Anna's contact exists (done); Ben's does not, so it is created (handled); Chloe's locale 'xx'
/// makes update and create fail and Telegram refuses her alert (failed: a person must look); Erin's alert meets
/// Telegram answering 503 twice, the connection's two attempts (held, after one retry).
/// </summary>
internal sealed class CanonicalRun : IAsyncDisposable
{
    public const string FlowName = "helpcrunch-contacts";
    public const string SpreadsheetId = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789demo";

    public static readonly string[][] Rows =
    [
        ["anna@example.com", "Anna Kovalenko", "+380501112233", "Acme", "uk"],
        ["ben@example.com", "Ben Carter", "+14155550101", "Globex", "en"],
        ["chloe@example.com", "Chloe Martin", "+33612345678", "Initech", "xx"],
        ["erin@example.com", "Erin Hollis", "+12025550123", "Hooli", "xx"],
    ];

    /// <summary>Every secret the run uses: none may appear in metrics or spans.</summary>
    public static readonly string[] Secrets = [EmulatedServices.HelpCrunchApiKey, EmulatedServices.GoogleApiKey, TelegramEmulator.DefaultToken];

    private CanonicalRun(EmulatedServices services, string directory)
    {
        Services = services;
        Directory = directory;
    }

    public EmulatedServices Services { get; }
    public string Directory { get; }

    public int ExitCode { get; private set; }
    public string Output { get; private set; } = "";

    public static async Task<CanonicalRun> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "rulesengine-telemetry-tests-" + Guid.NewGuid().ToString("N")[..10]);
        var services = await EmulatedServices.StartAsync(directory, paced: false);
        var run = new CanonicalRun(services, directory);
        try
        {
            services.Sheets.AddSheet(SpreadsheetId, "Contacts", [["Email", "Name", "Phone", "Company", "Locale"], .. Rows]);
            services.HelpCrunch.AddContact("anna@example.com", "Anna K.");
            // Two attempts with no backoff: Erin's alert is retried once, then held, without a real wait.
            var connections = JObject.Parse(await File.ReadAllTextAsync(services.ConnectionsPath));
            connections["telegram"]!["maxAttempts"] = 2;
            connections["telegram"]!["retryDelaySeconds"] = 0;
            await File.WriteAllTextAsync(services.ConnectionsPath, connections.ToString());
            services.Telegram.Faults.FailNext(Fault.Status(400, "Bad Request: chat not found"), "sendMessage");
            services.Telegram.Faults.FailNext(Fault.Status(503, "Service Unavailable"), "sendMessage");
            services.Telegram.Faults.FailNext(Fault.Status(503, "Service Unavailable"), "sendMessage");
            return run;
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    /// <summary>The <c>run</c> verb, in-process, as Program.cs calls it.</summary>
    public async Task RunAsync()
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        ExitCode = await CliApp.RunAsync(
            ["run", Repo.CanonicalFlow, "--connections", Services.ConnectionsPath, "--state", Path.Combine(Directory, "state", "rulesengine.db")],
            output, errors, CancellationToken.None);
        Output = $"exit {ExitCode}\n--- stdout\n{output}--- stderr\n{errors}";
        Assert.True(ExitCode == 0, Output);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A scratch folder left in /tmp is harmless.
        }
    }
}
