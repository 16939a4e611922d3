using RulesEngine.Cli.Demo;

namespace RulesEngine.Editing.Tests.Support;

/// <summary>The emulated services in a scratch folder, seeded with the canonical flow's sheet.</summary>
internal sealed class Emulators : IAsyncDisposable
{
    public const string Sheet = "Contacts";

    private readonly Scratch _scratch;

    private Emulators(Scratch scratch, EmulatedServices services)
    {
        _scratch = scratch;
        Services = services;
    }

    public EmulatedServices Services { get; }

    public string Connections => Services.ConnectionsPath;

    public string File(string name) => _scratch.File(name);

    public string Folder => _scratch.Path;

    public static async Task<Emulators> StartAsync()
    {
        var scratch = new Scratch();
        var services = await EmulatedServices.StartAsync(scratch.Path);
        services.Sheets.AddSheet(FlowCases.SpreadsheetId, Sheet,
        [
            ["Email", "Name", "Phone", "Company", "Locale"],
            ["anna@example.com", "Anna Kovalenko", "+380501112233", "Acme", "uk"],
            ["ben@example.com", "Ben Carter", "+14155550101", "Globex", "en"],
            ["chloe@example.com", "Chloe Martin", "+33612345678", "Initech", "xx"],
        ]);
        return new Emulators(scratch, services);
    }

    /// <summary>Writes a flow file into the scratch folder and returns its path.</summary>
    public string WriteFlow(string name, string json)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, json);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        _scratch.Dispose();
    }
}
