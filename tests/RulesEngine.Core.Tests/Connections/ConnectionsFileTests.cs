using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;

namespace RulesEngine.Core.Tests.Connections;

/// <summary>
/// The hostile connections corpus: each entry is written into a real connections file and must be refused with its
/// code at the exact place (line and column of the offending key or value), once, without reading anything unbounded.
/// </summary>
public sealed class ConnectionsFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("connections-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A probe entry with <paramref name="settings"/> on a line of its own, as a user would write it.</summary>
    private static string Entry(string settings) => $$"""
        {
          "p": {
            "type": "probe",
            "token": "probe-token-0001",
            {{settings}}
          }
        }
        """;

    private (ConnectionsFile File, List<Diagnostic> Diagnostics, string Text, string Path) Load(string text)
    {
        var path = Path.Combine(_dir, "connections.json");
        File.WriteAllText(path, text);
        var diagnostics = new List<Diagnostic>();
        var file = ConnectionsFile.Load(path, ProbeConnection.Registry(), diagnostics);
        return (file, diagnostics, text, path);
    }

    /// <summary>The 1-based line and column of the last occurrence of <paramref name="anchor"/>.</summary>
    private static (int Line, int Column) Place(string text, string anchor)
    {
        var index = text.LastIndexOf(anchor, StringComparison.Ordinal);
        Assert.True(index >= 0, $"anchor {anchor} not in the file");
        var line = text[..index].Count(c => c == '\n') + 1;
        var column = index - (text.LastIndexOf('\n', Math.Max(0, index - 1)) + 1) + 1;
        return (line, column);
    }

    public static TheoryData<string, string, string, string> StaticCorpus => new()
    {
        // name, settings line, expected code, where (the last occurrence of this text)
        { "unknown key", "\"tokn\": \"x\"", "RE0310", "\"tokn\"" },
        { "number as a string", "\"count\": \"3\"", "RE0311", "\"3\"" },
        { "negative number", "\"count\": -1", "RE0312", "-1" },
        { "fraction for a whole number", "\"count\": 2.5", "RE0312", "2.5" },
        { "huge whole number", "\"count\": 99999999999999999999999", "RE0312", "99999999999999999999999" },
        { "infinite number", "\"waitSeconds\": 1e999", "RE0312", "1e999" },
        { "huge duration", "\"waitSeconds\": 1e300", "RE0312", "1e300" },
        { "number above range", "\"ratio\": 1.5", "RE0312", "1.5" },
        { "boolean for a number", "\"ratio\": true", "RE0311", "true" },
        { "number for text", "\"note\": 12", "RE0311", "12" },
        { "null", "\"note\": null", "RE0311", "null" },
        { "list for text", "\"note\": [\"a\"]", "RE0311", "[" },
        { "env with no name", "\"password\": \"${env:}\", \"user\": \"u\"", "RE0315", "${env:}" },
        { "upper-case ENV", "\"password\": \"${ENV:PROBE_PASSWORD}\", \"user\": \"u\"", "RE0315", "${ENV:" },
        { "unterminated reference", "\"password\": \"${env:PROBE_PASSWORD\", \"user\": \"u\"", "RE0315", "${env:PROBE_PASSWORD\"" },
        { "variable name with a digit first", "\"note\": \"${env:1ABC}\"", "RE0315", "${env:1ABC}" },
        { "variable name with a dash", "\"note\": \"${env:MY-VAR}\"", "RE0315", "${env:MY-VAR}" },
        { "file with no path", "\"note\": \"${file:}\"", "RE0315", "${file:}" },
        { "unknown reference kind", "\"note\": \"${vault:secret/x}\"", "RE0315", "${vault:" },
        { "reference after text", "\"note\": \"abc ${env}\"", "RE0315", "${env}" },
        { "ftp URL", "\"url\": \"ftp://probe.example.com\"", "RE0314", "\"ftp:" },
        { "URL without a scheme", "\"url\": \"probe.example.com:8080\"", "RE0314", "\"probe.example.com:8080\"" },
        { "word not allowed", "\"mode\": \"eagr\"", "RE0313", "\"eagr\"" },
        { "duplicate key", "\"count\": 2, \"count\": 3", "RE0317", "\"count\"" },
        { "user without password", "\"user\": \"probe-user\"", "RE0318", "\"probe-user\"" },
        { "type misspelt", "\"comment\": \"x\" }, \"q\": { \"type\": \"prob\"", "RE0307", "\"prob\"" },
        { "type not text", "\"comment\": \"x\" }, \"q\": { \"type\": 7", "RE0311", "7" },
        { "connection not an object", "\"comment\": \"x\" }, \"q\": [1], \"r\": { \"type\": \"probe\", \"token\": \"t-000001\"", "RE0304", "[1]" },
        { "connection defined twice", "\"comment\": \"x\" }, \"p\": { \"type\": \"probe\", \"token\": \"t-000001\"", "RE0317", "\"p\"" },
    };

    [Theory]
    [MemberData(nameof(StaticCorpus))]
    public void Load_RefusesHostileEntry_AtItsPlace(string name, string settings, string code, string anchor)
    {
        var (_, diagnostics, text, path) = Load(Entry(settings));

        var (line, column) = Place(text, anchor);
        var expected = $"{path}({line},{column}): error {code}:";
        Assert.True(diagnostics.Count == 1 && diagnostics[0].ToString().StartsWith(expected, StringComparison.Ordinal),
            $"{name}: expected exactly one {expected}\n got:\n  {string.Join("\n  ", diagnostics)}");
    }

    [Fact]
    public void Load_SuggestsTheNearestKey_ForAnUnknownOne()
    {
        var (_, diagnostics, _, _) = Load(Entry("\"botTokn\": \"x\", \"waitSecond\": 3"));

        Assert.Equal(2, diagnostics.Count);
        Assert.Contains("no setting \"botTokn\"", diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Contains("(did you mean 'waitSeconds'?)", diagnostics[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ReportsAMissingRequiredSetting_AtTheEntry()
    {
        var text = "{\n  \"p\": { \"type\": \"probe\" }\n}";
        var (_, diagnostics, _, path) = Load(text);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal($"{path}(2,8): error RE0301", $"{diagnostic.File}({diagnostic.Line},{diagnostic.Column}): error {diagnostic.Code}");
        Assert.Contains("needs \"token\"", diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"token\": 123456789012")]
    [InlineData("\"token\": \"abc${def-secret-part\"")]
    public void Load_NeverShowsASecretSettingsValue(string token)
    {
        var (_, diagnostics, _, _) = Load("{ \"p\": { \"type\": \"probe\", " + token + " } }");

        var diagnostic = Assert.Single(diagnostics);
        Assert.DoesNotContain("123456789012", diagnostic.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("def-secret-part", diagnostic.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Get_ReportsEntryProblemsOnce_ForEveryStepThatUsesIt()
    {
        var (file, diagnostics, _, _) = Load(Entry("\"count\": \"3\""));
        var flowDiagnostics = new List<Diagnostic>();

        var first = file.Get("p", ProbeConnection.Type, new SourceLocation("flow.json", 5, 7), flowDiagnostics);
        var second = file.Get("p", ProbeConnection.Type, new SourceLocation("flow.json", 9, 7), flowDiagnostics);

        Assert.Null(first);
        Assert.Null(second);
        var reported = Assert.Single(flowDiagnostics);
        Assert.Equal(diagnostics.Single(), reported); // the connections file's own diagnostic, not one at the step
    }

    [Fact]
    public void Get_ReadsEveryKind_WithDefaults()
    {
        File.WriteAllText(Path.Combine(_dir, "key.json"), "{\"k\": 1}");
        var (file, diagnostics, _, _) = Load(Entry("\"keyFile\": \"key.json\", \"count\": 7, \"waitSeconds\": 0.25, \"mode\": \"EAGER\", \"comment\": \"ok\""));
        var flowDiagnostics = new List<Diagnostic>();

        var client = Assert.IsType<ProbeClient>(file.Get("p", ProbeConnection.Type, new SourceLocation("flow.json", 1, 1), flowDiagnostics));

        Assert.Empty(diagnostics);
        Assert.Empty(flowDiagnostics);
        Assert.Equal(new ProbeClient("probe-token-0001", "https://probe.example.com/v1", Path.Combine(_dir, "key.json"), "eager", 7, 0.5,
            TimeSpan.FromSeconds(0.25), null, null), client);
    }

    [Fact]
    public void Get_ResolvesSecrets_FromTheEnvironmentAndFiles_AndRegistersThem()
    {
        var variable = "PROBE_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "probe-env-secret-4711");
        File.WriteAllText(Path.Combine(_dir, "password.txt"), "probe-file-secret-0815\n");
        try
        {
            var (file, diagnostics, _, _) = Load($$"""{ "p": { "type": "probe", "token": "${env:{{variable}}}", "user": "u", "password": "${file:password.txt}" } }""");
            var flowDiagnostics = new List<Diagnostic>();

            var client = Assert.IsType<ProbeClient>(file.Get("p", ProbeConnection.Type, new SourceLocation("flow.json", 1, 1), flowDiagnostics));

            Assert.Empty(diagnostics.Concat(flowDiagnostics));
            Assert.Equal("probe-env-secret-4711", client.Token);
            Assert.Equal("token *** password ***", SecretRedactor.Redact("token probe-env-secret-4711 password probe-file-secret-0815"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public void Get_RegistersTheResolvedParts_ButNotTheLiteralTextAroundThem()
    {
        var variable = "PROBE_TOKEN_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "probe-part-secret-9182");
        try
        {
            var (file, _, _, _) = Load($$"""{ "p": { "type": "probe", "token": "Prefixliteral ${env:{{variable}}}" } }""");

            Assert.IsType<ProbeClient>(file.Get("p", ProbeConnection.Type, new SourceLocation("flow.json", 1, 1), []));

            Assert.Equal("Prefixliteral, then ***", SecretRedactor.Redact("Prefixliteral, then probe-part-secret-9182"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    public static TheoryData<string, string> UnusableFiles => new()
    {
        // name, the file (relative to the connections file, or absolute)
        { "a device that never ends", "/dev/zero" },
        { "a directory", "." },
        { "an empty file", "empty.txt" },
        { "a file over 64 KB", "huge.txt" },
    };

    [Theory]
    [MemberData(nameof(UnusableFiles))]
    public void Get_RefusesUnusableSecretAndKeyFiles_WithoutReadingThem(string name, string path)
    {
        File.WriteAllText(Path.Combine(_dir, "empty.txt"), "");
        File.WriteAllText(Path.Combine(_dir, "huge.txt"), new string('k', BoundedFile.MaxBytes + 1));
        foreach (var setting in new[] { "token", "keyFile" })
        {
            var value = setting == "token" ? "${file:" + path + "}" : path;
            var token = setting == "token" ? "" : "\"token\": \"probe-token-0001\",";
            var text = "{\n  \"p\": { \"type\": \"probe\", " + token + "\n    \"" + setting + "\": \"" + value + "\" } }";
            var (file, diagnostics, _, connections) = Load(text);
            var flowDiagnostics = new List<Diagnostic>();

            Assert.Null(file.Get("p", ProbeConnection.Type, new SourceLocation("flow.json", 1, 1), flowDiagnostics));

            Assert.Empty(diagnostics);
            var diagnostic = Assert.Single(flowDiagnostics);
            Assert.True(diagnostic.Code == "RE0316" && diagnostic.File == connections && diagnostic.Line == 3 && diagnostic.Column == "    \"\": ".Length + setting.Length + 1,
                $"{name} in \"{setting}\": {diagnostic}");
        }
    }

    [Fact]
    [Trait("Category", "Slow")] // starts a real process (mkfifo) (CONTRIBUTING.md)
    public async Task Get_RefusesAFifo_WithoutOpeningIt()
    {
        var fifo = Path.Combine(_dir, "secret.fifo");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)) await mkfifo.WaitForExitAsync();
        var (file, _, _, _) = Load("{ \"p\": { \"type\": \"probe\", \"token\": \"${file:secret.fifo}\" } }");
        var flowDiagnostics = new List<Diagnostic>();

        // Opening a FIFO blocks until a writer comes: if the engine opened it, this would never finish.
        var get = Task.Run(() => file.Get("p", ProbeConnection.Type, new SourceLocation("flow.json", 1, 1), flowDiagnostics));
        var finished = await Task.WhenAny(get, Task.Delay(TimeSpan.FromMinutes(2)));

        Assert.True(finished == get, "reading the FIFO blocked");
        Assert.Null(await get);
        Assert.Equal("RE0316", Assert.Single(flowDiagnostics).Code);
    }

    [Theory]
    [InlineData("${env:PROBE_NEVER_SET_ANYWHERE}", "RE0302")]
    [InlineData("${file:missing.txt}", "RE0303")]
    public void Get_ReportsAnUnresolvableReference_AtTheValue(string token, string code)
    {
        var (file, diagnostics, text, connections) = Load("{\n  \"p\": { \"type\": \"probe\",\n    \"token\": \"" + token + "\" } }");
        var flowDiagnostics = new List<Diagnostic>();

        Assert.Null(file.Get("p", ProbeConnection.Type, new SourceLocation("flow.json", 1, 1), flowDiagnostics));

        Assert.Empty(diagnostics);
        var (line, column) = Place(text, "\"" + token);
        Assert.StartsWith($"{connections}({line},{column}): error {code}: connection 'p'", Assert.Single(flowDiagnostics).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Get_ReportsAConnectorsOwnCheck_WithTheOneCode()
    {
        var (file, _, text, _) = Load(Entry("\"note\": \"reject me\""));
        var flowDiagnostics = new List<Diagnostic>();

        Assert.Null(file.Get("p", ProbeConnection.Type, new SourceLocation("flow.json", 1, 1), flowDiagnostics));

        var diagnostic = Assert.Single(flowDiagnostics);
        Assert.Equal(("RE0319", Place(text, "\"reject me\"")), (diagnostic.Code, (diagnostic.Line, diagnostic.Column)));
    }

    [Fact]
    public void Get_ReportsTheFilesOwnProblem_NotAnUnknownConnection_WhenTheFileIsBroken()
    {
        var (file, diagnostics, _, _) = Load("{ \"p\": { \"type\": \"probe\", ");
        var flowDiagnostics = new List<Diagnostic>();

        Assert.Null(file.Get("p", ProbeConnection.Type, new SourceLocation("flow.json", 4, 7), flowDiagnostics));

        Assert.Equal("RE0001", Assert.Single(diagnostics).Code);
        Assert.Equal(diagnostics, flowDiagnostics);
    }

    [Fact]
    public void Get_ReportsAnUnknownName_AtTheStep_WithTheNearestName()
    {
        var (file, _, _, _) = Load(Entry("\"count\": 3"));
        var flowDiagnostics = new List<Diagnostic>();

        Assert.Null(file.Get("q", ProbeConnection.Type, new SourceLocation("flow.json", 4, 7), flowDiagnostics));

        var diagnostic = Assert.Single(flowDiagnostics);
        Assert.Equal(("flow.json", 4, 7, "RE0305"), (diagnostic.File, diagnostic.Line, diagnostic.Column, diagnostic.Code));
    }
}
