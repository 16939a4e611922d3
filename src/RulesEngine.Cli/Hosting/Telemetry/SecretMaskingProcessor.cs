using System.Diagnostics;
using OpenTelemetry;
using RulesEngine.Core.Connections;

namespace RulesEngine.Cli.Hosting.Telemetry;

/// <summary>
/// Masks every registered secret (<see cref="SecretRedactor"/>) in a finished span's name and string attributes
/// before any exporter sees it: the HTTP client spans carry the request URL, and Telegram's has the bot token in its
/// path. The engine's own spans hold no secret by construction; this covers what other instrumentation adds.
/// </summary>
internal sealed class SecretMaskingProcessor : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        var name = SecretRedactor.Redact(data.DisplayName);
        if (name != data.DisplayName) data.DisplayName = name;
        List<(string Key, string Value)>? masked = null;
        foreach (var tag in data.TagObjects)
        {
            if (tag.Value is not string text) continue;
            var redacted = SecretRedactor.Redact(text);
            if (redacted != text) (masked ??= []).Add((tag.Key, redacted));
        }
        if (masked is null) return;
        foreach (var (key, value) in masked) data.SetTag(key, value);
    }
}
