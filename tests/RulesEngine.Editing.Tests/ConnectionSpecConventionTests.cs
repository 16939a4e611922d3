using System.Reflection;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using RulesEngine.Cli;
using RulesEngine.Core.Connections;
using RulesEngine.Core.Schema;
using RulesEngine.Editing.Tests.Support;

namespace RulesEngine.Editing.Tests;

/// <summary>Conventions every connection type of this program keeps, checked over the registry the program uses.</summary>
public sealed class ConnectionSpecConventionTests
{
    [Fact]
    public void EveryConnectionTypeAStepNeeds_IsRegisteredWithASpec()
    {
        var registry = Composition.Registry();
        var needed = registry.Receivers.Concat(registry.Sources).Select(s => s.ConnectionType).OfType<string>().Distinct();

        Assert.Empty(needed.Except(registry.Connections.Select(c => c.Type)));
        Assert.Equal(registry.ConnectionTypes, registry.Connections.Select(c => c.Type));
    }

    [Fact]
    public void EverySetting_HasADescriptionAndAnExampleOfItsKind()
    {
        foreach (var spec in Composition.Registry().Connections)
        {
            Assert.False(string.IsNullOrWhiteSpace(spec.Summary), $"{spec.Type} has no summary");
            Assert.Equal(spec.Fields.Count, spec.Fields.Select(f => f.Name).Distinct().Count());
            foreach (var field in spec.Fields)
            {
                var where = $"{spec.Type}.{field.Name}";
                Assert.False(string.IsNullOrWhiteSpace(field.Description), $"{where} has no description");
                Assert.False(string.IsNullOrWhiteSpace(field.Example), $"{where} has no example");
                Assert.DoesNotContain(field.Name, ConnectionSpec.CommonFields);
                if (field.IsText)
                {
                    Assert.True(field.Kind != SettingKind.Url || Uri.IsWellFormedUriString(field.Example, UriKind.Absolute), $"{where}: example is not a URL");
                    Assert.True(field.Kind != SettingKind.Choice || field.AllowedValues.Contains(field.Example), $"{where}: example is not allowed");
                    Assert.True(field.Kind != SettingKind.Secret || SecretReference.HasReference(field.Example),
                        $"{where}: a secret's example must show a ${{env:}} or ${{file:}} reference, never a literal secret");
                    continue;
                }
                var example = JToken.Parse(field.Example).Value<double>();
                Assert.True(field.Minimum is not null && field.Maximum is not null, $"{where}: a number needs a range");
                Assert.InRange(example, field.Minimum!.Value, field.Maximum!.Value);
                if (field.Default is { } value) Assert.InRange(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), field.Minimum!.Value, field.Maximum!.Value);
            }
            foreach (var name in spec.ExactlyOneOf.Concat(spec.AllOrNone).SelectMany(g => g))
                Assert.True(spec.Field(name) is not null, $"{spec.Type}: a rule names \"{name}\", which is not a setting");
        }
    }

    [Fact]
    public void EveryConnectionErrorCode_IsUniqueInOneRange_AndDocumented()
    {
        var constants = typeof(ConnectionErrors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        var documented = File.ReadAllText(Repo.ReceiversDoc);

        Assert.Equal(constants.Count, constants.Distinct().Count());
        Assert.Equal(constants.Order(), ConnectionErrors.All.Select(e => e.Code).Order());
        Assert.All(constants.Where(c => c != ConnectionErrors.InvalidJson), c => Assert.Matches("^RE03[0-9]{2}$", c));
        foreach (var (code, meaning) in ConnectionErrors.All)
            Assert.Contains($"| `{code}` | {meaning} |", documented, StringComparison.Ordinal);
    }

    [Fact]
    public void ConnectorSources_UseNoErrorCodesOfTheirOwn_ForConnections()
    {
        var connectors = Path.Combine(Repo.Root, "src", "RulesEngine.Connectors");
        var files = Directory.EnumerateFiles(connectors, "*Connection*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(connectors, "*Options.cs", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(connectors, "*Connector.cs", SearchOption.AllDirectories));

        foreach (var file in files)
            Assert.DoesNotMatch(new Regex("\"(RE|EM|HC)[0-9]{4}\""), File.ReadAllText(file));
    }

    [Fact]
    public async Task DocsTables_AreWhatListMarkdownGenerates()
    {
        var generated = (await CliRun.RunAsync("list", "--markdown")).Output.ReplaceLineEndings("\n");
        var doc = (await File.ReadAllTextAsync(Repo.ReceiversDoc)).ReplaceLineEndings("\n");
        var begin = doc.IndexOf(ConnectionTables.Begin, StringComparison.Ordinal);
        var end = doc.IndexOf(ConnectionTables.End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"docs/receivers.md lost its markers:\n{ConnectionTables.Begin}\n{ConnectionTables.End}");
        var committed = doc[(begin + ConnectionTables.Begin.Length + 1)..end];

        if (committed != generated && Environment.GetEnvironmentVariable("RULESENGINE_UPDATE_DOCS") == "1")
        {
            await File.WriteAllTextAsync(Repo.ReceiversDoc, doc[..(begin + ConnectionTables.Begin.Length + 1)] + generated + doc[end..]);
            return;
        }
        Assert.True(committed == generated,
            "the connection tables in docs/receivers.md are out of date with the specs; regenerate them from the repository root:\n" +
            "  RULESENGINE_UPDATE_DOCS=1 dotnet test tests/RulesEngine.Editing.Tests --filter DocsTables");
    }
}
