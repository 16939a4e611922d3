using System.CommandLine;
using System.Reflection;
using System.Text.RegularExpressions;
using RulesEngine.Cli.CommandLine;
using RulesEngine.Cli.Tests.Support;

namespace RulesEngine.Cli.Tests;

/// <summary>
/// Issue 12 item 6: the command line is declared once (System.CommandLine), and help, the "unknown option" message,
/// completion and the exit codes are generated from that declaration, so none of them can drift from what a verb
/// really takes or returns.
/// </summary>
[Collection(ProcessWideState.Name)]
public sealed partial class CommandLineTests
{
    /// <summary>Every verb that does something, with its path ("connections test").</summary>
    public static TheoryData<string> Verbs()
    {
        var data = new TheoryData<string>();
        foreach (var verb in AllVerbs()) data.Add(verb.Path);
        return data;
    }

    private static IEnumerable<VerbCommand> AllVerbs() =>
        CliApp.Commands.Subcommands.OfType<VerbCommand>()
            .SelectMany(v => v.Handler is null ? v.Subcommands.OfType<VerbCommand>() : [v]);

    private static VerbCommand Verb(string path) => AllVerbs().Single(v => v.Path == path);

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Help_OfEveryVerb_ShowsEachDeclaredOption_ItsExitCodes_AndItsExamples(string path)
    {
        var verb = Verb(path);

        var help = await CliResult.RunAsync([.. path.Split(' '), "--help"]);

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains(verb.Description!, help.Output, StringComparison.Ordinal);
        foreach (var option in verb.Options) Assert.Contains(option.Name, help.Output, StringComparison.Ordinal);
        foreach (var (code, meaning) in HelpText.CodesOf(verb)) Assert.Contains($"\n  {(int)code} {meaning}", help.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        foreach (var example in verb.Examples) Assert.Contains(example, help.Output, StringComparison.Ordinal);
        Assert.NotEmpty(verb.Examples);
        Assert.Contains(ExitCode.Ok, verb.ExitCodes.Keys);
    }

    [Fact]
    public async Task Help_KeepsTheVerbsExplanation_AboveTheGeneratedUsage()
    {
        var help = await CliResult.RunAsync("replay", "--help");

        var explanation = help.Output.IndexOf("Rows are the", StringComparison.Ordinal);
        var usage = help.Output.IndexOf("Usage:", StringComparison.Ordinal);
        Assert.True(explanation > 0 && usage > explanation, help.ToString());
        Assert.Contains("rulesengine replay rules/helpcrunch-contacts.json --run 20261125-101500-a1b2c3 --row 7 --force", help.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpVerb_IsTheVerbsHelp()
    {
        var viaHelp = await CliResult.RunAsync("help", "sample");
        var viaFlag = await CliResult.RunAsync("sample", "-h");

        Assert.True(viaHelp.ExitCode == 0, viaHelp.ToString());
        Assert.Equal(viaFlag.Output, viaHelp.Output);
    }

    [Fact]
    public async Task UnknownOption_NamesItAndEveryOptionOfThatVerb_Exits64()
    {
        var result = await CliResult.RunAsync("replay", Repo.CanonicalFlow, "--rwo", "3");

        Assert.True(result.ExitCode == 64, result.ToString());
        Assert.Contains("replay: unknown option --rwo; this verb takes: --run, --row, --failed, --force, --wait, --fail-on-open, --connections, --state",
            result.Errors, StringComparison.Ordinal);
        Assert.Contains("see 'rulesengine replay --help'", result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOptionWithAValue_WrittenWithEquals_IsTheSameOption()
    {
        var state = Path.Combine(Path.GetTempPath(), "rulesengine-cli-tests-" + Guid.NewGuid().ToString("N")[..10] + ".db");

        var result = await CliResult.RunAsync("history", $"--state={state}");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains($"no state file at {state}", result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnArgumentStartingWithAt_IsAPlainArgument_NotAResponseFile()
    {
        // System.CommandLine would read "@name" as a file of more arguments; here it stays a flow path, as it always was.
        var result = await CliResult.RunAsync("validate", "@no-such-flow.json", "--connections", Path.Combine(Repo.Root, "connections.json"));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("@no-such-flow.json", result.All, StringComparison.Ordinal);
        Assert.DoesNotContain("esponse file", result.All, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "run" }, "run: missing <flow.json>: the flow file")]
    [InlineData(new[] { "run", "a.json", "b.json" }, "run: unexpected argument 'b.json'")]
    [InlineData(new[] { "test", "a.json", "--row", "five" }, "test: --row must be a number, not 'five'")]
    [InlineData(new[] { "test", "a.json", "--row" }, "test: --row needs a value")]
    [InlineData(new[] { "connections" }, "connections: say what to do: 'rulesengine connections test ...'")]
    [InlineData(new[] { "completion", "fish" }, "completion: ")]
    [InlineData(new[] { "--bogus" }, "unknown option --bogus")]
    public async Task AWrongCommandLine_Exits64_WithAMessageNamingTheProblem(string[] args, string message)
    {
        var result = await CliResult.RunAsync(args);

        Assert.True(result.ExitCode == 64, result.ToString());
        Assert.Contains(message, result.Errors, StringComparison.Ordinal);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task Version_PrintsTheProgramsVersion_ExitsZero()
    {
        var expected = typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        var result = await CliResult.RunAsync("--version");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expected, result.Output.Trim());
    }

    [Theory]
    [InlineData("rulesengine re", "replay")]
    [InlineData("rulesengine run --fa", "--fail-on-open")]
    [InlineData("rulesengine connections t", "test")]
    [InlineData("rulesengine completion ", "pwsh")]
    public async Task Completion_AsksTheDeclaredTree_ForVerbsOptionsAndValues(string line, string expected)
    {
        var result = await CliResult.RunAsync($"[suggest:{line.Length}]", line);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(expected, result.Output.ReplaceLineEndings("\n").Split('\n'));
    }

    [Theory]
    [InlineData("bash", "complete -o default -F _rulesengine_complete rulesengine")]
    [InlineData("zsh", "compdef _rulesengine_complete rulesengine")]
    [InlineData("pwsh", "Register-ArgumentCompleter -Native -CommandName rulesengine")]
    public async Task CompletionScript_ForEachShell_AsksTheProgramThroughTheSuggestDirective(string shell, string registration)
    {
        var result = await CliResult.RunAsync("completion", shell);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(registration, result.Output, StringComparison.Ordinal);
        Assert.Contains("rulesengine \"[suggest:", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overview_ListsEveryExitCodeOfTheEnum()
    {
        var result = await CliResult.RunAsync();

        foreach (var code in ExitCodes.All) Assert.Contains($"{(int)code} {ExitCodes.Meaning(code)}", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void ExitCodes_TheReadmesTable_IsTheEnum()
    {
        var readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md")).ReplaceLineEndings("\n");

        Assert.True(readme.Contains(ExitCodes.MarkdownTable(), StringComparison.Ordinal),
            "README.md's exit-code table differs from ExitCode/ExitCodes.cs; paste this table:\n" + ExitCodes.MarkdownTable());
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void ExitCodes_TheReadmesRowOfEachVerb_NamesEveryCodeTheVerbDeclares(string path)
    {
        var readme = File.ReadAllLines(Path.Combine(Repo.Root, "README.md"));
        var row = readme.FirstOrDefault(l => l.StartsWith($"| `{path}", StringComparison.Ordinal) && l.Count(c => c == '|') >= 4)
            ?? throw new Xunit.Sdk.XunitException($"README.md's verb table has no row starting with | `{path}");
        var codesColumn = row.TrimEnd().TrimEnd('|').Split(" | ")[^1];
        var named = CodeNumber().Matches(codesColumn).Select(m => int.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();

        var declared = Verb(path).ExitCodes.Keys.Select(c => (int)c).ToHashSet();

        Assert.True(declared.SetEquals(named.Except(ExitCodes.Common.Select(c => (int)c).Except(declared))),
            $"README row of '{path}' names codes [{string.Join(", ", named.Order())}], the verb declares [{string.Join(", ", declared.Order())}]: {row}");
    }

    /// <summary>Each verb's source returns only codes it declares (and so its help and the README list): a verb that
    /// starts returning a new code must say so.</summary>
    [Theory]
    [MemberData(nameof(Verbs))]
    public void ExitCodes_EachVerbsSource_ReturnsOnlyCodesItDeclares(string path)
    {
        var verb = Verb(path);
        var type = verb.Handler!.Method.DeclaringType!;
        while (type.DeclaringType is not null) type = type.DeclaringType; // a lambda's closure class
        var source = File.ReadAllText(Path.Combine(Repo.Root, "src", "RulesEngine.Cli", "Commands", type.Name + ".cs"));

        var used = UsedCode().Matches(source).Select(m => Enum.Parse<ExitCode>(m.Groups[1].Value)).ToHashSet();

        var allowed = verb.ExitCodes.Keys.Concat(ExitCodes.Common).ToHashSet();
        Assert.True(used.IsSubsetOf(allowed), $"{type.Name} returns [{string.Join(", ", used.Except(allowed))}] without declaring it in its ExitCodes");
    }

    [Fact]
    public void EveryOption_IsDeclaredWithADescription_AndEveryValueOptionNamesItsValue()
    {
        foreach (var verb in AllVerbs())
        {
            foreach (var option in verb.Options)
            {
                Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{verb.Path} {option.Name} has no description");
                if (option.Arity.MaximumNumberOfValues > 0) Assert.False(string.IsNullOrEmpty(option.HelpName), $"{verb.Path} {option.Name} does not name its value");
            }
            Assert.Equal(verb.Options.Count, verb.Options.Select(o => o.Name).Distinct(StringComparer.Ordinal).Count());
        }
    }

    [GeneratedRegex(@"(?<![\w-])\d{1,3}(?![\w-])")]
    private static partial Regex CodeNumber();

    [GeneratedRegex(@"ExitCode\.(\w+)")]
    private static partial Regex UsedCode();
}
