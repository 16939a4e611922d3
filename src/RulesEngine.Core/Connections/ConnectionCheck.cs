using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Connections;

internal enum ConnectionCheckStatus
{
    /// <summary>The connection loaded and its self-test request succeeded.</summary>
    Passed,
    /// <summary>The connection loaded, but its self-test request failed.</summary>
    Failed,
    /// <summary>The connection did not load (its problems are in <see cref="ConnectionCheckResult.Problems"/>).</summary>
    NotLoaded,
    /// <summary>The connection loaded; its type has no self-test.</summary>
    NoSelfTest,
}

/// <summary>What checking one connection found. <see cref="Detail"/> never holds a secret (it is redacted).</summary>
internal sealed record ConnectionCheckResult(string Name, string Type, ConnectionCheckStatus Status, string Detail, IReadOnlyList<Diagnostic> Problems);

/// <summary>
/// Loads connections and runs their types' self-test requests (<c>rulesengine connections test</c>): a way to learn
/// that a token is wrong or a server unreachable before the first flow needs it.
/// </summary>
internal static class ConnectionCheck
{
    public static async Task<IReadOnlyList<ConnectionCheckResult>> RunAsync(ConnectionsFile file, ConnectorRegistry registry,
        IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        var results = new List<ConnectionCheckResult>();
        var types = file.Types;
        IEnumerable<string> selected = names.Count > 0 ? names : types.Keys.Order(StringComparer.Ordinal);
        foreach (var name in selected)
        {
            var type = types.GetValueOrDefault(name, "");
            var problems = new List<Diagnostic>();
            var client = file.Get(name, type, new SourceLocation(file.FilePath, 1, 1), problems);
            if (client is null)
            {
                results.Add(new ConnectionCheckResult(name, type, ConnectionCheckStatus.NotLoaded,
                    $"did not load ({problems.Count} problem{(problems.Count == 1 ? "" : "s")})", problems));
                continue;
            }
            registry.TryGetConnectionType(type, out var connectionType);
            if (connectionType.SelfTest is not { } selfTest)
            {
                results.Add(new ConnectionCheckResult(name, type, ConnectionCheckStatus.NoSelfTest, "loaded; this type has no self-test", []));
                continue;
            }
            try
            {
                var learned = await selfTest(client, cancellationToken).ConfigureAwait(false);
                results.Add(new ConnectionCheckResult(name, type, ConnectionCheckStatus.Passed,
                    SecretRedactor.Redact($"{connectionType.Spec.SelfTest}: {learned}"), []));
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                results.Add(new ConnectionCheckResult(name, type, ConnectionCheckStatus.Failed,
                    SecretRedactor.Redact($"{connectionType.Spec.SelfTest} failed: {e.Message}"), []));
            }
        }
        return results;
    }
}
