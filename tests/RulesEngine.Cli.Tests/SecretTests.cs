using System.Text;
using RulesEngine.Cli.Demo;
using RulesEngine.Cli.Tests.Support;
using RulesEngine.Connectors.Telegram.Emulator;
using RulesEngine.Emulation;

namespace RulesEngine.Cli.Tests;

/// <summary>
/// Connections reference secrets; nothing the program prints or stores may contain them, including error texts
/// from services that echo the credential or the URL (a Telegram bot token is part of the URL).
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed class SecretTests
{
    private static readonly string[] Secrets = [EmulatedServices.GoogleApiKey, EmulatedServices.HelpCrunchApiKey, TelegramEmulator.DefaultToken];

    [Fact]
    public async Task NoVerb_PrintsOrStoresASecret_EvenWhenServicesRefuseAndEchoThem()
    {
        await using var sandbox = await Sandbox.StartAsync(Sandbox.Anna, Sandbox.Chloe);
        var services = sandbox.Services;
        services.HelpCrunch.AddContact("anna@example.com", "Anna K.");
        var printed = new StringBuilder();
        async Task<CliResult> Capture(Task<CliResult> invocation)
        {
            var result = await invocation;
            printed.AppendLine(result.Output).AppendLine(result.Errors);
            return result;
        }

        await Capture(CliResult.RunAsync("validate", Repo.CanonicalFlow, "--connections", sandbox.ConnectionsPath));

        // The sheet refuses the key and says which: the run fails, and its error text is printed and stored.
        services.Sheets.Faults.FailNext(Fault.Status(403, $"API key {EmulatedServices.GoogleApiKey} is not allowed to read {services.Sheets.BaseUrl}?key={EmulatedServices.GoogleApiKey}"));
        var refused = await Capture(sandbox.RunAsync(Repo.CanonicalFlow));
        Assert.True(refused.ExitCode == 2, refused.ToString());

        // HelpCrunch answers 401 echoing the key to the update; Telegram rejects the alert echoing its URL.
        services.HelpCrunch.Faults.FailNext(Fault.Status(401, $"Invalid token: Bearer {EmulatedServices.HelpCrunchApiKey}"), "/customers");
        services.Telegram.Faults.FailNext(Fault.Status(400, $"Bad Request: {services.Telegram.BaseUrl}/bot{TelegramEmulator.DefaultToken}/sendMessage refused"));
        var run = await Capture(sandbox.RunAsync(Repo.CanonicalFlow));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(services.Telegram.SentMessages);

        services.Telegram.Faults.FailNext(Fault.Status(401, $"Unauthorized: bot{TelegramEmulator.DefaultToken}"));
        await Capture(sandbox.TestAsync(Repo.CanonicalFlow, "--row", "3"));
        await Capture(sandbox.TestAsync(Repo.CanonicalFlow, "--row", "3", "--send"));
        await Capture(sandbox.HistoryAsync());
        await Capture(sandbox.HistoryAsync("--run", Sandbox.RunIdOf(run)));
        await Capture(sandbox.HistoryAsync("--run", Sandbox.RunIdOf(refused), "--json"));

        // The faults were really answered, and their echoes reached the output (masked).
        Assert.Contains(services.Sheets.Received, r => r.FaultStatus == 403);
        Assert.Contains(services.HelpCrunch.Received, r => r.FaultStatus == 401);
        Assert.Equal(2, services.Telegram.Received.Count(r => r.FaultStatus is 400 or 401));
        var text = printed.ToString();
        Assert.Contains("***", text, StringComparison.Ordinal);
        foreach (var secret in Secrets)
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"'{secret}' was printed:\n{text}");

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var stateFiles = Directory.GetFiles(Path.GetDirectoryName(sandbox.StatePath)!);
        Assert.NotEmpty(stateFiles);
        foreach (var file in stateFiles)
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var secret in Secrets)
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"'{secret}' is stored in {file}");
        }
    }
}
