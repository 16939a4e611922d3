using Newtonsoft.Json.Linq;
using RulesEngine.Connectors.Email.Emulator;
using RulesEngine.Connectors.GoogleSheets.Emulator;
using RulesEngine.Connectors.HelpCrunch.Emulator;
using RulesEngine.Connectors.Telegram.Emulator;

namespace RulesEngine.Cli.Demo;

/// <summary>
/// Every service of the shipped connections file on loopback (Google Sheets read with an API key and written with
/// a service account, HelpCrunch, Telegram, SMTP), plus a connections file pointing at them in the exact shape
/// users write (secrets through <c>${env:...}</c>). Used by <c>demo</c> and by the end-to-end tests.
/// </summary>
internal sealed class EmulatedServices : IAsyncDisposable
{
    public const string GoogleApiKey = "AIza-emulated-google-key-0001";
    public const string HelpCrunchApiKey = "hc-emulated-api-key-0001";
    public const string SmtpUser = "alerts@example.com";
    public const string SmtpPassword = "smtp-emulated-password-0001";

    private EmulatedServices(GoogleSheetsEmulator sheets, HelpCrunchEmulator helpCrunch, TelegramEmulator telegram, SmtpEmulator smtp, string directory)
    {
        Smtp = smtp;
        Sheets = sheets;
        HelpCrunch = helpCrunch;
        Telegram = telegram;
        Directory = directory;
    }

    public GoogleSheetsEmulator Sheets { get; }
    public HelpCrunchEmulator HelpCrunch { get; }
    public TelegramEmulator Telegram { get; }
    public SmtpEmulator Smtp { get; }

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
        var smtp = SmtpEmulator.Start(SmtpUser, SmtpPassword);
        sheets.AddApiKey(GoogleApiKey);
        var serviceAccountKey = sheets.WriteServiceAccountKey(directory);

        Environment.SetEnvironmentVariable("GOOGLE_API_KEY", GoogleApiKey);
        Environment.SetEnvironmentVariable("HELPCRUNCH_API_KEY", HelpCrunchApiKey);
        Environment.SetEnvironmentVariable("TELEGRAM_BOT_TOKEN", TelegramEmulator.DefaultToken);
        Environment.SetEnvironmentVariable("GOOGLE_SERVICE_ACCOUNT_KEY_FILE", serviceAccountKey);
        Environment.SetEnvironmentVariable("SMTP_PASSWORD", SmtpPassword);
        var connections = new JObject
        {
            ["google"] = new JObject { ["type"] = "googleSheets", ["apiKey"] = "${env:GOOGLE_API_KEY}", ["baseUrl"] = sheets.BaseUrl },
            ["helpcrunch"] = new JObject { ["type"] = "helpCrunch", ["apiKey"] = "${env:HELPCRUNCH_API_KEY}", ["baseUrl"] = helpCrunch.BaseUrl },
            ["telegram"] = new JObject { ["type"] = "telegram", ["botToken"] = "${env:TELEGRAM_BOT_TOKEN}", ["baseUrl"] = telegram.BaseUrl },
            ["googleWriter"] = new JObject { ["type"] = "googleSheets", ["serviceAccountKeyFile"] = "${env:GOOGLE_SERVICE_ACCOUNT_KEY_FILE}", ["baseUrl"] = sheets.BaseUrl },
            ["email"] = new JObject
            {
                ["type"] = "email", ["host"] = smtp.Host, ["port"] = smtp.Port, ["security"] = "none",
                ["username"] = SmtpUser, ["password"] = "${env:SMTP_PASSWORD}", ["from"] = "RulesEngine alerts <alerts@example.com>",
            },
        };
        if (!paced)
        {
            connections["google"]!["readsPerMinute"] = 100_000;
            connections["helpcrunch"]!["requestsPerMinute"] = 0;
            connections["telegram"]!["perChatIntervalSeconds"] = 0;
            connections["telegram"]!["messagesPerSecond"] = 1000;
        }
        var services = new EmulatedServices(sheets, helpCrunch, telegram, smtp, directory);
        await File.WriteAllTextAsync(services.ConnectionsPath, connections.ToString());
        return services;
    }

    public async ValueTask DisposeAsync()
    {
        await Sheets.DisposeAsync();
        await HelpCrunch.DisposeAsync();
        await Telegram.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}
