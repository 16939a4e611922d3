using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.GoogleSheets.Emulator;
using RulesEngine.Connectors.HelpCrunch.Emulator;
using RulesEngine.Connectors.Telegram.Emulator;

namespace RulesEngine.Cli.Demo;

/// <summary>
/// The three services on loopback, plus a connections file pointing at them, in the exact shape users write
/// (secrets through <c>${env:...}</c>). Used by <c>demo</c> and by the end-to-end tests.
/// </summary>
public sealed class EmulatedServices : IAsyncDisposable
{
    public const string GoogleApiKey = "AIza-emulated-google-key-0001";
    public const string HelpCrunchApiKey = "hc-emulated-api-key-0001";

    private EmulatedServices(GoogleSheetsEmulator sheets, HelpCrunchEmulator helpCrunch, TelegramEmulator telegram, string directory)
    {
        Sheets = sheets;
        HelpCrunch = helpCrunch;
        Telegram = telegram;
        Directory = directory;
    }

    public GoogleSheetsEmulator Sheets { get; }
    public HelpCrunchEmulator HelpCrunch { get; }
    public TelegramEmulator Telegram { get; }

    /// <summary>A scratch folder holding the connections file (and whatever else the caller puts there).</summary>
    public string Directory { get; }

    public string ConnectionsPath => Path.Combine(Directory, "connections.json");

    /// <param name="paced">False switches off every connection's pacing (for measuring the engine itself).</param>
    public static async Task<EmulatedServices> StartAsync(string directory, bool paced = true)
    {
        System.IO.Directory.CreateDirectory(directory);
        var sheets = await GoogleSheetsEmulator.StartAsync();
        var helpCrunch = await HelpCrunchEmulator.StartAsync(HelpCrunchApiKey);
        var telegram = await TelegramEmulator.StartAsync();
        sheets.AddApiKey(GoogleApiKey);

        Environment.SetEnvironmentVariable("GOOGLE_API_KEY", GoogleApiKey);
        Environment.SetEnvironmentVariable("HELPCRUNCH_API_KEY", HelpCrunchApiKey);
        Environment.SetEnvironmentVariable("TELEGRAM_BOT_TOKEN", TelegramEmulator.DefaultToken);
        var connections = new JObject
        {
            ["google"] = new JObject { ["type"] = "googleSheets", ["apiKey"] = "${env:GOOGLE_API_KEY}", ["baseUrl"] = sheets.BaseUrl },
            ["helpcrunch"] = new JObject { ["type"] = "helpCrunch", ["apiKey"] = "${env:HELPCRUNCH_API_KEY}", ["baseUrl"] = helpCrunch.BaseUrl },
            ["telegram"] = new JObject { ["type"] = "telegram", ["botToken"] = "${env:TELEGRAM_BOT_TOKEN}", ["baseUrl"] = telegram.BaseUrl },
        };
        if (!paced)
        {
            connections["google"]!["readsPerMinute"] = 100_000;
            connections["helpcrunch"]!["requestsPerMinute"] = 0;
            connections["telegram"]!["perChatIntervalSeconds"] = 0;
            connections["telegram"]!["messagesPerSecond"] = 1000;
        }
        var services = new EmulatedServices(sheets, helpCrunch, telegram, directory);
        await File.WriteAllTextAsync(services.ConnectionsPath, connections.ToString());
        return services;
    }

    public async ValueTask DisposeAsync()
    {
        await Sheets.DisposeAsync();
        await HelpCrunch.DisposeAsync();
        await Telegram.DisposeAsync();
    }
}
