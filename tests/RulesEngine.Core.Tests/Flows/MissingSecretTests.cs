using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;
using RulesEngine.Core.Tests.Support;

namespace RulesEngine.Core.Tests.Flows;

/// <summary>
/// A connection whose secret is not set: one diagnostic naming the connection and the variable, never a cascade of
/// C# errors about the columns of a source that could not be set up; a warning where secrets are optional
/// (<c>validate</c>), an error where they are required (<c>run</c>, <c>serve</c>).
/// </summary>
public sealed class MissingSecretTests
{
    private const string Variable = "RULESENGINE_TEST_SECRET_THAT_IS_NEVER_SET";

    private const string Flow = """
        {
          "source": { "type": "vault.rows", "connection": "vault", "columns": ["Email", "First Name"] },
          "steps": [
            { "id": "hello", "type": "test.call", "text": "Hi {First Name} <{Email}>" },
            { "id": "check", "type": "if", "condition": "Email.EndsWith(\"@x.io\") && First_Name.Length > 0 && hello.Failed", "then": [] }
          ]
        }
        """;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MissingSecret_IsOneDiagnosticNamingConnectionAndVariable_WithoutCSharpErrors(bool secretsRequired)
    {
        // DiagnosticSeverity is internal to Core, so the theory passes only the switch.
        var severity = secretsRequired ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
        Assert.Null(Environment.GetEnvironmentVariable(Variable));

        var set = Load(Flow, secretsRequired);

        var problem = Assert.Single(set.Diagnostics);
        Assert.Equal(("RE0302", severity), (problem.Code, problem.Severity));
        Assert.Contains("'vault'", problem.Message, StringComparison.Ordinal);
        Assert.Contains(Variable, problem.Message, StringComparison.Ordinal);
        Assert.EndsWith("connections.json", problem.File, StringComparison.Ordinal);
        Assert.Equal(!secretsRequired, set.Succeeded);
        Assert.Empty(set.Flows); // checked in full, but it cannot run without the secret
    }

    [Fact]
    public void Loader_RequiresSecretsByDefault_AsRunAndServeLoadFlows()
    {
        var set = Load(Flow, secretsRequired: null);

        Assert.Equal(("RE0302", DiagnosticSeverity.Error), (Assert.Single(set.Diagnostics).Code, set.Diagnostics[0].Severity));
        Assert.False(set.Succeeded);
    }

    [Fact]
    public void MissingSecret_DoesNotHideTheOtherErrorsOfTheFlow()
    {
        var set = Load(Flow.Replace("First_Name.Length", "First_Nmae.Length").Replace("\"text\": \"Hi", "\"txt\": \"x\", \"text\": \"Hi"), secretsRequired: false);

        Assert.Equal(["CS0103", "RE0005", "RE0302"], set.Diagnostics.Select(d => d.Code).Order());
        Assert.Contains("First_Name", set.Diagnostics.Single(d => d.Code == "CS0103").Message, StringComparison.Ordinal);
        Assert.False(set.Succeeded);
    }

    /// <param name="secretsRequired">null: the loader's default.</param>
    private static FlowSet Load(string flow, bool? secretsRequired)
    {
        var registry = new TestRegistry();
        registry.Registry.AddConnection(
            new RulesEngine.Sdk.ConnectionSpec("vault", "a test service behind a secret",
                [RulesEngine.Sdk.ConnectionField.Secret("token", "the vault token", "${env:VAULT_TOKEN}")]),
            settings =>
        {
            var token = settings.Secret("token");
            return token is null ? null : new VaultClient(token);
        });
        registry.Registry.AddSource(
            new StepSpec("vault.rows", "rows behind a secret", [new FieldSpec("connection", FieldKind.Text, "the vault"), new FieldSpec("columns", FieldKind.TextList, "the columns")], ConnectionType: "vault"),
            config =>
            {
                var client = config.Connection<VaultClient>();
                var columns = config.FieldNames("columns");
                return client is null ? null! : new ListSource(columns);
            });
        var dir = Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "connections.json"), $$"""{ "vault": { "type": "vault", "token": "${env:{{Variable}}}" } }""");
        File.WriteAllText(Path.Combine(dir, "flow.json"), flow);
        var diagnostics = new List<Diagnostic>();
        var connections = ConnectionsFile.Load(Path.Combine(dir, "connections.json"), registry.Registry, diagnostics);
        Assert.Empty(diagnostics);
        var loader = secretsRequired is { } required
            ? new FlowLoader(registry.Registry, connections) { SecretsRequired = required }
            : new FlowLoader(registry.Registry, connections);
        return loader.Load([Path.Combine(dir, "flow.json")]);
    }

    private sealed record VaultClient(string Token);
}
