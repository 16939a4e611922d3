using System.CommandLine;
using System.Reflection;
using Newtonsoft.Json.Linq;
using RulesEngine.Cli.CommandLine;
using RulesEngine.Cli.Demo;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;

namespace RulesEngine.Cli.Commands;

internal static class DemoCommand
{
    private static readonly Option<string> Keep = CommonOptions.Value("--keep", "DIR",
        "keep the demo's files (connections, flow, state) in DIR instead of a temporary folder");

    private static readonly Option<int?> Rows = CommonOptions.Number("--rows", "N",
        "add N more generated rows (half of them existing contacts) to measure throughput");

    private static readonly Option<bool> Unpaced = CommonOptions.Flag("--unpaced",
        "switch off the connections' pacing (HelpCrunch allows 120 requests a minute), to measure the engine rather than the service's limit");

    public static VerbCommand Create() => new("demo", "run the canonical flow against built-in emulators of the three services")
    {
        Details = """
            Starts emulators of Google Sheets, HelpCrunch and Telegram on 127.0.0.1, seeds a sheet and a contact so that
            all three paths of the canonical flow (rules/helpcrunch-contacts.json) occur, runs the flow against them and
            prints what happened, the Telegram alert included. Then adds a row and runs again, to show that only the new
            row is processed. Nothing leaves this machine.
              row 2: the contact exists            -> update succeeds
              row 3: no such contact               -> update fails, create succeeds
              row 4: locale 'xx' is not ISO 639-1  -> update and create fail, a Telegram alert is sent
            """,
        Examples = ["rulesengine demo"],
        ExitCodes = new Dictionary<ExitCode, string>
        {
            [ExitCode.Ok] = "when both runs completed",
            [ExitCode.Failed] = "when the canonical flow does not load",
            [ExitCode.Unavailable] = "when a run could not read the emulated sheet",
        },
        Handler = RunAsync,
        Options = { Keep, Rows, Unpaced },
    };

    private const string SpreadsheetId = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789demo";
    private const string Sheet = "Contacts";

    private static async Task<ExitCode> RunAsync(ParseResult parse, Console console, CancellationToken cancellationToken)
    {
        var keep = parse.GetValue(Keep);
        var directory = keep ?? Path.Combine(Path.GetTempPath(), "rulesengine-demo-" + Guid.NewGuid().ToString("N")[..8]);
        await using var services = await EmulatedServices.StartAsync(directory, paced: !parse.GetValue(Unpaced));
        try
        {
            Seed(services, parse.GetValue(Rows) ?? 0);
            var flowPath = Path.Combine(directory, "helpcrunch-contacts.json");
            await File.WriteAllTextAsync(flowPath, CanonicalFlow(), cancellationToken);
            console.Out($"emulators: Google Sheets {services.Sheets.BaseUrl}, HelpCrunch {services.HelpCrunch.BaseUrl}, Telegram {services.Telegram.BaseUrl}");
            console.Out($"flow: rules/helpcrunch-contacts.json (copy in {flowPath}); connections: {services.ConnectionsPath}");
            console.Out("");

            var flow = FlowSession.LoadOne(flowPath, services.ConnectionsPath, console);
            if (flow is null) return ExitCode.Failed;
            using var store = new SqliteStateStore(Path.Combine(directory, "state.db"));
            var runner = new FlowRunner(store);

            var first = await runner.RunAsync(flow, cancellationToken);
            if (first.Rows > 20)
            {
                console.Out($"run {first.RunId}: {first.Rows} rows in {first.Elapsed.TotalSeconds:0.00} s = {first.Rows / first.Elapsed.TotalSeconds:0.0} rows/s " +
                    $"({first.NeedsPerson} need a person, {first.HandledFailures} with failures the flow handled, {first.Held} held)");
            }
            else
            {
                ReportPrinter.PrintRun(first, console);
                PrintTelegram(services, console);
            }

            console.Out("");
            console.Out("a new row is added to the sheet; the second run processes only that row:");
            services.Sheets.AppendRow(SpreadsheetId, Sheet, "dana@example.com", "Dana Scully", "+12025550199", "FBI", "en");
            var second = await runner.RunAsync(flow, cancellationToken);
            ReportPrinter.PrintRun(second, console);

            console.Out("");
            console.Out("HelpCrunch contacts now:");
            foreach (var contact in services.HelpCrunch.Contacts)
                console.Out($"  #{contact["id"]} {contact["email"]} {contact["name"]} locale={contact["locale"]} company={contact["company"]}");
            return first.Status == RunStatus.Completed && second.Status == RunStatus.Completed ? ExitCode.Ok : ExitCode.Unavailable;
        }
        finally
        {
            if (keep is null)
            {
                try { Directory.Delete(directory, recursive: true); }
                catch (IOException) { /* a scratch folder left behind is harmless */ }
            }
        }
    }

    private static void Seed(EmulatedServices services, int extraRows)
    {
        services.Sheets.AddSheet(SpreadsheetId, Sheet,
        [
            ["Email", "Name", "Phone", "Company", "Locale"],
            ["anna@example.com", "Anna Kovalenko", "+380501112233", "Acme", "uk"],
            ["ben@example.com", "Ben Carter", "+14155550101", "Globex", "en"],
            ["chloe@example.com", "Chloe Martin", "+33612345678", "Initech", "xx"],
        ]);
        services.HelpCrunch.AddContact(new JObject { ["email"] = "anna@example.com", ["name"] = "Anna K.", ["locale"] = "en" });
        for (var i = 0; i < extraRows; i++)
        {
            var email = $"user{i}@example.com";
            if (i % 2 == 0) services.HelpCrunch.AddContact(new JObject { ["email"] = email });
            services.Sheets.AppendRow(SpreadsheetId, Sheet, email, $"User {i}", $"+1202555{i % 10000:0000}", "Example", "en");
        }
    }

    private static void PrintTelegram(EmulatedServices services, Console console)
    {
        foreach (var message in services.Telegram.SentMessages)
        {
            console.Out($"  telegram message to {message.ChatId}:");
            foreach (var line in message.Text.Split('\n')) console.Out("    | " + line);
        }
    }

    /// <summary>The shipped canonical flow, embedded at build time so the demo works from any folder.</summary>
    private static string CanonicalFlow()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("helpcrunch-contacts.json")
            ?? throw new InvalidOperationException("the canonical flow is not embedded in this build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
