using System.Net;
using Newtonsoft.Json.Linq;
using RulesEngine.Cli.Demo;

namespace RulesEngine.WebConsole.Tests.Support;

/// <summary>
/// A scratch folder with the emulated services, a rules folder holding the shipped canonical flow and a state file,
/// and a real <c>rulesengine serve</c> on them with its console on a free loopback port.
/// </summary>
internal sealed class ConsoleBed : IAsyncDisposable
{
    public const string Spreadsheet = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789demo";
    public const string Sheet = "Contacts";
    public const string CanonicalFlow = "helpcrunch-contacts";
    public static readonly string[] Header = ["Email", "Name", "Phone", "Company", "Locale"];

    private ServeProcess? _daemon;
    private readonly List<HttpClient> _clients = [];

    private ConsoleBed(string directory, EmulatedServices services)
    {
        Directory = directory;
        Services = services;
    }

    public string Directory { get; }
    public EmulatedServices Services { get; }
    public string Rules => Path.Combine(Directory, "rules");
    public string State => Path.Combine(Directory, "state.db");
    public ServeProcess Daemon => _daemon ?? throw new InvalidOperationException("serve has not started");
    public string Url { get; private set; } = "";

    /// <summary>Emulators with the canonical sheet (header only) and the canonical flow in the rules folder, whose
    /// interval is <paramref name="interval"/>.</summary>
    public static async Task<ConsoleBed> CreateAsync(string name, string interval = "01:00:00")
    {
        var directory = Path.Combine(Path.GetTempPath(), $"re-console-{name}-" + Guid.NewGuid().ToString("N")[..8]);
        var bed = new ConsoleBed(directory, await EmulatedServices.StartAsync(directory));
        System.IO.Directory.CreateDirectory(bed.Rules);
        bed.Services.Sheets.AddSheet(Spreadsheet, Sheet, [Header]);
        await bed.WriteCanonicalFlowAsync(interval);
        return bed;
    }

    /// <summary>The shipped canonical flow, with another interval.</summary>
    public async Task WriteCanonicalFlowAsync(string interval, string? fileName = null, string? flowName = null, string? sheet = null)
    {
        await using var resource = typeof(EmulatedServices).Assembly.GetManifestResourceStream("helpcrunch-contacts.json")!;
        var flow = JObject.Parse(await new StreamReader(resource).ReadToEndAsync());
        flow["triggers"] = new JObject { ["interval"] = interval };
        if (flowName is not null) flow["name"] = flowName;
        if (sheet is not null) flow["source"]!["sheet"] = sheet;
        flow.Remove("$schema");
        await File.WriteAllTextAsync(Path.Combine(Rules, fileName ?? CanonicalFlow + ".json"), flow.ToString());
    }

    /// <summary>Gives the Telegram connection a single attempt, so an unreachable Telegram holds a row at once.</summary>
    public async Task TelegramTriesOnceAsync()
    {
        var connections = JObject.Parse(await File.ReadAllTextAsync(Services.ConnectionsPath));
        connections["telegram"]!["maxAttempts"] = 1;
        await File.WriteAllTextAsync(Services.ConnectionsPath, connections.ToString());
    }

    /// <summary>
    /// A row whose alert may have been sent after the first run (held), and whose delivery is unknown after the next:
    /// the canonical flow's alert sends at most once, and Telegram answers its send with a 200 that is not the Bot
    /// API's answer (as a proxy might), so the client cannot know whether the message went out. No timeout is
    /// involved, so nothing depends on how loaded the machine is. The row's update and create both refuse its locale,
    /// so the alert is its only way out. The next run marks the alert "delivery unknown" instead of sending it again.
    /// </summary>
    public async Task AlertWithUnknownDeliveryAsync(string email)
    {
        var path = Path.Combine(Rules, CanonicalFlow + ".json");
        var flow = JObject.Parse(await File.ReadAllTextAsync(path));
        var alert = flow.SelectTokens("$..[?(@.id == 'alert')]").OfType<JObject>().Single();
        alert["delivery"] = "atMostOnce";
        await File.WriteAllTextAsync(path, flow.ToString());
        Services.Telegram.Faults.FailNext(Emulation.Fault.Answer("{\"ok\":true}"), "sendMessage");
        AddRow(email, "Chloe Martin", "+33612345678", "Initech", "xx");
    }

    /// <summary>Sets one setting of the Telegram connection.</summary>
    public async Task SetTelegramAsync(string key, JToken value)
    {
        var connections = JObject.Parse(await File.ReadAllTextAsync(Services.ConnectionsPath));
        connections["telegram"]![key] = value;
        await File.WriteAllTextAsync(Services.ConnectionsPath, connections.ToString());
    }

    public void AddRow(params string[] cells) => Services.Sheets.AppendRow(Spreadsheet, Sheet, cells);

    /// <summary>Starts serve with the console on 127.0.0.1 (a free port), with or without a token.</summary>
    public async Task StartServeAsync(string? token = null, params string[] extra)
    {
        _daemon = ServeProcess.Start(new Dictionary<string, string?> { [ConsoleSettings.TokenVariable] = token },
            ["serve", "--rules", Rules, "--connections", Services.ConnectionsPath, "--state", State, "--create-state",
             "--listen", "http://127.0.0.1:0", "--stop-timeout", "20", .. extra]);
        Url = await _daemon.ConsoleUrlAsync();
    }

    /// <summary>A client that follows no redirect and keeps no cookie unless given a container.</summary>
    public HttpClient Client(CookieContainer? cookies = null)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = cookies is not null, CookieContainer = cookies ?? new CookieContainer() })
        {
            BaseAddress = new Uri(Url),
            Timeout = ServeProcess.Patience,
        };
        _clients.Add(client);
        return client;
    }

    /// <summary>The state file as the CLI reads it (a second connection; WAL lets it read while serve writes).</summary>
    public T ReadState<T>(Func<Core.State.SqliteStateStore, T> read)
    {
        using var store = new Core.State.SqliteStateStore(State);
        return read(store);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) client.Dispose();
        _daemon?.Dispose();
        await Services.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { /* scratch */ }
    }
}
